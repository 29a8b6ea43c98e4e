"""The tabs of the finance section (`finance/_nav.html`). Finance registers its own; a module above
it that adds pages to the section (payments: prepayments to settle, receipts) registers its tabs
from its AppConfig.ready(), so finance links to no page of theirs. Every finance page checks the
finance section's permission, so every tab is shown to whoever sees one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FinanceTab:
    key: str  # the page says which tab is its own: {% include "finance/_nav.html" with finance_tab=key %}
    label: str
    url_name: str  # reversed with the branch's id
    order: int = 100
    testid: str = ""  # the tab's data-testid, if the tests click it


_tabs: dict[str, FinanceTab] = {}


def register_finance_tab(tab: FinanceTab) -> None:
    _tabs[tab.key] = tab


def finance_tabs() -> list[FinanceTab]:
    """Every registered tab, in their order."""
    return sorted(_tabs.values(), key=lambda tab: (tab.order, tab.key))
