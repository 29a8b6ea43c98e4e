from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "frontdesk.scheduling"
    label = "scheduling"
    verbose_name = _("Journal")

    def ready(self):
        from frontdesk.accounts.permissions import Section
        from frontdesk.core.navigation import NavItem, register
        from frontdesk.scheduling import (
            client_records,
            client_stats,
            demo,  # noqa: F401  (registers the demo step)
            signals,
        )
        from frontdesk.scheduling.classes_menu import register_menu

        signals.connect()  # every save of a record becomes an event, heard from here on
        client_stats.connect()
        client_records.connect()
        register(NavItem("journal", _("Journal"), "calendar3", "journal:page", Section.JOURNAL, order=10))
        register_menu()
        from frontdesk.core.audit_display import register_log_labels
        from frontdesk.scheduling import log_labels

        register_log_labels(log_labels)
