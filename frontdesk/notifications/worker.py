"""Delivering the outbox: claim a due message, re-check it, send it, record the outcome.

Guarantees and their limits:
- **Claimed atomically.** A message is taken with a compare-and-set UPDATE (`… WHERE status =
  'pending'`), so two workers never take the same one. One message is claimed at a time: a
  worker that dies holds at most one.
- **Nothing lost.** A claim is a lease (NOTIFY_LEASE_SECONDS). A message whose worker died while
  holding it is taken over by the next worker once the lease runs out.
- **Nothing twice — with one short window.** The row is marked sent right after the gateway
  accepts it. If a worker is killed between the gateway's acceptance and that update (the time
  of one UPDATE, milliseconds), the lease runs out and the message is sent again, with the same
  idempotency key (the letter's Message-ID, the X-Idempotency-Key header), so a gateway or mail
  client that deduplicates drops it. Killed anywhere else, a worker sends nothing twice.
- **Never stale.** Before sending, the reason is re-checked: a reminder whose visit was cancelled
  or moved, a confirmation of a cancelled visit, a message to a client who opted out or was
  erased is not sent (status "not sent", with the reason).
- **Quiet hours** of the branch (its local time) postpone a message to their end; a failed
  attempt that may succeed later is retried with back-off (1, 4, 16, 64… minutes, at most
  NOTIFY_MAX_ATTEMPTS attempts), the rest are marked failed with the gateway's answer.
"""

from __future__ import annotations

import datetime
import logging
import time
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from frontdesk.core.phones import format_phone
from frontdesk.core.scopes import scope
from frontdesk.core.siteurl import serving
from frontdesk.notifications.channels import DeliveryError, channel_for
from frontdesk.notifications.mailings import (
    audience_records,
    client_variables,
    mailing_text,
    queue_due_mailings,
    unsubscribe_footer,
)
from frontdesk.notifications.models import (
    CARRIED_TEXT_EVENTS,
    MARKETING_EVENTS,
    SWITCH_FREE_EVENTS,
    VISIT_EVENTS,
    ChannelKind,
    DeliveryState,
    Mailing,
    MailingStatus,
    Message,
    MessageAttachment,
    MessageEvent,
    MessageStatus,
)
from frontdesk.notifications.outbox import address, marketing_allowed, opted_out, settings_for, wake_worker
from frontdesk.notifications.templating import (
    BrokenTemplate,
    TemplateError,
    render_text,
    template_for,
    visit_variable_providers,
)
from frontdesk.notifications.unsubscribe import unsubscribe_url
from frontdesk.scheduling.models import Record, RecordStatus

logger = logging.getLogger("frontdesk.notifications")


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=min(4 ** max(attempts - 1, 0), 6 * 60))


def claim_next(now: datetime.datetime) -> Message | None:
    """Take the next due message (or one whose worker's lease ran out), or None."""
    lease = now + datetime.timedelta(seconds=settings.NOTIFY_LEASE_SECONDS)
    candidates = (
        Message.unscoped.filter(
            Q(status=MessageStatus.PENDING, due_at__lte=now) | Q(status=MessageStatus.SENDING, claimed_until__lt=now)
        )
        .order_by("due_at", "id")
        .values_list("pk", "status", "claimed_until")[:20]
    )
    for pk, status, claimed_until in candidates:
        taken = Message.unscoped.filter(pk=pk, status=status, claimed_until=claimed_until).update(
            status=MessageStatus.SENDING, claimed_until=lease, attempts=F("attempts") + 1
        )
        if taken:
            return Message.unscoped.select_related("company", "client").get(pk=pk)
    return None


def _finish(message: Message, status: str, **fields) -> None:
    Message.unscoped.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=status, claimed_until=None, **fields
    )


