"""Writing the outbox: which messages a change of a booking causes, written in the same
transaction as the change (DESIGN.md invariant 5).

The journal announces every way a record is booked, moved, cancelled or restored as an event
(`frontdesk/scheduling/signals.py` turns every save of a record into one, whatever the path: the
journal, online booking, the API, classes and the waiting list); `scheduling_listeners.py` hears
them inside the caller's transaction and calls the functions here: a booking that rolls back
leaves no message behind.

- a new record of a client in the future: one confirmation per channel for its visit;
- a record moved (time or specialist): one "changed" message (none while the confirmation is
  still unsent: it is rendered when sent, so it already tells the new time);
- the last holding record of a visit cancelled: the unsent confirmation is dropped, or a
  "cancelled" message goes out if the client had been told about the booking;
- after any of these, the visit's reminders are brought in line: due N hours before its first
  start, in the branch's time zone, outside quiet hours; stale ones are cancelled;
- while a gate holds a visit back (payments: a required prepayment not paid yet), it gets no
  confirmation, change or reminder; `refresh_visit` catches up once the gate opens.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from frontdesk.notifications.models import (
    ChannelKind,
    ChannelSettings,
    ClientTelegram,
    Message,
    MessageEvent,
    MessageStatus,
    OptOut,
)
from frontdesk.scheduling.models import Record, RecordStatus

logger = logging.getLogger("frontdesk.notifications")

OPEN = (MessageStatus.PENDING, MessageStatus.SENDING)


def settings_for(company) -> ChannelSettings:
    """The branch's own settings, else the network's, else the defaults (unsaved)."""
    rows = {
        row.company_id: row
        for row in ChannelSettings.unscoped.filter(chain_id=company.chain_id).filter(
            Q(company_id=company.pk) | Q(company__isnull=True)
        )
    }
    return rows.get(company.pk) or rows.get(None) or ChannelSettings(chain_id=company.chain_id)


def address(client, channel: str) -> str:
    """Where a client is reached on a channel ('' when not at all). Telegram needs the client to
    have linked a chat with the bot (the deep link on their self-service page, telegram.py)."""
    if client is None or client.erased_at is not None:
        return ""
    if channel == ChannelKind.SMS:
        return client.phone
    if channel == ChannelKind.EMAIL:
        return client.email
    if channel == ChannelKind.TELEGRAM:
        return ClientTelegram.unscoped.filter(client_id=client.pk).values_list("chat_id", flat=True).first() or ""
    return ""


def opted_out(client, channel: str) -> bool:
    return OptOut.unscoped.filter(chain_id=client.chain_id, client_id=client.pk, channel=channel).exists()


def marketing_allowed(client, channel: str) -> bool:
    """Marketing (mailings, birthday, win-back) needs the client's consent on the channel: the
    card's SMS and email consent boxes; a Telegram chat the client linked themselves counts as
    consent to Telegram. Service messages do not look at this (only at opt-outs)."""
    if channel == ChannelKind.SMS:
        return client.sms_consent
    if channel == ChannelKind.EMAIL:
        return client.email_consent
    return channel == ChannelKind.TELEGRAM


def wake_worker(at: datetime.datetime | None = None) -> None:
    """After commit, ask the task worker to deliver (at `at`, or now). Losing this nudge loses
    nothing: the rows are in the outbox, and every run of the worker or of
    `manage.py send_due_messages` takes whatever is due."""
    if not settings.NOTIFY_WAKE_WORKER:
        return

    def enqueue():
        from frontdesk.notifications.tasks import deliver_due_messages  # inside: tasks -> worker -> outbox

        try:
            if at is not None and at > timezone.now():
                if not deliver_due_messages.get_backend().supports_defer:
                    return  # the cron command picks it up
                deliver_due_messages.using(run_after=at).enqueue()
            else:
                deliver_due_messages.enqueue()
        except Exception:  # the outbox row is the truth; the nudge is best effort
            logger.exception("Could not enqueue the notification worker")

    transaction.on_commit(enqueue)


def write_message(*, company, client, event, channel, recipient, due_at, language, **extra) -> Message:
    message = Message.unscoped.create(
        chain_id=company.chain_id,
        company=company,
        client=client,
        event=event,
        channel=channel,
        recipient=recipient,
        due_at=due_at,
        language=language,
        **extra,
    )
    wake_worker(due_at)
    return message


def _visit_messages(visit_id):
    return Message.unscoped.filter(visit_id=visit_id)


# Gates hold a visit's messages back: `gate(visit_id) -> bool`, True while the client must not be
# told yet. Registered in ready() (notifications registers payments' unpaid required prepayment).
_gates: list = []
HELD = gettext_noop("waiting for the prepayment")


def register_gate(gate) -> None:
    if gate not in _gates:
        _gates.append(gate)


def held(visit_id) -> bool:
    return any(gate(visit_id) for gate in _gates)


def refresh_visit(visit_id, now=None) -> None:
    """Bring a visit's messages in line after its gate closed or opened (call it in the same
    transaction): held, the unsent confirmation, changes and reminders are withdrawn; let go, the
    confirmation and the reminders are written as for a new booking."""
    if held(visit_id):
        _visit_messages(visit_id).filter(
            event__in=[MessageEvent.BOOKED, MessageEvent.CHANGED, MessageEvent.REMINDER], status=MessageStatus.PENDING
        ).update(status=MessageStatus.CANCELLED, error=HELD)
        return
    first = _upcoming_records(visit_id).select_related("company", "client", "visit").first()
    if first is not None:
        visit_booked(first, now)


def on_prepayment_held(payment) -> None:
    """Listens to `payments.prepayment_held`, in the booking's transaction: the visit's gate just
    closed, so nothing of it is confirmed or reminded of until it is paid."""
    refresh_visit(payment.visit_id)


def on_prepayment_paid(payment) -> None:
    """Listens to `payments.prepayment_paid`, in the webhook's transaction: a required
    prepayment paid opens the visit's gate (one that was not required never closed it)."""
    if payment.required:
        refresh_visit(payment.visit_id)


