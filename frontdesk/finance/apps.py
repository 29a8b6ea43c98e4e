from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "frontdesk.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self):
        from frontdesk.accounts.permissions import Section
        from frontdesk.clients.card import register_badge_source
        from frontdesk.core.navigation import NavItem, register
        from frontdesk.core.panels import register_panel
        from frontdesk.finance import (
            counterparty_spreadsheets,  # noqa: F401  (registers its importer)
            demo,  # noqa: F401  (registers the demo step)
        )
        from frontdesk.finance.checkout import debt_badge, refuse_changes_to_checked_out_visit
        from frontdesk.finance.client_money import client_money_panel
        from frontdesk.finance.services import ensure_default_items
        from frontdesk.finance.tabs import FinanceTab, register_finance_tab
        from frontdesk.scheduling.services import register_change_guard
        from frontdesk.tenancy.signals import chain_created

        register(NavItem("finance", _("Finance"), "cash-coin", "finance:accounts", Section.FINANCE, order=40))
        for tab in (
            FinanceTab("accounts", _("Accounts and cash desks"), "finance:accounts", order=10),
            FinanceTab("sell", _("Sell"), "finance:sell", order=20, testid="finance-sell"),
            FinanceTab("items", _("Payment items"), "finance:items", order=30),
            FinanceTab("counterparties", _("Counterparties"), "finance:counterparties", order=40),
            FinanceTab("reports", _("Reports"), "finance:report_cash", order=50, testid="finance-reports"),
        ):
            register_finance_tab(tab)
        register_change_guard(refuse_changes_to_checked_out_visit)
        register_badge_source("debt", debt_badge, section=Section.FINANCE)
        register_panel("clients.card_money", "finance", client_money_panel)
        chain_created.listen(ensure_default_items)
        from frontdesk.core.audit_display import register_log_labels
        from frontdesk.finance import log_labels

        register_log_labels(log_labels)