def stale_reason(message: Message, now: datetime.datetime) -> str:
    """Why the message should no longer go out ('' when it still should)."""
    if message.event in CARRIED_TEXT_EVENTS:
        return ""
    client = message.client
    if not message.to_staff:
        # A message to the staff is about the client but not to them: the client's consent
        # and opt-outs do not apply to it.
        if client is None:
            return gettext_noop("the client card is gone")
        if client.erased_at is not None:
            return gettext_noop("the client's data was erased")
        if opted_out(client, message.channel):
            return gettext_noop("the client opted out of this channel")
        if message.event in MARKETING_EVENTS and not marketing_allowed(client, message.channel):
            return gettext_noop("the client withdrew consent to marketing on this channel")
    if message.mailing_id is not None:
        mailing = Mailing.unscoped.filter(pk=message.mailing_id).first()
        if mailing is None or mailing.status == MailingStatus.CANCELLED:
            return gettext_noop("the mailing was cancelled")
        if message.event == MessageEvent.NOTICE and not _still_booked(mailing, message.client_id):
            # A notice speaks of the client's bookings in the mailing's days (or class): with none
            # of them left it is not theirs to get. One cancelled booking of several is not enough.
            return gettext_noop("the visit was cancelled")
        return ""
    if message.event not in VISIT_EVENTS:
        return ""  # birthday, win-back, loyalty: nothing else to re-check
    if message.visit_id is None:
        return gettext_noop("the visit is gone")
    records = list(Record._base_manager.filter(visit_id=message.visit_id).order_by("start", "id"))
    if message.event == MessageEvent.THANKS:
        done = any(r.status == RecordStatus.COMPLETED for r in records)
        return "" if done else gettext_noop("the visit is no longer completed")
    upcoming = [r for r in records if r.status in RecordStatus.UPCOMING]
    if message.event == MessageEvent.CANCELLED:
        return gettext_noop("the visit was restored") if upcoming else ""
    if not upcoming:
        return gettext_noop("the visit was cancelled")
    if upcoming[0].start <= now:
        return gettext_noop("the visit has begun")
    if message.event == MessageEvent.REMINDER and upcoming[0].start != message.visit_start:
        return gettext_noop("the visit was moved")
    series_id = upcoming[0].series_id
    if message.event == MessageEvent.BOOKED and series_id is not None:
        # A repeating booking is confirmed once, by its first upcoming visit (each visit still
        # gets its own reminders). The series is known only after commit, hence here.
        first = (
            Record._base_manager.filter(series_id=series_id, status__in=RecordStatus.UPCOMING)
            .order_by("start", "id")
            .values_list("visit_id", flat=True)
            .first()
        )
        if first != message.visit_id:
            return gettext_noop("the series is confirmed by its first visit")
    return ""


def visit_variables(message: Message) -> dict[str, str]:
    """The template's variables for a visit: plain strings only (those other modules provide,
    such as booking's `link`, from `templating.register_visit_variable`)."""
    company = message.company
    records = list(
        Record._base_manager.filter(visit_id=message.visit_id)
        .select_related("specialist")
        .prefetch_related("lines__service")
        .order_by("start", "id")
    )
    shown = [r for r in records if r.status in RecordStatus.UPCOMING] or records
    local = shown[0].start.astimezone(company.tz) if shown else None
    specialists, services = [], []
    for record in shown:
        if record.specialist.name not in specialists:
            specialists.append(record.specialist.name)
        for line in record.lines.all():
            services.append(line.service.title)
    visit = shown[0].visit if shown else None
    provided = {
        name: provide(visit) if visit is not None else "" for name, provide in visit_variable_providers().items()
    }
    return {
        "client_name": message.client.name if message.client else "",
        "date": f"{local:%d.%m.%Y}" if local else "",
        "time": f"{local:%H:%M}" if local else "",
        "specialist": ", ".join(specialists),
        "service": ", ".join(services),
        "branch": company.name,
        "branch_address": ", ".join(part for part in (company.city, company.address) if part),
        "branch_phone": format_phone(company.phone),
        **provided,
        "hours": str(message.reminder_hours or ""),
    }


def render_message(message: Message) -> tuple[str, str]:
    """(subject, body) of a message: a mailing's own text, else the network's template for the
    event; TemplateError if the template is switched off or broken. Marketing email ends with
    the client's unsubscribe link, an SMS mailing with the opt-out hint."""
    client = message.client
    marketing_email = message.event in MARKETING_EVENTS and message.channel == ChannelKind.EMAIL and client
    link = unsubscribe_url(client) if marketing_email else ""
    if message.mailing_id is not None:
        mailing = Mailing.unscoped.select_related("company").get(pk=message.mailing_id)
        body = mailing_text(mailing, client.name if client else "", link)
        subject = render_text(mailing.subject, client_variables(mailing.company, client.name if client else ""))
        return subject, body
    template = template_for(message.chain_id, message.event, message.channel, message.language)
    if template is None or not template.is_active:
        raise TemplateError(gettext_noop("the template is switched off"))
    if message.event in VISIT_EVENTS:
        variables = visit_variables(message)
        if client is not None:
            variables["client_phone"] = format_phone(client.phone)
    else:
        variables = {**client_variables(message.company, client.name if client else ""), **(message.context or {})}
    subject, body = render_text(template.subject, variables), render_text(template.body, variables)
    if link:
        with translation.override(message.language):
            body += unsubscribe_footer(link)
    return subject, body


