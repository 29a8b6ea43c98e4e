"""How the event log names this app's actions and links its objects (`core.audit_display`);
registered from `AppConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from frontdesk.core.audit_display import page_by_url_name, register_action, register_model_name, register_object_url


def register() -> None:
    register_action("client.viewed", _("Card opened"))
    register_action("client.data_exported", _("Client's data exported"))
    register_action("client.erased", _("Personal data erased"))
    register_action("client.merged", _("Duplicate merged"))
    register_action("client_category.added", _("Category added"))
    register_action("client_category.removed", _("Category removed"))
    register_action("clients.exported", _("Client base exported"))
    register_object_url("clients.client", page_by_url_name("clients:card", "client_id"))
    register_model_name("clients.clientimport", _("client import"))
