"""Mass mailings: who gets one, what it costs, and queueing it through the outbox.

- **Kind.** The sender chooses: a service notice about the client's own booking ("we open at
  12:00 tomorrow") or advertising. A notice needs no marketing consent, so its audience is fixed
  to bookings (everyone booked in the chosen days, with a specialist, or in a class) and each
  message names the booking it is about; advertising needs consent on the channel.
- **Audience.** A saved segment of the client base (evaluated by the client list's own filters,
  `clients.selectors.segment_clients`), clients picked in the client list, or everyone booked
  on a day or range of days, with a specialist, or in a class. Clients erased, on a channel the
  branch does not send on, without an address on it, opted out of it, or (advertising only)
  without consent to it are left out, counted and listed by reason.
- **Cost.** SMS parts of the text (Cyrillic or other non-GSM characters: 70, or 67 per part of a
  longer text; GSM-7 Latin: 160/153) × recipients × the price of a part from the settings.
- **Queueing.** One outbox message per recipient, written in batches (`bulk_create`) in one
  transaction that first moves the mailing from draft/scheduled to sending with a
  compare-and-set update: two clicks or two schedulers queue it once. Every message has the
  idempotency key `mailing:<id>:<client>:<channel>`, unique in the outbox.
- **Throttling.** The messages come due one after another at the branch's mailing speed
  (messages per minute), after the branch's mailings already waiting; the worker sends each
  when it is due, like any other message.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, override

from frontdesk.clients.models import Client
from frontdesk.clients.selectors import filtered_clients, segment_clients
from frontdesk.core.money import format_money, to_money
from frontdesk.core.phones import format_phone
from frontdesk.core.scopes import scope
from frontdesk.core.siteurl import absolute_url
from frontdesk.notifications.models import (
    MAX_NOTICE_DAYS,
    SERVICE_AUDIENCES,
    AudienceKind,
    ChannelKind,
    ClientTelegram,
    DeliveryState,
    Mailing,
    MailingStatus,
    Message,
    MessageStatus,
    OptOut,
)
from frontdesk.notifications.outbox import settings_for, wake_worker
from frontdesk.notifications.templating import branch_variable_providers, render_text
from frontdesk.scheduling.models import Record, RecordStatus

BATCH = 1000
OPEN = (MessageStatus.PENDING, MessageStatus.SENDING)

# The GSM 03.38 alphabet: its basic set takes one septet, its extension two.
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


def sms_parts(text: str) -> int:
    """How many SMS parts a text takes: GSM-7 160 (153 per part when split), else UCS-2 70 (67)."""
    if not text:
        return 0
    if all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text):
        length = sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
        single, part = 160, 153
    else:
        # UCS-2 counts UTF-16 code units: a character beyond the basic plane (an emoji) takes two.
        length = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
    return 1 if length <= single else math.ceil(length / part)


# ---------------------------------------------------------------- the audience
class MailingError(Exception):
    pass


def check_kind(mailing: Mailing) -> None:
    """A service notice goes only to the people booked in the chosen days or class (it needs no
    marketing consent because it speaks of their booking); MailingError otherwise. Checked
    again when the mailing is queued, whatever a form let through."""
    if not mailing.is_service:
        return
    if mailing.audience not in SERVICE_AUDIENCES:
        raise MailingError(
            _("A service notice goes only to clients booked on the chosen days or in a class; choose such an audience.")
        )
    if mailing.day and mailing.day_to and (mailing.day_to - mailing.day).days >= MAX_NOTICE_DAYS:
        raise MailingError(_("A service notice covers at most %(days)s days.") % {"days": MAX_NOTICE_DAYS})


def audience_records(mailing: Mailing):
    """The bookings behind a day, specialist-day or class audience (a queryset of Record), or
    None for an audience of no bookings (a segment, a hand-picked list)."""
    company = mailing.company
    if mailing.audience not in SERVICE_AUDIENCES:
        return None
    records = Record.objects.filter(company=company).exclude(status=RecordStatus.CANCELLED)
    if mailing.audience == AudienceKind.CLASS:
        if mailing.group_event_id is None:
            return Record.objects.none()
        return records.filter(group_event_id=mailing.group_event_id)
    if mailing.day is None:
        return Record.objects.none()
    start = datetime.datetime.combine(mailing.day, datetime.time.min, tzinfo=company.tz)
    end = datetime.datetime.combine(max(mailing.last_day, mailing.day), datetime.time.min, tzinfo=company.tz)
    records = records.filter(start__gte=start, start__lt=end + datetime.timedelta(days=1))
    if mailing.audience == AudienceKind.SPECIALIST_DAY:
        if mailing.specialist_id is None:
            return Record.objects.none()
        records = records.filter(specialist_id=mailing.specialist_id)
    return records


def audience_clients(mailing: Mailing):
    """The clients the audience names, before consent and addresses (a queryset of Client)."""
    company = mailing.company
    if mailing.audience == AudienceKind.SEGMENT:
        if mailing.segment_id is None:
            return Client.objects.none()
        return segment_clients(mailing.segment, chain=company.chain)
    if mailing.audience == AudienceKind.CLIENTS:
        selection = mailing.selection or {}
        if "params" in selection:
            return filtered_clients(selection["params"], chain=company.chain)
        return Client.objects.filter(chain=company.chain, pk__in=selection.get("ids") or [])
    records = audience_records(mailing)
    return Client.objects.filter(pk__in=records.exclude(client__isnull=True).values("client_id"))


# Why a client of the audience is left out, in the order they are checked.
LEFT_OUT = {
    "erased": gettext_lazy("personal data erased"),
    "channel_off": gettext_lazy("the branch does not send on this channel"),
    "no_address": gettext_lazy("no address on this channel"),
    "opted_out": gettext_lazy("asked to get no messages on this channel"),
    "no_consent": gettext_lazy("no consent to advertising on this channel"),
}
NO_ADDRESS = {
    ChannelKind.SMS: gettext_lazy("no phone"),
    ChannelKind.EMAIL: gettext_lazy("no email"),
    ChannelKind.TELEGRAM: gettext_lazy("no linked Telegram chat"),
}
LIST_LIMIT = 100


@dataclass
class Audience:
    """Who gets a mailing and who does not. `rows`: (client id, address, visit id — the booking a
    service notice is about, else None); `left`: {reason: how many}, reasons from LEFT_OUT;
    `left_out`: (client id, name, reason) of the first LIST_LIMIT left out, by name."""

    rows: list[tuple[int, str, int | None]]
    left: dict[str, int]
    left_out: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def excluded(self) -> int:
        return sum(self.left.values())


def audience(mailing: Mailing) -> Audience:
    """Sort the mailing's audience into recipients and the left out, with the reason for each:
    erased data; the channel switched off in the branch's settings; no address on the channel;
    the client's opt-out of the channel (a notice respects it too); and, for marketing only,
    no consent to advertising on the channel."""
    channel = mailing.channel
    chain_id = mailing.chain_id
    check_kind(mailing)
    enabled = channel in settings_for(mailing.company).channels()
    opted = set(OptOut.unscoped.filter(chain_id=chain_id, channel=channel).values_list("client_id", flat=True))
    telegram = {}
    if channel == ChannelKind.TELEGRAM:
        telegram = dict(ClientTelegram.unscoped.filter(chain_id=chain_id).values_list("client_id", "chat_id"))
    visits: dict[int, int] = {}
    if mailing.is_service:
        # The booking each client is told about: their first one in the chosen days or class.
        for client_id, visit_id in (
            audience_records(mailing)
            .exclude(client__isnull=True)
            .order_by("-start", "-id")
            .values_list("client_id", "visit_id")
        ):
            visits[client_id] = visit_id
    result = Audience(rows=[], left=dict.fromkeys(LEFT_OUT, 0))
    rows = audience_clients(mailing).order_by("name", "pk")
    rows = rows.values_list("pk", "name", "phone", "email", "sms_consent", "email_consent", "erased_at")
    for pk, name, phone, email, sms_ok, email_ok, erased_at in rows.iterator(chunk_size=2000):
        if channel == ChannelKind.SMS:
            to, consent = phone, sms_ok
        elif channel == ChannelKind.EMAIL:
            to, consent = email, email_ok
        else:
            to, consent = telegram.get(pk, ""), True  # a chat the client linked is consent
        if erased_at is not None:
            reason = "erased"
        elif not enabled:
            reason = "channel_off"
        elif not to:
            reason = "no_address"
        elif pk in opted:
            reason = "opted_out"
        elif not consent and not mailing.is_service:
            reason = "no_consent"
        else:
            result.rows.append((pk, to, visits.get(pk)))
            continue
        result.left[reason] += 1
        if len(result.left_out) < LIST_LIMIT:
            result.left_out.append((pk, name, reason))
    return result


def recipients(mailing: Mailing) -> tuple[list[tuple[int, str]], dict[str, int]]:
    """([(client id, address)], {reason: how many left out}) for the mailing's channel."""
    found = audience(mailing)
    return [(pk, to) for pk, to, _visit in found.rows], found.left


