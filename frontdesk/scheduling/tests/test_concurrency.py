"""Real threads, each with its own database connection, racing for the same time."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.errors import SlotTaken
from frontdesk.scheduling.models import Record
from frontdesk.scheduling.services import book_visit
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.testing.concurrency import race

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

MSK = ZoneInfo("Europe/Moscow")
DAY = datetime.date(2026, 12, 1)
NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=MSK)


def test_fifty_requests_for_overlapping_times_with_one_specialist_book_exactly_one(tenant_a):
    company = tenant_a.company
    with scopes_disabled():
        haircut = make_service(company, duration=60)
        anna = make_specialist(company, "Анна", [haircut])
        add_shift(anna, company, DAY, "09:00", "21:00")

    def attempt(i):
        # Starts between 12:00 and 12:49: every pair overlaps.
        start = datetime.datetime.combine(DAY, datetime.time(12, i % 50), tzinfo=MSK)
        with scope(company.chain):
            return book_visit(company=company, segments=[Segment(haircut.pk, anna.pk)], start=start, now=NOW, step=1)

    outcomes = race(50, attempt, (SlotTaken,))
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, [o for o in outcomes if o[0] == "error"]
    assert kinds.count("ok") == 1 and kinds.count("refused") == 49
    # The losers were offered other free times.
    assert all(taken.alternatives for kind, taken in outcomes if kind == "refused")
    with scopes_disabled():
        assert Record.objects.count() == 1


@pytest.mark.parametrize("free", [1, 3, 5])
def test_any_specialist_with_k_free_books_exactly_k_and_nobody_twice(tenant_a, free):
    company = tenant_a.company
    with scopes_disabled():
        haircut = make_service(company, duration=60)
        for n in range(free):
            add_shift(make_specialist(company, f"Мастер {n}", [haircut]), company, DAY, "12:00", "13:00")
    start = datetime.datetime.combine(DAY, datetime.time(12), tzinfo=MSK)

    def attempt(i):
        with scope(company.chain):
            return book_visit(company=company, segments=[Segment(haircut.pk)], start=start, now=NOW)

    outcomes = race(12, attempt, (SlotTaken,))
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, [o for o in outcomes if o[0] == "error"]
    assert kinds.count("ok") == free
    with scopes_disabled():
        specialists = list(Record.objects.values_list("specialist_id", flat=True))
    assert len(specialists) == len(set(specialists)) == free


def test_postgresql_itself_refuses_an_overlapping_record(tenant_a):
    from django.db import IntegrityError, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only; SQLite relies on the write lock")
    company = tenant_a.company
    with scopes_disabled():
        haircut = make_service(company, duration=60)
        anna = make_specialist(company, "Анна", [haircut])
        add_shift(anna, company, DAY, "09:00", "21:00")
        start = datetime.datetime.combine(DAY, datetime.time(12), tzinfo=MSK)
        with scope(company.chain):
            record = book_visit(company=company, segments=[Segment(haircut.pk, anna.pk)], start=start, now=NOW)[0]
        clash = {
            "company": company,
            "chain": company.chain,
            "visit": record.visit,
            "specialist": anna,
            "start": start + datetime.timedelta(minutes=30),
            "end": start + datetime.timedelta(minutes=90),
            "block_start": start + datetime.timedelta(minutes=30),
            "block_end": start + datetime.timedelta(minutes=90),
        }
        with pytest.raises(IntegrityError), transaction.atomic():
            Record.objects.create(**clash)
        # A cancelled record holds no time, and neither does a deliberate overbooking.
        Record.objects.create(**clash, status="cancelled")
        Record.objects.create(**clash, overbooked=True)