# Messages that answer what was just done — a booking made, moved or cancelled (by the client
# online, or by the administrator with the client on the phone), a freed time the client asked
# to hear about (it is free for anyone, so later is too late) — go out at once, in quiet hours
# too. Quiet hours hold back what the salon sends on its own: reminders, thank-you, greetings,
# loyalty and expiry news, mailings, notices to staff.
ANSWERS = frozenset({MessageEvent.BOOKED, MessageEvent.CHANGED, MessageEvent.CANCELLED, MessageEvent.WAITLIST_OFFER})


def quiet_until(config, now: datetime.datetime, tz) -> datetime.datetime | None:
    local = now.astimezone(tz)
    if not config.in_quiet_hours(local.time()):
        return None
    end = datetime.datetime.combine(local.date(), config.quiet_to, tzinfo=tz)
    if end <= local:
        end += datetime.timedelta(days=1)
    return end


def process(message: Message, now: datetime.datetime | None = None) -> str:
    """Send one claimed message; return its new status."""
    now = now or timezone.now()
    with scope(message.chain_id), serving(message.site_url):
        reason = stale_reason(message, now)
        if reason:
            _finish(message, MessageStatus.SKIPPED, error=reason)
            return MessageStatus.SKIPPED
        company = message.company
        config = settings_for(company)
        if message.event not in CARRIED_TEXT_EVENTS:
            later = None if message.event in ANSWERS else quiet_until(config, now, company.tz)
            if later is not None:
                # Not an attempt: back in the queue until the quiet hours end.
                Message.unscoped.filter(pk=message.pk, status=MessageStatus.SENDING).update(
                    status=MessageStatus.PENDING, due_at=later, claimed_until=None, attempts=F("attempts") - 1
                )
                wake_worker(later)
                return MessageStatus.PENDING
        if message.event not in SWITCH_FREE_EVENTS and message.channel not in config.channels():
            _finish(message, MessageStatus.SKIPPED, error=gettext_noop("the channel is switched off"))
            return MessageStatus.SKIPPED
        if message.event not in CARRIED_TEXT_EVENTS:
            recipient = message.recipient if message.to_staff else address(message.client, message.channel)
            if not recipient:
                _finish(message, MessageStatus.SKIPPED, error=gettext_noop("no address on the client card"))
                return MessageStatus.SKIPPED
            try:
                subject, body = render_message(message)
            except BrokenTemplate as error:
                # The network's own text is wrong: this message fails with the reason, and the
                # worker goes on with the others (rendering is bounded, so it did not wait long).
                _finish(message, MessageStatus.FAILED, error=str(error)[:1000])
                return MessageStatus.FAILED
            except TemplateError as error:
                _finish(message, MessageStatus.SKIPPED, error=str(error))
                return MessageStatus.SKIPPED
            except Exception:  # whatever else a text could set off fails its message only
                logger.exception("Message %s could not be rendered", message.pk)
                _finish(message, MessageStatus.FAILED, error=gettext_noop("the template could not be filled in"))
                return MessageStatus.FAILED
        else:
            recipient, subject, body = message.recipient, message.subject, message.body
        files = {}
        if message.channel == ChannelKind.EMAIL:
            attached = MessageAttachment.unscoped.filter(message_id=message.pk)
            files = {"attachments": [(a.filename, bytes(a.content), a.content_type) for a in attached]}
        try:
            delivery = channel_for(message.channel, config).send(
                to=recipient, subject=subject, body=body, key=message.idempotency_key, **files
            )
        except DeliveryError as error:
            return _retry_or_fail(message, str(error), error.transient, now)
        except Exception as error:  # a bug or an unexpected answer: keep the message, try later
            logger.exception("Message %s failed", message.pk)
            return _retry_or_fail(message, repr(error), True, now)
        cost = delivery.cost.quantize(Decimal("0.01")) if delivery.cost is not None else None
        # Shown in the console only: kept apart from "sent", so nobody believes a client was told.
        status = MessageStatus.CONSOLE if delivery.console else MessageStatus.SENT
        _finish(
            message,
            status,
            sent_at=None if delivery.console else timezone.now(),
            recipient=recipient,
            subject=subject[:255],
            body=body,
            provider=delivery.provider,
            provider_message_id=delivery.provider_message_id[:100],
            cost=cost,
            error=delivery.console,
        )
        return status


