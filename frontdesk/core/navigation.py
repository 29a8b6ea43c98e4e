"""The back office's sections. Each app registers its entries when it loads, so the menu only
ever shows what exists (no dead links). The registry lives here, at the bottom of the stack, so
that every app can register; which entries a member may open is decided above, by the shell that
knows permissions (frontdesk/tenancy/navigation.py)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    icon: str  # a Bootstrap Icons name, e.g. "calendar3"
    url_name: str  # reversed with company_id
    section: str | None  # the permission section; None: every member
    order: int = 100
    # Other path prefixes (below /c/<id>/) that belong to this entry, e.g. ("events/",).
    also: tuple[str, ...] = ()
    exact: bool = False  # active only on its own URL (the overview at /c/<id>/)


_registry: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _registry[item.key] = item


def nav_items() -> list[NavItem]:
    """Every registered menu entry, in the order the apps registered them."""
    return list(_registry.values())


@dataclass(frozen=True)
class SettingsTab:
    key: str
    label: str
    url_name: str
    section: str  # the permission section the tab's page checks
    order: int = 100


_settings_tabs: dict[str, SettingsTab] = {}


def register_settings_tab(tab: SettingsTab) -> None:
    _settings_tabs[tab.key] = tab


def settings_tabs() -> list[SettingsTab]:
    """Every registered settings tab, in the order the apps registered them."""
    return list(_settings_tabs.values())
