from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "frontdesk.api"
    label = "api"
    verbose_name = _("API")

    def ready(self):
        from frontdesk.accounts.permissions import Section
        from frontdesk.api import (
            demo,  # noqa: F401  (registers the demo step)
            signals,
        )
        from frontdesk.api.views import my_tokens_panel
        from frontdesk.core.navigation import SettingsTab, register_settings_tab
        from frontdesk.core.panels import register_panel

        register_settings_tab(
            SettingsTab("integrations", _("Integrations"), "integrations:tokens", Section.SETTINGS, order=800)
        )
        signals.connect()
        register_panel("accounts.profile", "api", my_tokens_panel)
