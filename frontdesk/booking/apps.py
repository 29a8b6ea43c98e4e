from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "frontdesk.booking"
    label = "booking"
    verbose_name = _("Online booking")

    def ready(self):
        from frontdesk.accounts.permissions import Section
        from frontdesk.booking import demo  # noqa: F401  (registers the demo step)
        from frontdesk.booking.embeds import specialist_panel
        from frontdesk.booking.services import branch_page_url, self_service_url
        from frontdesk.core.navigation import SettingsTab, register_settings_tab
        from frontdesk.core.panels import register_panel
        from frontdesk.notifications.templating import register_branch_variable, register_visit_variable

        register_settings_tab(
            SettingsTab("online_booking", _("Online booking"), "booking:settings", Section.SETTINGS, order=30)
        )
        register_panel("staff.specialist", "booking", specialist_panel)
        register_visit_variable("link", self_service_url)
        register_branch_variable("link", branch_page_url)

        from frontdesk.booking.first_steps import register_booking_steps

        register_booking_steps()