# ---------------------------------------------------------------- texts
def client_variables(company, client_name: str = "") -> dict[str, str]:
    """The variables of a message to a client about no visit (mailings, greetings, loyalty): the branch's,
    and those other modules provide (booking's `link`, the branch's booking page, from
    `templating.register_branch_variable`)."""
    return {
        "client_name": client_name,
        "branch": company.name,
        "branch_address": ", ".join(part for part in (company.city, company.address) if part),
        "branch_phone": format_phone(company.phone),
        **{name: provide(company) for name, provide in branch_variable_providers().items()},
    }


def opt_out_hint(company) -> str:
    """The short line an SMS mailing ends with (in the active language)."""
    if company.phone:
        return _("Opt out: %(phone)s") % {"phone": format_phone(company.phone)}
    return _("Opt out: tell the salon")


def unsubscribe_footer(url: str) -> str:
    return "\n\n—\n" + _("Unsubscribe from these emails: %(url)s") % {"url": url}


def mailing_text(mailing: Mailing, client_name: str, unsubscribe_url: str = "") -> str:
    """The text one client gets (in the branch's language): the mailing's text with the
    variables, then the opt-out hint (SMS) or the unsubscribe link (email)."""
    company = mailing.company
    language = settings_for(company).language
    with override(language):
        body = render_text(mailing.body, client_variables(company, client_name))
        if mailing.is_service:
            pass  # not advertising: no opt-out line to pay an SMS part for, no unsubscribe link
        elif mailing.channel == ChannelKind.SMS:
            body = f"{body}\n{opt_out_hint(company)}"
        elif mailing.channel == ChannelKind.EMAIL and unsubscribe_url:
            body += unsubscribe_footer(unsubscribe_url)
    return body


