from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "frontdesk.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self):
        from frontdesk.accounts.permissions import Section
        from frontdesk.analytics import client_facts, panels, reports
        from frontdesk.core.navigation import NavItem, register
        from frontdesk.core.panels import register_panel

        register_panel("tenancy.dashboard", "analytics", panels.dashboard_figures)
        register(NavItem("analytics", _("Analytics"), "graph-up", "analytics:index", Section.ANALYTICS, order=35))
        reports.load_all()
        client_facts.connect()
