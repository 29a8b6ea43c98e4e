from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "frontdesk.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self):
        from django.db.models.signals import post_save

        from frontdesk.accounts.permissions import Section
        from frontdesk.clients.card import register_badge_source
        from frontdesk.core.navigation import NavItem, register
        from frontdesk.finance import demo  # noqa: F401  (registers the demo step)
        from frontdesk.finance.checkout import debt_badge, refuse_changes_to_checked_out_visit
        from frontdesk.scheduling.services import register_change_guard
        from frontdesk.tenancy.models import Chain

        register(NavItem("finance", _("Finance"), "cash-coin", "finance:accounts", Section.FINANCE, order=40))
        register_change_guard(refuse_changes_to_checked_out_visit)
        register_badge_source("debt", debt_badge, section=Section.FINANCE)
        post_save.connect(_give_default_items, sender=Chain, dispatch_uid="finance_default_items")


def _give_default_items(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from frontdesk.finance.services import ensure_default_items

        ensure_default_items(instance)
