"""Demo records: a lived-in journal for the past two weeks and the coming two, booked through
the same `book_visit` as the front desk, with demo clients, mixed statuses and sources.

Runs after the catalogue and staff steps; without specialists, services or shifts (those parts
not there yet) it does nothing."""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from frontdesk.clients.services import find_or_create_client
from frontdesk.scheduling.availability import Query, Segment, find_slots
from frontdesk.scheduling.errors import BookingError
from frontdesk.scheduling.models import CancelledBy, CancelReason, Record, RecordSource, RecordStatus
from frontdesk.scheduling.services import book_visit, set_record_status
from frontdesk.staff.models import Specialist, SpecialistService, WorkInterval
from frontdesk.tenancy.demo import register_demo_step

DAYS_BACK = 14
DAYS_AHEAD = 14

FIRST_NAMES_F = ["Анастасия", "Елена", "Татьяна", "Ирина", "Ксения", "Дарья", "Полина", "Виктория", "Алина", "Юлия"]
LAST_NAMES_F = ["Белова", "Орлова", "Васильева", "Медведева", "Фёдорова", "Никитина", "Зайцева", "Павлова", "Громова"]
FIRST_NAMES_M = ["Сергей", "Андрей", "Максим", "Илья", "Павел", "Роман"]
LAST_NAMES_M = ["Егоров", "Крылов", "Макаров", "Тихонов", "Широков", "Воронин"]
COMMENTS = ["", "", "", "Просит тихую музыку", "Аллергия на аммиак", "Постоянный клиент", "Перезвонить накануне"]
SOURCES = [RecordSource.ADMIN] * 4 + [RecordSource.PHONE] * 2 + [RecordSource.ONLINE] * 3 + [RecordSource.WIDGET]


def _demo_clients(chain, rng: random.Random, count: int = 40):
    clients = []
    for index in range(count):
        if index % 5 == 4:
            name = f"{rng.choice(FIRST_NAMES_M)} {rng.choice(LAST_NAMES_M)}"
        else:
            name = f"{rng.choice(FIRST_NAMES_F)} {rng.choice(LAST_NAMES_F)}"
        phone = f"+7916{7000000 + index * 7919 % 2999999:07d}"
        clients.append(find_or_create_client(chain=chain, phone=phone, name=name))
    return clients


def _status_for(day: datetime.date, today: datetime.date, rng: random.Random) -> list[str]:
    """The way a record went: a chain of statuses it passes through."""
    roll = rng.random()
    if day < today:
        if roll < 0.08:
            return [RecordStatus.NO_SHOW]
        if roll < 0.15:
            return [RecordStatus.CANCELLED]
        if roll < 0.8:
            return [RecordStatus.ARRIVED, RecordStatus.COMPLETED]
        return [RecordStatus.CONFIRMED, RecordStatus.ARRIVED]
    if day == today:
        return [RecordStatus.CONFIRMED] if roll < 0.5 else ([RecordStatus.ARRIVED] if roll < 0.7 else [])
    if roll < 0.07:
        return [RecordStatus.CANCELLED]
    return [RecordStatus.CONFIRMED] if roll < 0.4 else []


# How a salon's cancellations usually split (the journal's reasons), most often the client's.
DEMO_REASONS = (
    (CancelReason.CLIENT_ASKED, 60),
    (CancelReason.RESCHEDULED, 15),
    (CancelReason.SPECIALIST_ILL, 8),
    (CancelReason.DUPLICATE, 5),
    (CancelReason.OTHER, 12),
)


def _why(record, status) -> dict:
    """A reason for a demo cancellation, and who made it: clients who booked online cancel
    online. Drawn from the record's own generator, so the demo's other draws stay as they were."""
    if status != RecordStatus.CANCELLED:
        return {}
    reasons, weights = zip(*DEMO_REASONS, strict=True)
    reason = random.Random(record.pk).choices(reasons, weights)[0]
    online = record.source in (RecordSource.ONLINE, RecordSource.WIDGET) and reason == CancelReason.CLIENT_ASKED
    return {"reason": reason, "by": CancelledBy.CLIENT if online else CancelledBy.SALON}


def _date_demo_cancellations(company) -> None:
    """The demo cancels in one run, so every cancellation would be "now"; a real one comes from
    an hour to three days before the visit. A queryset update: the time of a cancellation is
    announced by no event and read by the cancellations report alone."""
    now = timezone.now()
    for pk, start in Record.objects.filter(company=company, status=RecordStatus.CANCELLED).values_list("pk", "start"):
        hours = random.Random(pk).choice((1, 3, 6, 20, 30, 50, 72))
        Record.objects.filter(pk=pk).update(cancelled_at=min(now, start - datetime.timedelta(hours=hours)))


def book_demo_records(company, rng: random.Random, clients, today: datetime.date) -> int:
    tz = ZoneInfo(company.timezone)
    specialists = list(Specialist.objects.filter(companies=company, is_dismissed=False))
    links = {}
    for specialist_id, service_id in SpecialistService.objects.filter(
        specialist__in=specialists, service__company=company, service__is_archived=False, service__is_group=False
    ).values_list("specialist_id", "service_id"):
        links.setdefault(specialist_id, []).append(service_id)
    shifts = set(
        WorkInterval.objects.filter(
            company=company,
            date__gte=today - datetime.timedelta(days=DAYS_BACK),
            date__lte=today + datetime.timedelta(days=DAYS_AHEAD),
        ).values_list("specialist_id", "date")
    )
    booked = 0
    for specialist in specialists:
        services = links.get(specialist.pk)
        if not services:
            continue
        for offset in range(-DAYS_BACK, DAYS_AHEAD + 1):
            day = today + datetime.timedelta(days=offset)
            if (specialist.pk, day) not in shifts:
                continue
            # Fuller days closer to today, as in a real salon.
            wanted = rng.randint(2, 4) if abs(offset) < 8 else rng.randint(1, 2)
            before = datetime.datetime.combine(day, datetime.time(), tzinfo=tz) - datetime.timedelta(days=1)
            for _attempt in range(wanted):
                service_id = rng.choice(services)
                segment = Segment(service_id, specialist.pk)
                slots = find_slots(Query(company=company, segments=[segment], date_from=day, date_to=day, now=before))
                if not slots:
                    break
                slot = rng.choice(slots[:: max(1, len(slots) // 12)])
                try:
                    records = book_visit(
                        company=company,
                        segments=[segment],
                        start=slot.start_at,
                        client=rng.choice(clients),
                        source=rng.choice(SOURCES),
                        comment=rng.choice(COMMENTS),
                        now=before,
                    )
                except BookingError:
                    continue
                for status in _status_for(day, today, rng):
                    for record in records:
                        try:
                            set_record_status(record, status, **_why(record, status))
                        except BookingError:
                            pass
                booked += len(records)
    return booked


@register_demo_step(40)
def demo_records(demo) -> None:
    companies = [c for c in demo.companies if Specialist.objects.filter(companies=c, is_dismissed=False).exists()]
    if not companies or not SpecialistService.objects.exists():
        return
    rng = random.Random(20250314)
    clients = _demo_clients(demo.chain, rng)
    for company in companies:
        today = timezone.now().astimezone(ZoneInfo(company.timezone)).date()
        book_demo_records(company, rng, clients, today)
        _date_demo_cancellations(company)
