"""The client card's timeline shows the messages the client was sent (or not, and why)."""

from django.utils.translation import gettext as _

from frontdesk.clients.card import TimelineEntry
from frontdesk.notifications.models import Message, MessageStatus

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
            who=m.recipient,
            branch=m.company.name,
        )
        for m in rows
    ]