def _retry_or_fail(message: Message, error: str, transient: bool, now) -> str:
    if transient and message.attempts < settings.NOTIFY_MAX_ATTEMPTS:
        due = now + backoff(message.attempts)
        Message.unscoped.filter(pk=message.pk, status=MessageStatus.SENDING).update(
            status=MessageStatus.PENDING, due_at=due, claimed_until=None, error=error[:1000]
        )
        wake_worker(due)
        return MessageStatus.PENDING
    _finish(message, MessageStatus.FAILED, error=error[:1000])
    return MessageStatus.FAILED


# How long after sending a gateway is asked whether an SMS arrived, how often, and until when.
DELIVERY_FIRST_CHECK = datetime.timedelta(seconds=30)
DELIVERY_RECHECK = datetime.timedelta(minutes=2)
DELIVERY_GIVE_UP = datetime.timedelta(hours=48)


def check_deliveries(now: datetime.datetime | None = None, limit: int = 200) -> int:
    """Ask the SMS gateways what became of the messages they took (SMS.ru /sms/status, SMSC
    status.php) and record delivered / not delivered on each; a message the gateway does not
    report within two days stays "sent". Returns how many got a final answer. Safe to run from
    several workers: an answer is only ever written once, on a message still without one."""
    now = now or timezone.now()
    waiting = (
        Message.unscoped.filter(
            channel=ChannelKind.SMS,
            status=MessageStatus.SENT,
            delivery=DeliveryState.UNKNOWN,
            sent_at__lte=now - DELIVERY_FIRST_CHECK,
            sent_at__gte=now - DELIVERY_GIVE_UP,
        )
        .exclude(provider_message_id="")
        .filter(Q(delivery_checked_at__isnull=True) | Q(delivery_checked_at__lte=now - DELIVERY_RECHECK))
        .select_related("company")
        .order_by("sent_at", "id")[:limit]
    )
    answered = 0
    channels: dict[int, object] = {}
    for message in waiting:
        with scope(message.chain_id):
            if message.company_id not in channels:
                channels[message.company_id] = channel_for(ChannelKind.SMS, settings_for(message.company))
            try:
                state = channels[message.company_id].state(message.provider_message_id, message.recipient)
            except DeliveryError as error:
                logger.warning("Delivery of message %s not known: %s", message.pk, error)
                state = None
        fields = {"delivery_checked_at": now}
        if state is not None and state.delivered is not None:
            fields["delivery"] = DeliveryState.DELIVERED if state.delivered else DeliveryState.UNDELIVERED
            if not state.delivered:
                fields["error"] = state.text[:1000]
            answered += 1
        Message.unscoped.filter(pk=message.pk, delivery=DeliveryState.UNKNOWN).update(**fields)
    return answered


def deliver_due(limit: int | None = None, pause_ms: int | None = None) -> int:
    """Send every message that is due now, one at a time; return how many were handled."""
    pause = (settings.NOTIFY_SEND_PAUSE_MS if pause_ms is None else pause_ms) / 1000
    queue_due_mailings()
    handled = 0
    while limit is None or handled < limit:
        message = claim_next(timezone.now())
        if message is None:
            break
        process(message)
        handled += 1
        if pause:
            time.sleep(pause)
    if limit is None:
        check_deliveries()
    return handled


def send_now(message_id: int) -> Message:
    """Claim and send one message right away (a test from the settings page); returns it as
    it ends up. If a worker got to it first, it is simply returned."""
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=settings.NOTIFY_LEASE_SECONDS)
    taken = Message.unscoped.filter(pk=message_id, status=MessageStatus.PENDING).update(
        status=MessageStatus.SENDING, claimed_until=lease, attempts=F("attempts") + 1
    )
    message = Message.unscoped.select_related("company", "client").get(pk=message_id)
    if taken:
        process(message, now)
        message.refresh_from_db()
    return message


def _still_booked(mailing: Mailing, client_id: int | None) -> bool:
    """Whether the client still has a booking the service notice is about: the same audience
    (day range, specialist-day or class) the mailing was queued from, read again now."""
    with scope(mailing.chain_id):
        records = audience_records(mailing)
        return client_id is not None and records is not None and records.filter(client_id=client_id).exists()