def _upcoming_records(visit_id):
    return Record._base_manager.filter(visit_id=visit_id, status__in=RecordStatus.UPCOMING).order_by("start", "id")


def _recipients(company, client, config):
    for channel in config.channels():
        recipient = address(client, channel)
        if recipient:
            yield channel, recipient


def visit_booked(record: Record, now=None) -> None:
    now = now or timezone.now()
    client = record.client
    if client is None or record.status not in RecordStatus.UPCOMING or record.start <= now:
        return
    company = record.company
    config = settings_for(company)
    if held(record.visit_id):
        sync_reminders(record.visit_id, company, client, config, now)
        return
    told = set(
        _visit_messages(record.visit_id)
        .filter(event=MessageEvent.BOOKED)
        .exclude(status=MessageStatus.CANCELLED, error=HELD)  # withheld, so never told
        .values_list("channel", flat=True)
    )
    for channel, recipient in _recipients(company, client, config):
        if channel in told:
            continue  # a visit of several records is one booking: one confirmation
        write_message(
            company=company,
            client=client,
            visit=record.visit,
            event=MessageEvent.BOOKED,
            channel=channel,
            recipient=recipient,
            due_at=now,
            language=config.language,
        )
    sync_reminders(record.visit_id, company, client, config, now)


def visit_changed(record: Record, now=None) -> None:
    now = now or timezone.now()
    client = record.client
    if client is None or record.status not in RecordStatus.UPCOMING or record.start <= now or held(record.visit_id):
        return
    company = record.company
    config = settings_for(company)
    unsent = set(
        _visit_messages(record.visit_id)
        .filter(event__in=[MessageEvent.BOOKED, MessageEvent.CHANGED], status=MessageStatus.PENDING)
        .values_list("channel", flat=True)
    )
    for channel, recipient in _recipients(company, client, config):
        if channel in unsent:
            continue  # rendered when sent: it will tell the new time
        write_message(
            company=company,
            client=client,
            visit=record.visit,
            event=MessageEvent.CHANGED,
            channel=channel,
            recipient=recipient,
            due_at=now,
            language=config.language,
        )