def preview(mailing: Mailing) -> dict:
    """What the preview shows: recipients, who is left out and why (counts and names), the SMS
    parts and the cost in the network's currency. MailingError for a notice with a wrong
    audience."""
    found = audience(mailing)
    count = len(found.rows)
    longest = audience_clients(mailing).aggregate(n=Max(Length("name")))["n"] or 5
    sample = mailing_text(mailing, "W" * min(longest, 60), unsubscribe_url="")
    config = settings_for(mailing.company)
    currency = mailing.company.chain.currency_symbol
    parts = sms_parts(sample) if mailing.channel == ChannelKind.SMS else 0
    cost = to_money(Decimal(parts) * count * config.sms_price) if parts else None
    example = mailing_text(mailing, _("Maria"), unsubscribe_url=absolute_url("/u/…/"))
    no_address = NO_ADDRESS.get(mailing.channel, LEFT_OUT["no_address"])
    labels = {**LEFT_OUT, "no_address": no_address}
    return {
        "recipients": count,
        "counts": found.left,
        "left": [(labels[reason], n) for reason, n in found.left.items() if n],
        "left_out": [(pk, name, labels[reason]) for pk, name, reason in found.left_out],
        "left_more": max(found.excluded - len(found.left_out), 0),
        "excluded": found.excluded,
        "parts": parts,
        "price": format_money(config.sms_price, currency),
        "cost": cost,
        "cost_text": format_money(cost or 0, currency),
        "rate": config.mailing_rate,
        "minutes": math.ceil(count / config.mailing_rate) if count else 0,
        "example": example,
    }


