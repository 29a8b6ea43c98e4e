"""Mass mailings: who gets one, what it costs, and queueing it through the outbox.

- **Audience.** A saved segment of the client base (evaluated by the client list's own filters,
  `clients.selectors.segment_clients`), or everyone booked on a day, with a specialist on a
  day, or in a class. Clients without marketing consent on the channel, opted out of it, erased,
  or without an address on it are left out and counted.
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
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from frontdesk.clients.models import Client
from frontdesk.clients.selectors import filtered_clients, segment_clients
from frontdesk.core.money import to_money
from frontdesk.core.phones import format_phone
from frontdesk.core.scopes import scope
from frontdesk.notifications.models import (
    AudienceKind,
    ChannelKind,
    ClientTelegram,
    DeliveryState,
    Mailing,
    MailingStatus,
    Message,
    MessageEvent,
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
    records = Record.objects.filter(company=company).exclude(status=RecordStatus.CANCELLED)
    if mailing.audience == AudienceKind.CLASS:
        if mailing.group_event_id is None:
            return Client.objects.none()
        records = records.filter(group_event_id=mailing.group_event_id)
    else:
        if mailing.day is None:
            return Client.objects.none()
        start = datetime.datetime.combine(mailing.day, datetime.time.min, tzinfo=company.tz)
        records = records.filter(start__gte=start, start__lt=start + datetime.timedelta(days=1))
        if mailing.audience == AudienceKind.SPECIALIST_DAY:
            if mailing.specialist_id is None:
                return Client.objects.none()
            records = records.filter(specialist_id=mailing.specialist_id)
    return Client.objects.filter(pk__in=records.exclude(client__isnull=True).values("client_id"))


def recipients(mailing: Mailing) -> tuple[list[tuple[int, str]], dict[str, int]]:
    """([(client id, address)], {reason: how many left out}) for the mailing's channel."""
    channel = mailing.channel
    clients = audience_clients(mailing)
    chain_id = mailing.chain_id
    opted = set(OptOut.unscoped.filter(chain_id=chain_id, channel=channel).values_list("client_id", flat=True))
    telegram = {}
    if channel == ChannelKind.TELEGRAM:
        telegram = dict(ClientTelegram.unscoped.filter(chain_id=chain_id).values_list("client_id", "chat_id"))
    out, left = [], {"consent": 0, "address": 0}
    rows = clients.values_list("pk", "phone", "email", "sms_consent", "email_consent", "erased_at")
    for pk, phone, email, sms_ok, email_ok, erased_at in rows.iterator(chunk_size=2000):
        if channel == ChannelKind.SMS:
            to, consent = phone, sms_ok
        elif channel == ChannelKind.EMAIL:
            to, consent = email, email_ok
        else:
            to, consent = telegram.get(pk, ""), True
        if erased_at is not None or not to:
            left["address"] += 1
        elif not consent or pk in opted:
            left["consent"] += 1
        else:
            out.append((pk, to))
    return out, left


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
        if mailing.channel == ChannelKind.SMS:
            body = f"{body}\n{opt_out_hint(company)}"
        elif mailing.channel == ChannelKind.EMAIL and unsubscribe_url:
            body += unsubscribe_footer(unsubscribe_url)
    return body


def preview(mailing: Mailing) -> dict:
    """What the preview shows: recipients, who is left out and why, the SMS parts and cost."""
    rows, left = recipients(mailing)
    longest = audience_clients(mailing).aggregate(n=Max(Length("name")))["n"] or 5
    sample = mailing_text(mailing, "W" * min(longest, 60), unsubscribe_url="")
    config = settings_for(mailing.company)
    parts = sms_parts(sample) if mailing.channel == ChannelKind.SMS else 0
    cost = to_money(Decimal(parts) * len(rows) * config.sms_price) if parts else None
    example = mailing_text(mailing, _("Maria"), unsubscribe_url=settings.SITE_URL.rstrip("/") + "/u/…/")
    return {
        "recipients": len(rows),
        "no_consent": left["consent"],
        "no_address": left["address"],
        "excluded": left["consent"] + left["address"],
        "parts": parts,
        "price": config.sms_price,
        "cost": cost,
        "rate": config.mailing_rate,
        "minutes": math.ceil(len(rows) / config.mailing_rate) if rows else 0,
        "example": example,
    }


# ---------------------------------------------------------------- sending
class MailingError(Exception):
    pass


def schedule_mailing(mailing: Mailing, send_at: datetime.datetime) -> None:
    """Send later: the worker (or `send_due_messages`) queues it when the time comes."""
    if send_at <= timezone.now():
        raise MailingError(_("Choose a time in the future."))
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
        rows, left = recipients(mailing)
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
                        event=MessageEvent.MAILING,
                        channel=mailing.channel,
                        recipient=to,
                        language=config.language,
                        subject=mailing.subject[:255],
                        due_at=dues[offset + n],
                        idempotency_key=f"mailing:{mailing.pk}:{client_id}:{mailing.channel}",
                        created_by_id=mailing.created_by_id,
                    )
                    for n, (client_id, to) in enumerate(rows[offset : offset + BATCH])
                ],
                batch_size=BATCH,
                ignore_conflicts=True,
            )
        parts = sms_parts(mailing_text(mailing, "W" * 20)) if mailing.channel == ChannelKind.SMS else 0
        Mailing.unscoped.filter(pk=mailing.pk).update(
            recipients=len(rows),
            excluded=left["consent"] + left["address"],
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
            queue_mailing(mailing, now)
        done += 1
    return done
