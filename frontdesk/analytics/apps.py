from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "frontdesk.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self):
        from frontdesk.accounts.permissions import Section
        from frontdesk.analytics import (
            client_facts,
            demo,  # noqa: F401  (registers the year of demo history and the facts' rebuild)
            listeners,
            panels,
            reports,
        )
        from frontdesk.analytics.builder import (
            demo as builder_demo,  # noqa: F401  (registers the demo's saved reports)
        )
        from frontdesk.analytics.builder import panels as builder_panels
        from frontdesk.analytics.builder import schedule
        from frontdesk.core.navigation import NavItem, register
        from frontdesk.core.panels import register_panel
        from frontdesk.core.periodic import register_hourly

        register_panel("tenancy.dashboard", "analytics", panels.dashboard_figures)
        register_panel("tenancy.dashboard", "analytics_pinned", builder_panels.pinned_reports)
        register_hourly("analytics.scheduled_reports", schedule.send_due_reports)
        register(NavItem("analytics", _("Analytics"), "graph-up", "analytics:index", Section.ANALYTICS, order=35))
        reports.load_all()
        listeners.connect()
        client_facts.connect()
        post_migrate.connect(client_facts.build_missing, sender=self, dispatch_uid="analytics.client_facts")