# ---------------------------------------------------------------- sending


def schedule_mailing(mailing: Mailing, send_at: datetime.datetime) -> None:
    """Send later: the worker (or `send_due_messages`) queues it when the time comes."""
    if send_at <= timezone.now():
        raise MailingError(_("Choose a time in the future."))
    check_kind(mailing)
    updated = Mailing.objects.filter(pk=mailing.pk, status__in=[MailingStatus.DRAFT, MailingStatus.SCHEDULED]).update(
        status=MailingStatus.SCHEDULED, send_at=send_at, updated_at=timezone.now()
    )
    if not updated:
        raise MailingError(_("This mailing has already been sent or cancelled."))
    wake_worker(send_at)


def queue_mailing(mailing: Mailing, now: datetime.datetime | None = None) -> int:
    """Write the mailing's messages to the outbox; return how many. Once per mailing: a second
    call (a double click, two schedulers) finds it no longer draft/scheduled and writes nothing.
    The first message is due at `now` (default: once the audience is read)."""
    given = now
    now = now or timezone.now()
    company = mailing.company
    config = settings_for(company)
    with transaction.atomic():
        taken = Mailing.unscoped.filter(
            pk=mailing.pk, status__in=[MailingStatus.DRAFT, MailingStatus.SCHEDULED]
        ).update(status=MailingStatus.SENDING, queued_at=now, updated_at=now)
        if not taken:
            return 0
        found = audience(mailing)  # MailingError rolls the claim back: the draft stays a draft
        rows = found.rows
        if given is None:
            now = timezone.now()  # reading the audience took time: the first is due from here
        # After the branch's mailings still waiting: the speed is the branch's, not each mailing's.
        waiting = Message.unscoped.filter(
            company=company, mailing__isnull=False, status=MessageStatus.PENDING
        ).aggregate(last=Max("due_at"))["last"]
        start = max(now, waiting + datetime.timedelta(seconds=60 / config.mailing_rate)) if waiting else now
        step = datetime.timedelta(seconds=60 / config.mailing_rate)
        dues = due_times(start, step, len(rows), config, company.tz)
        for offset in range(0, len(rows), BATCH):
            Message.unscoped.bulk_create(
                [
                    Message(
                        chain_id=mailing.chain_id,
                        company_id=company.pk,
                        client_id=client_id,
                        mailing_id=mailing.pk,
                        visit_id=visit_id,
                        event=mailing.message_event,
                        channel=mailing.channel,
                        recipient=to,
                        language=config.language,
                        subject=mailing.subject[:255],
                        due_at=dues[offset + n],
                        idempotency_key=f"mailing:{mailing.pk}:{client_id}:{mailing.channel}",
                        created_by_id=mailing.created_by_id,
                    )
                    for n, (client_id, to, visit_id) in enumerate(rows[offset : offset + BATCH])
                ],
                batch_size=BATCH,
                ignore_conflicts=True,
            )
        parts = sms_parts(mailing_text(mailing, "W" * 20)) if mailing.channel == ChannelKind.SMS else 0
        Mailing.unscoped.filter(pk=mailing.pk).update(
            recipients=len(rows),
            excluded=found.excluded,
            estimated_cost=to_money(Decimal(parts) * len(rows) * config.sms_price) if parts else None,
            status=MailingStatus.SENDING if rows else MailingStatus.DONE,
        )
        _nudge(dues)
    return len(rows)


