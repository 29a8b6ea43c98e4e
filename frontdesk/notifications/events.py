"""Messages that are not a booking's confirmation or reminder: events raised by other code
(`queue_event`: loyalty, the waiting list), the thank-you after a visit, the staff's notice of an
online booking, and the daily birthday greetings and win-back messages.

Each is written to the outbox once: its idempotency key names the reason (the event and the
caller's key, the visit, the client and the day), and a second write with the same key is
ignored by the database's unique index, so a doubled call, a retried task or two schedulers
running at once write nothing twice.
"""

from __future__ import annotations

import datetime
import logging

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from frontdesk.accounts.models import Membership
from frontdesk.accounts.permissions import Role
from frontdesk.clients.models import Client
from frontdesk.clients.selectors import lost_condition
from frontdesk.core.scopes import scope
from frontdesk.notifications.models import (
    CALLED_EVENTS,
    MARKETING_EVENTS,
    ChannelKind,
    Message,
    MessageEvent,
    StaffNotice,
)
from frontdesk.notifications.outbox import (
    address,
    marketing_allowed,
    opted_out,
    settings_for,
    wake_worker,
)
from frontdesk.scheduling.models import Record
from frontdesk.tenancy.models import Chain, Company

logger = logging.getLogger("frontdesk.notifications")

# What loyalty (and the waiting list) may raise with queue_event.
EVENT_CODES = frozenset(CALLED_EVENTS)