def visit_cancelled(record: Record, now=None) -> None:
    now = now or timezone.now()
    if _upcoming_records(record.visit_id).exists():
        return  # a part of the visit stays: nothing to tell yet
    client = record.client
    messages = _visit_messages(record.visit_id)
    # The client never heard of the booking: drop the confirmation, say nothing.
    messages.filter(event__in=[MessageEvent.BOOKED, MessageEvent.CHANGED], status=MessageStatus.PENDING).update(
        status=MessageStatus.CANCELLED, error=gettext_noop("the visit was cancelled before sending")
    )
    if client is None or record.start <= now:
        return
    told = set(
        messages.filter(
            event__in=[MessageEvent.BOOKED, MessageEvent.CHANGED],
            status__in=[MessageStatus.SENT, MessageStatus.SENDING],
        ).values_list("channel", flat=True)
    )
    already = set(messages.filter(event=MessageEvent.CANCELLED, status__in=OPEN).values_list("channel", flat=True))
    company = record.company
    config = settings_for(company)
    for channel, recipient in _recipients(company, client, config):
        if channel in told and channel not in already:
            write_message(
                company=company,
                client=client,
                visit=record.visit,
                event=MessageEvent.CANCELLED,
                channel=channel,
                recipient=recipient,
                due_at=now,
                language=config.language,
            )


def reminder_due(start: datetime.datetime, hours: int, config: ChannelSettings, tz) -> datetime.datetime:
    """N hours before the start; if that falls in the branch's quiet hours (its local time), the
    last minute before they begin, so that a 2-hour reminder of a 10:00 visit goes out the
    evening before instead of after the visit."""
    due = start - datetime.timedelta(hours=hours)
    local = due.astimezone(tz)
    if not config.in_quiet_hours(local.time()):
        return due
    day = local.date()
    if config.quiet_from > config.quiet_to and local.time() < config.quiet_to:
        day -= datetime.timedelta(days=1)  # after midnight: the quiet hours began the evening before
    begins = datetime.datetime.combine(day, config.quiet_from, tzinfo=tz)
    return begins - datetime.timedelta(minutes=1)


def sync_reminders(visit_id, company, client, config=None, now=None) -> None:
    """Make the visit's pending reminders exactly those its current state calls for."""
    now = now or timezone.now()
    config = config or settings_for(company)
    gated = held(visit_id)
    first = None if gated else _upcoming_records(visit_id).first()
    wanted = {}
    if first is not None and client is not None and first.start > now:
        for channel, recipient in _recipients(company, client, config):
            for hours in config.reminder_list:
                due = reminder_due(first.start, hours, config, company.tz)
                if due > now:
                    wanted[(channel, hours)] = (recipient, due)
    pending = _visit_messages(visit_id).filter(event=MessageEvent.REMINDER, status=MessageStatus.PENDING)
    for message in pending:
        key = (message.channel, message.reminder_hours)
        if key in wanted and message.visit_start == first.start and message.recipient == wanted[key][0]:
            wanted.pop(key)
        else:
            Message.unscoped.filter(pk=message.pk, status=MessageStatus.PENDING).update(
                status=MessageStatus.CANCELLED,
                error=HELD if gated else gettext_noop("the visit changed"),
            )
    for (channel, hours), (recipient, due) in wanted.items():
        write_message(
            company=company,
            client=client,
            visit_id=visit_id,
            event=MessageEvent.REMINDER,
            channel=channel,
            recipient=recipient,
            due_at=due,
            language=config.language,
            visit_start=first.start,
            reminder_hours=hours,
        )