def due_times(start, step, count, config, tz) -> list[datetime.datetime]:
    """When each message comes due: one `step` after another from `start`, skipping the branch's
    quiet hours (a message that would fall in them waits for their end, and the rest follow at
    the same speed, instead of all of them bursting out when the quiet hours end)."""
    from frontdesk.notifications.worker import quiet_until  # inside: the worker imports this module

    out = []
    due = start
    for _n in range(count):
        later = quiet_until(config, due, tz)
        if later is not None:
            due = later
        out.append(due)
        due += step
    return out


def _nudge(dues) -> None:
    """Wake the worker when the first message is due and then once a minute while the mailing
    runs (at most a day of nudges; beyond that the worker's next runs or cron pick them up)."""
    minutes = sorted({due.replace(second=0, microsecond=0) for due in dues})
    if minutes:
        wake_worker(dues[0])
    for minute in minutes[1:1440]:
        wake_worker(minute)


def cancel_mailing(mailing: Mailing) -> int:
    """Stop a scheduled mailing, or the rest of one being sent; returns the messages dropped."""
    with transaction.atomic():
        updated = Mailing.objects.filter(
            pk=mailing.pk, status__in=[MailingStatus.DRAFT, MailingStatus.SCHEDULED, MailingStatus.SENDING]
        ).update(status=MailingStatus.CANCELLED, updated_at=timezone.now())
        if not updated:
            raise MailingError(_("This mailing has already been sent or cancelled."))
        return Message.unscoped.filter(mailing_id=mailing.pk, status=MessageStatus.PENDING).update(
            status=MessageStatus.CANCELLED, error=gettext_noop("the mailing was cancelled")
        )


def progress(mailing: Mailing) -> dict:
    """Counts of the mailing's messages by status; a mailing with nothing left to send is done."""
    counts = dict.fromkeys(MessageStatus.values, 0)
    for status, n in _counts(mailing.pk):
        counts[status] = n
    total = sum(counts.values())
    left = counts[MessageStatus.PENDING] + counts[MessageStatus.SENDING]
    finished = left == 0 and mailing.status in (MailingStatus.DRAFT, MailingStatus.SENDING)
    if finished and Mailing.objects.filter(pk=mailing.pk, status=MailingStatus.SENDING).update(
        status=MailingStatus.DONE
    ):
        mailing.status = MailingStatus.DONE
    cost = Message.unscoped.filter(mailing_id=mailing.pk, cost__isnull=False).values_list("cost", flat=True)
    reported = dict(
        Message.unscoped.filter(mailing_id=mailing.pk, status=MessageStatus.SENT)
        .exclude(delivery="")
        .order_by()
        .values_list("delivery")
        .annotate(n=Count("id"))
        .values_list("delivery", "n")
    )
    return {
        "counts": counts,
        "delivered": reported.get(DeliveryState.DELIVERED, 0),
        "undelivered": reported.get(DeliveryState.UNDELIVERED, 0),
        "total": total,
        "done": total - left,
        "percent": round(100 * (total - left) / total) if total else 100,
        "cost": to_money(sum(cost, Decimal(0))),
        "cost_text": format_money(sum(cost, Decimal(0)), mailing.company.chain.currency_symbol),
    }


def _counts(mailing_id):
    return (
        Message.unscoped.filter(mailing_id=mailing_id)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )


def queue_due_mailings(now: datetime.datetime | None = None) -> int:
    """Queue every scheduled mailing whose time has come (the worker and the cron command call
    this first); returns how many were queued."""
    now = now or timezone.now()
    done = 0
    for mailing in Mailing.unscoped.filter(status=MailingStatus.SCHEDULED, send_at__lte=now).select_related(
        "company", "company__chain"
    ):
        with scope(mailing.chain_id):
            try:
                queue_mailing(mailing, now)
            except MailingError:
                # Only a row written past the form can get here; retrying each minute would not help.
                Mailing.unscoped.filter(pk=mailing.pk, status=MailingStatus.SCHEDULED).update(
                    status=MailingStatus.CANCELLED, updated_at=now
                )
                continue
        done += 1
    return done
