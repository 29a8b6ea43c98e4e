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
        from frontdesk.finance import demo  # noqa: F401  (registers the demo step)
        from frontdesk.finance.checkout import debt_badge, refuse_changes_to_checked_out_visit
        from frontdesk.finance.services import ensure_default_items
        from frontdesk.scheduling.services import register_change_guard
        from frontdesk.tenancy.signals import chain_created

        register(NavItem("finance", _("Finance"), "cash-coin", "finance:accounts", Section.FINANCE, order=40))
        register_change_guard(refuse_changes_to_checked_out_visit)
        register_badge_source("debt", debt_badge, section=Section.FINANCE)
        chain_created.listen(ensure_default_items)
