from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrepaidConfig(AppConfig):
    name = "frontdesk.prepaid"
    label = "prepaid"
    verbose_name = _("Certificates and abonements")

    def ready(self):
        from frontdesk.accounts.permissions import Section
        from frontdesk.clients.card import register_badge_source, register_timeline_source
        from frontdesk.core.navigation import NavItem, register
        from frontdesk.prepaid import (
            demo,  # noqa: F401  (registers the demo step)
            hooks,
            means,
        )

        register(
            NavItem(
                "prepaid",
                _("Certificates and abonements"),
                "gift",
                "prepaid:certificates",
                Section.LOYALTY,
                order=46,
            )
        )
        register_badge_source("prepaid", hooks.client_badges, section=Section.LOYALTY)
        register_timeline_source("prepaid", hooks.client_timeline, section=Section.LOYALTY)
        from frontdesk.core.periodic import register_hourly
        from frontdesk.prepaid.expiry import run_expiry

        register_hourly("prepaid.expiry", run_expiry)
        hooks.connect()
        means.register()
        from frontdesk.prepaid.figures import register_analytics

        register_analytics()
        from frontdesk.core.audit_display import register_log_labels
        from frontdesk.prepaid import log_labels

        register_log_labels(log_labels)
