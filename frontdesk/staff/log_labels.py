"""What the event log calls this app's actions and objects, and where their pages are
(read by `core.audit_display.register_log_labels` from `AppConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "staff.imported": _("Staff imported"),
    "staff.schedule_changed": _("Schedule changed"),
}
PAGES = {
    "staff.specialist": ("staff:edit", "specialist_id"),
}
