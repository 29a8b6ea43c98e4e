"""What the client card shows of messages: the ones the client was sent (or not, and why) in its
timeline, and the channels the client gets booking messages on (the panel «clients.card_details»)."""

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from frontdesk.clients.card import TimelineEntry
from frontdesk.core.phones import format_phone
from frontdesk.notifications.models import ChannelKind, ClientTelegram, Message, MessageEvent, MessageStatus, OptOut

ICONS = {"sms": "phone", "email": "envelope", "telegram": "telegram"}


def messages_for_card(card) -> list[TimelineEntry]:
    """The client's messages in the card's history. What is still waiting to go out (reminders
    before each visit, thank-yous after) is folded into one line that unfolds, and the reminders
    withdrawn because their visit changed into another: ten pending reminders must not push what
    happened out of sight."""
    rows = Message.objects.filter(client=card.client).select_related("company").order_by("-created_at", "-id")[:100]
    tz = card.tz or timezone.get_current_timezone()
    waiting, withdrawn, entries = [], [], []
    for m in rows:
        if m.status == MessageStatus.PENDING and m.due_at > card.now:
            waiting.append(m)  # due later: scheduled, not something that happened
        elif m.status == MessageStatus.CANCELLED and m.event == MessageEvent.REMINDER:
            withdrawn.append(m)
        else:
            entries.append(_entry(m))
    if waiting:
        waiting.sort(key=lambda m: (m.due_at, m.pk))
        reminders = all(m.event == MessageEvent.REMINDER for m in waiting)
        count = len(waiting)
        title = (
            ngettext("%(count)s reminder scheduled", "%(count)s reminders scheduled", count)
            if reminders
            else ngettext("%(count)s message scheduled", "%(count)s messages scheduled", count)
        ) % {"count": count}
        first = waiting[0]
        entries.append(
            TimelineEntry(
                kind="message",
                at=first.due_at,
                title=title,
                icon="clock",
                text=_("Next: %(when)s") % {"when": _local(first.due_at, tz)},
                status_label=MessageStatus.PENDING.label,
                details=[_line(m, tz) for m in waiting],
            )
        )
    if withdrawn:
        count = len(withdrawn)
        entries.append(
            TimelineEntry(
                kind="message",
                at=max(m.created_at for m in withdrawn),
                title=ngettext("%(count)s reminder withdrawn", "%(count)s reminders withdrawn", count)
                % {"count": count},
                icon="clock-history",
                text=_("Replaced or no longer needed: the visit was moved, changed or cancelled."),
                details=[f"{_line(m, tz)} — {_(m.error)}" if m.error else _line(m, tz) for m in withdrawn],
            )
        )
    return entries


def _local(moment, tz) -> str:
    return formats.date_format(moment.astimezone(tz), "d.m.Y H:i")


def _line(m: Message, tz) -> str:
    return f"{_local(m.due_at, tz)} · {m.get_event_display()} · {m.get_channel_display()} → {format_phone(m.recipient)}"


def _entry(m: Message) -> TimelineEntry:
    return TimelineEntry(
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
