from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "frontdesk.staff"
    label = "staff"
    verbose_name = _("Staff and schedules")

    def ready(self):
        from frontdesk.accounts.permissions import Section
        from frontdesk.catalog.performers import register_performed_by
        from frontdesk.core.navigation import NavItem, register
        from frontdesk.staff import (
            demo,  # noqa: F401  (registers the demo step)
            signals,
            spreadsheets,  # noqa: F401  (registers its importers for the task worker)
        )
        from frontdesk.staff.services import working_specialist_performs

        signals.connect()

        register_performed_by(working_specialist_performs)

        register(NavItem("staff", _("Staff"), "people", "staff:list", Section.SETTINGS, order=300))
        # Every member may open it: managers land on the grid, a specialist sees their own days.
        register(NavItem("schedule", _("Work schedule"), "calendar-week", "staff:my_schedule", None, order=310))

        from frontdesk.staff.first_steps import register_staff_steps

        register_staff_steps()

        from frontdesk.core.audit_display import register_log_labels
        from frontdesk.staff import log_labels

        register_log_labels(log_labels)
