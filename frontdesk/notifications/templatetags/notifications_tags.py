from django import template

from frontdesk.notifications.models import ChannelKind, ClientTelegram, OptOut

register = template.Library()


@register.inclusion_tag("notifications/_client_channels.html", takes_context=True)
def client_channels(context, client):
    """On the client card: whether the client gets messages by SMS and email, and by Telegram
    once the client has linked a chat (from their booking page)."""
    out = set(OptOut.objects.filter(client=client).values_list("channel", flat=True))
    linked = ClientTelegram.objects.filter(client=client).exists()
    channels = [
        (kind, label, kind not in out) for kind, label in ChannelKind.choices if kind != ChannelKind.TELEGRAM or linked
    ]
    return {
        "client": client,
        "channels": channels,
        "can_edit": context.get("can_edit", False),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }
