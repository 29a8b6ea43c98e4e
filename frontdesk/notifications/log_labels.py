"""What the event log calls this app's actions and objects, and where their pages are
(read by `core.audit_display.register_log_labels` from `AppConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "client.unsubscribed": _("Unsubscribed from emails"),
    "client.telegram_linked": _("Telegram linked"),
    "client.messages_on": _("Messages switched on"),
    "client.messages_off": _("Messages switched off"),
}
PAGES = {
    "notifications.mailing": ("notifications:mailing", "mailing_id"),
}
