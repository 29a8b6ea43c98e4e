"""How the event log names this app's actions and links its objects (`core.audit_display`);
registered from `AppConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from frontdesk.core.audit_display import page_by_url_name, register_action, register_object_url


def register() -> None:
    register_action("client.unsubscribed", _("Unsubscribed from emails"))
    register_action("client.telegram_linked", _("Telegram linked"))
    register_action("client.messages_on", _("Messages switched on"))
    register_action("client.messages_off", _("Messages switched off"))
    register_object_url("notifications.mailing", page_by_url_name("notifications:mailing", "mailing_id"))
    register_object_url(
        "notifications.messagetemplate", page_by_url_name("notifications:template", "message_template_id")
    )
