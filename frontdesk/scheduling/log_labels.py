"""How the event log names this app's actions and links its objects (`core.audit_display`);
registered from `AppConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from frontdesk.core.audit_display import page_by_url_name, register_action, register_model_name, register_object_url


def register() -> None:
    register_action("record.overbooked", _("Booked over an occupied time"))
    register_action("series.booked", _("Repeating booking made"))
    register_action("group_event.cancelled", _("Class cancelled"))
    register_action("waitlist.offered", _("Waiting list: time offered"))
    register_object_url("scheduling.groupevent", page_by_url_name("classes:detail", "class_id"))
    register_model_name("scheduling.resourcebooking", _("resource booking"))
