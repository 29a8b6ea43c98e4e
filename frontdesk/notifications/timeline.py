"""What the client card shows of messages: the ones the client was sent (or not, and why) in its
timeline, and the channels the client gets booking messages on (the panel «clients.card_details»)."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from frontdesk.clients.card import TimelineEntry
from frontdesk.core.phones import format_phone
from frontdesk.notifications.models import ChannelKind, ClientTelegram, Message, MessageStatus, OptOut

ICONS = {"sms": "phone", "email": "envelope", "telegram": "telegram"}


def messages_for_card(card) -> list[TimelineEntry]:
    rows = Message.objects.filter(client=card.client).select_related("company").order_by("-created_at", "-id")[:100]
    return [
        TimelineEntry(
            kind="message",
            at=m.sent_at or m.created_at,
            title=_("%(event)s · %(channel)s") % {"event": m.get_event_display(), "channel": m.get_channel_display()},
            icon=ICONS.get(m.channel, "chat"),
            text=m.body if m.status == MessageStatus.SENT else _(m.error) if m.error else "",
            status="cancelled" if m.status in (MessageStatus.FAILED,) else "",
            status_label=m.get_status_display(),
            who=format_phone(m.recipient),  # an address or a chat id comes back as it is
            branch=m.company.name,
        )
        for m in rows
    ]


def channels_panel(request, client=None, can_edit=False, **kwargs) -> str:
    """Whether the client gets booking messages by SMS and email, and by Telegram once the client
    has linked a chat (from their booking page); a member who may edit the card switches each."""
    if client is None:
        return ""
    out = set(OptOut.objects.filter(client=client).values_list("channel", flat=True))
    linked = ClientTelegram.objects.filter(client=client).exists()
    channels = [
        (kind, label, kind not in out) for kind, label in ChannelKind.choices if kind != ChannelKind.TELEGRAM or linked
    ]
    context = {"client": client, "channels": channels, "can_edit": can_edit}
    return render_to_string("notifications/_client_channels.html", context, request=request)
