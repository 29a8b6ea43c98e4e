"""How the event log names this app's actions and links its objects (`core.audit_display`);
registered from `AppConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from frontdesk.core.audit_display import page_by_url_name, register_action, register_object_url


def register() -> None:
    register_action("staff.imported", _("Staff imported"))
    register_action("staff.schedule_changed", _("Schedule changed"))
    register_object_url("staff.specialist", page_by_url_name("staff:edit", "specialist_id"))
