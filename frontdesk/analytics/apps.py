from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "frontdesk.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self):
        from frontdesk.analytics import panels
        from frontdesk.core.panels import register_panel

        register_panel("tenancy.dashboard", "analytics", panels.dashboard_figures)
