from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "frontdesk.loyalty"
    label = "loyalty"
    verbose_name = _("Loyalty")

    def ready(self):
        from frontdesk.accounts.permissions import Section
        from frontdesk.booking.signals import booked_online
        from frontdesk.clients.card import register_badge_source, register_timeline_source
        from frontdesk.core.navigation import NavItem, register
        from frontdesk.loyalty import card_block, checkout, demo, services  # noqa: F401  (registers the demo step)

        register(NavItem("loyalty", _("Loyalty"), "award", "loyalty:programmes", Section.LOYALTY, order=45))
        register_timeline_source("loyalty", card_block.operations_for_card, section=Section.LOYALTY)
        register_badge_source("loyalty", card_block.loyalty_badge, section=Section.LOYALTY)
        from frontdesk.core.periodic import register_hourly
        from frontdesk.loyalty.daily import run_daily

        register_hourly("loyalty.daily", run_daily)
        card_block.register()
        checkout.connect()
        booked_online.listen(services.on_booked_online)
        from frontdesk.core.audit_display import register_log_labels
        from frontdesk.loyalty import log_labels

        register_log_labels(log_labels)
