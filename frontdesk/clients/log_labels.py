"""What the event log calls this app's actions and objects, and where their pages are
(read by `core.audit_display.register_log_labels` from `AppConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "client.viewed": _("Card opened"),
    "client.data_exported": _("Client's data exported"),
    "client.erased": _("Personal data erased"),
    "client.merged": _("Duplicate merged"),
    "client_category.added": _("Category added"),
    "client_category.removed": _("Category removed"),
    "clients.exported": _("Client base exported"),
}
PAGES = {
    "clients.client": ("clients:card", "client_id"),
}
NAMES = {
    "clients.clientimport": _("client import"),
}