def write_once(messages: list[Message]) -> int:
    """Write messages whose idempotency keys are not in the outbox yet; return how many were new
    (a message whose key exists is left as it is)."""
    if not messages:
        return 0
    keys = [m.idempotency_key for m in messages]
    before = set(Message.unscoped.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    Message.unscoped.bulk_create(messages, ignore_conflicts=True)
    for due in sorted({m.due_at for m in messages if m.idempotency_key not in before})[:1]:
        wake_worker(due)
    return len([k for k in keys if k not in before])


def _client_messages(company, client, event, key, *, due_at, marketing, config=None, **extra) -> list[Message]:
    """One message per channel of the branch that reaches the client (and, for marketing, that
    the client agreed to)."""
    config = config or settings_for(company)
    out = []
    for channel in config.channels():
        recipient = address(client, channel)
        if not recipient or opted_out(client, channel):
            continue
        if marketing and not marketing_allowed(client, channel):
            continue
        out.append(
            Message(
                chain_id=company.chain_id,
                company=company,
                client=client,
                event=event,
                channel=channel,
                recipient=recipient,
                due_at=due_at,
                language=config.language,
                idempotency_key=f"{key}:{channel}"[:64],
                **extra,
            )
        )
    return out


def queue_event(company, client, event_code: str, context: dict, idempotency_key: str) -> int:
    """Tell a client about an event raised by other code (loyalty: `loyalty_bonus_accrued`,
    `loyalty_status_changed`, `loyalty_expiring`, `certificate_expiring`, `abonement_expiring`;
    the waiting list: `waitlist_offer`), on every channel of the branch that reaches the client,
    with the network's template for the event.

    Call it inside the transaction of the change: the message is written with it and is gone if
    it rolls back. `context` holds the template's variables (`amount`, `balance`, `status`,
    `item`, `expires`, …) as plain values; `idempotency_key` names the reason (e.g. the ledger
    operation's id): the same key twice writes one message. Returns how many were written."""
    if event_code not in EVENT_CODES:
        raise ValueError(f"Unknown event code {event_code!r}; known: {sorted(EVENT_CODES)}")
    if client is None or client.erased_at is not None:
        return 0
    plain = {str(k): "" if v is None else str(v) for k, v in (context or {}).items()}
    messages = _client_messages(
        company,
        client,
        event_code,
        f"{event_code}:{company.chain_id}:{idempotency_key}",
        due_at=timezone.now(),
        marketing=event_code in MARKETING_EVENTS,
        context=plain,
    )
    return write_once(messages)


# ---------------------------------------------------------------- after a visit
def visit_completed(record) -> int:
    """The thank-you / review request N hours after the visit is completed (branch setting)."""
    client = record.client
    if client is None:
        return 0
    config = settings_for(record.company)
    if not config.thanks_enabled:
        return 0
    due = timezone.now() + datetime.timedelta(hours=config.thanks_hours)
    messages = _client_messages(
        record.company,
        client,
        MessageEvent.THANKS,
        f"thanks:{record.visit_id}",
        due_at=due,
        marketing=False,
        config=config,
        visit_id=record.visit_id,
    )
    return write_once(messages)


# ---------------------------------------------------------------- to the staff
def tell_staff_of_online_booking(record) -> int:
    """A client booked online: the specialist and/or the branch's administrators hear of it, as
    the branch's settings say. The specialist by email (their card's, else their login's); the
    administrators in the branch's Telegram chat when Telegram is on and a chat is set, else each
    by email."""
    company = record.company
    config = settings_for(company)
    notice = config.staff_notice
    if notice == StaffNotice.NONE:
        return 0
    targets: list[tuple[str, str]] = []
    if notice in (StaffNotice.SPECIALIST, StaffNotice.BOTH):
        specialist = record.specialist
        email = specialist.email or (specialist.user.email if specialist.user_id else "")
        if email:
            targets.append((ChannelKind.EMAIL, email))
    if notice in (StaffNotice.ADMINS, StaffNotice.BOTH):
        if config.telegram_enabled and config.telegram_chat_id:
            targets.append((ChannelKind.TELEGRAM, config.telegram_chat_id))
        else:
            admins = (
                Membership.objects.filter(chain_id=company.chain_id, role=Role.ADMINISTRATOR, is_active=True)
                .filter(Q(all_companies=True) | Q(companies=company))
                .select_related("user")
                .distinct()
            )
            for membership in admins:
                if membership.user.email and (ChannelKind.EMAIL, membership.user.email) not in targets:
                    targets.append((ChannelKind.EMAIL, membership.user.email))
    messages = [
        Message(
            chain_id=company.chain_id,
            company=company,
            client=record.client,
            visit_id=record.visit_id,
            event=MessageEvent.STAFF_BOOKED,
            channel=channel,
            recipient=recipient,
            to_staff=True,
            due_at=timezone.now(),
            language=config.language,
            idempotency_key=f"staff:{record.visit_id}:{channel}:{recipient}"[:64],
        )
        for channel, recipient in targets
    ]
    return write_once(messages)


# ---------------------------------------------------------------- daily
def home_branches(chain_id: int, client_ids) -> dict[int, int]:
    """{client id: the branch of their latest record}; clients without records are left out."""
    out = {}
    rows = (
        Record._base_manager.filter(chain_id=chain_id, client_id__in=list(client_ids))
        .order_by("client_id", "-start")
        .values_list("client_id", "company_id")
    )
    for client_id, company_id in rows:
        out.setdefault(client_id, company_id)
    return out


def queue_daily_messages(now: datetime.datetime | None = None) -> int:
    """Birthday greetings and win-back messages of every branch that has them on. Safe to run as
    often as you like (hourly is right): a greeting is keyed by the client and the local day, a
    win-back by the client and the day and not repeated within the branch's gap. A birthday is
    greeted at the branch's hour in its time zone (written now, due then). A client belongs to
    the branch of their latest record, else to the network's first branch."""
    now = now or timezone.now()
    written = 0
    for chain in Chain.objects.all():
        companies = {c.pk: c for c in Company.unscoped.filter(chain=chain).order_by("pk")}
        if not companies:
            continue
        first = next(iter(companies.values()))
        configs = {pk: settings_for(c) for pk, c in companies.items()}
        if not any(c.birthday_enabled or c.winback_enabled for c in configs.values()):
            continue
        with scope(chain):
            clients = Client.objects.filter(erased_at__isnull=True)
            # Birthdays: the clients whose birthday is today somewhere in the network's zones.
            days = {now.astimezone(c.tz).date() for c in companies.values()}
            born = list(clients.filter(birthday_md__in=[d.month * 100 + d.day for d in days]))
            homes = home_branches(chain.pk, [c.pk for c in born])
            batch = []
            for client in born:
                company = companies.get(homes.get(client.pk), first)
                config = configs[company.pk]
                if not config.birthday_enabled:
                    continue
                local_day = now.astimezone(company.tz).date()
                if client.birthday_md != local_day.month * 100 + local_day.day:
                    continue
                due = datetime.datetime.combine(local_day, datetime.time(config.birthday_hour), tzinfo=company.tz)
                batch += _client_messages(
                    company,
                    client,
                    MessageEvent.BIRTHDAY,
                    f"birthday:{client.pk}:{local_day.isoformat()}",
                    due_at=max(due, now),
                    marketing=True,
                    config=config,
                )
            written += write_once(batch)
            # Win-back: the lost clients (the client base's own rule), not told within the gap.
            if any(c.winback_enabled for c in configs.values()):
                gap = min(c.winback_gap_days for c in configs.values() if c.winback_enabled)
                recent = Message.unscoped.filter(
                    client_id=OuterRef("pk"),
                    event=MessageEvent.WINBACK,
                    created_at__gte=now - datetime.timedelta(days=gap),
                )
                lost = list(
                    clients.filter(lost_condition(now))
                    .filter(Q(sms_consent=True) | Q(email_consent=True) | Q(telegram__isnull=False))
                    .exclude(Exists(recent))
                )
                homes = home_branches(chain.pk, [c.pk for c in lost])
                batch = []
                for client in lost:
                    company = companies.get(homes.get(client.pk), first)
                    config = configs[company.pk]
                    if not config.winback_enabled:
                        continue
                    if Message.unscoped.filter(
                        client_id=client.pk,
                        event=MessageEvent.WINBACK,
                        created_at__gte=now - datetime.timedelta(days=config.winback_gap_days),
                    ).exists():
                        continue
                    local_day = now.astimezone(company.tz).date()
                    batch += _client_messages(
                        company,
                        client,
                        MessageEvent.WINBACK,
                        f"winback:{client.pk}:{local_day.isoformat()}",
                        due_at=now,
                        marketing=True,
                        config=config,
                    )
                    if len(batch) >= 500:
                        written += write_once(batch)
                        batch = []
                written += write_once(batch)
    return written
