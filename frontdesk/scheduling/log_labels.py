"""What the event log calls this app's actions and objects, and where their pages are
(read by `core.audit_display.register_log_labels` from `AppConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "record.overbooked": _("Booked over an occupied time"),
    "series.booked": _("Repeating booking made"),
    "group_event.cancelled": _("Class cancelled"),
    "waitlist.offered": _("Waiting list: time offered"),
}
PAGES = {
    "scheduling.groupevent": ("classes:detail", "class_id"),
}
NAMES = {
    "scheduling.resourcebooking": _("resource booking"),
}
