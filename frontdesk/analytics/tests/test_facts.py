"""The daily facts behind the overview's period figures: every kind of change marks the days it
touched, the next read recomputes them, and what is stored then equals a fresh computation; the
rebuild and verify commands; the overview's query budget on the facts."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from frontdesk.analytics import facts, overview
from frontdesk.analytics.models import DayFacts, DayMoney, StaleDay
from frontdesk.analytics.overview import Period

# The branch in Yekaterinburg (UTC+5) and its bookings, as the overview's own tests make them.
from frontdesk.analytics.tests.test_overview import DAY, _book, _local, branch  # noqa: F401 (a fixture)
from frontdesk.finance.checkout import checkout_visit, pay_sale, refund_sale
from frontdesk.finance.models import LineKind, PaymentMethod, Sale, SaleLine
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_bank_account, make_cash_desk
from frontdesk.scheduling.models import Record, RecordService, RecordStatus
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.staff import services as staff_services

pytestmark = pytest.mark.django_db

NEXT = DAY + datetime.timedelta(days=1)
TWO_DAYS = Period(DAY, NEXT)


def _day(company, day):
    """The figures of one day as the overview reads them, and a check that the stored facts of
    the days around it equal a fresh computation afterwards."""
    figures = overview.period_figures([company], Period(day, day))
    assert facts.stored_differences(company, DAY - datetime.timedelta(days=3), NEXT + datetime.timedelta(days=3)) == []
    return figures


def test_a_booking_counts_on_its_local_day_and_a_move_takes_it_to_the_other_day(branch):  # noqa: F811
    company, specialist, service = branch
    assert _day(company, DAY).visits["upcoming"] == 0  # facts stored: nothing yet
    record = _book(company, specialist, service, _local(company, DAY, 23, 30))

    assert _day(company, DAY).visits["upcoming"] == 1
    assert _day(company, DAY).fill_rate.booked_minutes == 60

    record.start = record.block_start = _local(company, NEXT, 10)
    record.end = record.block_end = record.start + datetime.timedelta(hours=1)
    record.save()

    assert _day(company, DAY).visits["upcoming"] == 0
    assert _day(company, NEXT).visits["upcoming"] == 1
    assert _day(company, NEXT).sources["admin"] == 1


def test_a_status_change_a_new_line_and_a_deletion_change_the_days_figures(branch):  # noqa: F811
    company, specialist, service = branch
    record = _book(company, specialist, service, _local(company, DAY, 12))
    assert _day(company, DAY).visits == {"came": 0, "no_show": 0, "cancelled": 0, "upcoming": 1}

    record.status = RecordStatus.COMPLETED
    record.save()
    assert _day(company, DAY).visits["came"] == 1

    RecordService.objects.create(
        chain=company.chain, record=record, service=service, start=record.start, duration=45, price=1000
    )
    assert _day(company, DAY).fill_rate.booked_minutes == 105

    record.status = RecordStatus.CANCELLED
    record.save()
    figures = _day(company, DAY)
    assert figures.visits["cancelled"] == 1 and figures.fill_rate.booked_minutes == 0

    RecordService.objects.filter(record=record).delete()
    record.delete()
    assert _day(company, DAY).visits == {"came": 0, "no_show": 0, "cancelled": 0, "upcoming": 0}
    assert not DayFacts.objects.filter(company=company, date=DAY).exists()


def test_a_schedule_written_by_the_grid_or_one_interval_changes_the_scheduled_minutes(branch):  # noqa: F811
    company, specialist, service = branch
    assert _day(company, DAY).fill_rate.scheduled_minutes == 0

    staff_services.set_day(specialist, company, DAY, [(datetime.time(10), datetime.time(14))])
    assert _day(company, DAY).fill_rate.scheduled_minutes == 240

    staff_services.set_day(specialist, company, DAY, [])  # the day cleared in the grid
    assert _day(company, DAY).fill_rate.scheduled_minutes == 0

    interval = add_shift(specialist, company, DAY, "10:00", "12:00")
    _book(company, specialist, service, _local(company, DAY, 10))
    assert _day(company, DAY).fill_rate == overview.FillRate(60, 120, Decimal("0.5000"))
    interval.delete()
    assert _day(company, DAY).fill_rate.scheduled_minutes == 0


def test_a_checkout_a_debt_payment_and_a_refund_on_three_days_keep_revenue_and_one_check(branch):  # noqa: F811
    company, specialist, service = branch
    desk, bank = make_cash_desk(company), make_bank_account(company)
    record = _book(company, specialist, service, _local(company, DAY, 10))
    assert _day(company, DAY).revenue.revenue == 0

    checkout_visit(
        record.visit, payments=[Payment(desk, PaymentMethod.CASH, Decimal("500"))], occurred_at=_local(company, DAY, 11)
    )
    sale = record.visit.sale
    pay_sale(sale, [Payment(bank, PaymentMethod.CARD, Decimal("1500"))], occurred_at=_local(company, NEXT, 0, 5))
    refund_sale(sale, Decimal("300"), occurred_at=_local(company, NEXT, 23, 50))

    assert _day(company, DAY).revenue == overview.Revenue(Decimal("500.00"), 1, Decimal("500.00"))
    # The debt paid the next day is no second check; the refund lowers that day's money.
    assert _day(company, NEXT).revenue == overview.Revenue(Decimal("1200.00"), 0, None)
    assert overview.revenue([company], TWO_DAYS) == overview.Revenue(Decimal("1700.00"), 1, Decimal("1700.00"))
    money = DayMoney.objects.get(company=company, date=NEXT)
    assert (money.card, money.cash) == (Decimal("1200.00"), Decimal("0.00"))  # the latest payment refunded first


def test_a_paid_visit_given_to_another_specialist_moves_its_money_to_them_on_the_payment_days(branch):  # noqa: F811
    company, specialist, service = branch
    other = make_specialist(company, "Борис", [service])
    record = _book(company, specialist, service, _local(company, DAY, 10))
    checkout_visit(
        record.visit,
        payments=[Payment(make_cash_desk(company), PaymentMethod.CASH, Decimal("500"))],
        occurred_at=_local(company, NEXT, 11),  # paid the next day: not the record's day
    )
    own = {"taken": Decimal("500.00"), "checks": 1}
    assert _parts(company) == {specialist.pk: own}

    record.specialist = other
    record.save()

    assert _parts(company) == {other.pk: own}
    assert facts.stored_differences(company, DAY - datetime.timedelta(days=3), NEXT + datetime.timedelta(days=3)) == []


def _parts(company):
    """{specialist id: their money and checks over the two days}, as the money reports read it."""
    rows = facts.parts([company], TWO_DAYS, ("specialist_id",), Q(specialist__isnull=False))
    return {row["specialist_id"]: {"taken": row["taken"], "checks": row["checks"]} for row in rows}


def test_the_money_of_a_partly_paid_sale_splits_over_its_lines_in_proportion(branch):  # noqa: F811
    company, specialist, service = branch
    common = {"company": company, "chain": company.chain}
    sale = Sale.objects.create(subtotal=Decimal("4000"), total=Decimal("4000"), **common)
    SaleLine.objects.create(chain=company.chain, sale=sale, kind=LineKind.SERVICE, title="Стрижка", price=3000)
    SaleLine.objects.create(chain=company.chain, sale=sale, kind=LineKind.GOODS, title="Шампунь", price=1000)

    pay_sale(
        sale,
        [Payment(make_cash_desk(company), PaymentMethod.CASH, Decimal("1000"))],
        occurred_at=_local(company, DAY, 15),
    )

    _day(company, DAY)
    money = DayMoney.objects.get(company=company, date=DAY)
    assert (money.revenue, money.services, money.goods, money.certificates) == (
        Decimal("1000.00"),
        Decimal("750.00"),
        Decimal("250.00"),
        Decimal("0.00"),
    )


def test_a_branch_moved_to_another_time_zone_redates_its_facts(branch):  # noqa: F811
    company, specialist, service = branch
    _book(company, specialist, service, _local(company, DAY, 23, 30))  # 18:30 UTC
    assert _day(company, DAY).visits["upcoming"] == 1

    company.timezone = "Asia/Kamchatka"  # UTC+12: 18:30 UTC is 06:30 the next day there
    company.save(update_fields=["timezone"])

    assert _day(company, DAY).visits["upcoming"] == 0
    assert _day(company, NEXT).visits["upcoming"] == 1


def test_a_change_that_sent_no_event_shows_after_rebuild_analytics(tenant_a, branch):  # noqa: F811
    company, specialist, service = branch
    _book(company, specialist, service, _local(company, DAY, 12))
    assert _day(company, DAY).visits["upcoming"] == 1
    Record.objects.filter(company=company).update(status=RecordStatus.NO_SHOW)  # no model signal, no event
    assert overview.visits_by_status([company], Period(DAY, DAY))["no_show"] == 0
    out = io.StringIO()

    call_command("rebuild_analytics", "--chain", str(tenant_a.chain.pk), stdout=out)

    assert overview.visits_by_status([company], Period(DAY, DAY))["no_show"] == 1
    assert f"1 network(s), {len(tenant_a.companies)} branch(es)" in out.getvalue()
    assert not StaleDay.objects.filter(company=company).exists()


def test_rebuild_analytics_refuses_a_date_it_cannot_read():
    with pytest.raises(CommandError, match="not a date"):
        call_command("rebuild_analytics", "--since", "10.03.2026")


def test_verify_analytics_prints_a_tampered_fact_and_fails(tenant_a):
    company = tenant_a.company
    service = make_service(company, "Стрижка", price=2000)
    specialist = make_specialist(company, "Мастер", [service])
    today = datetime.datetime.now(tz=company.tz).date()
    _book(company, specialist, service, _local(company, today, 0, 5), status=RecordStatus.COMPLETED)
    call_command("rebuild_analytics", stdout=io.StringIO())
    DayFacts.objects.filter(company=company, date=today).update(came=7)
    out = io.StringIO()

    with pytest.raises(CommandError, match="difference"):
        call_command("verify_analytics", "--chain", str(tenant_a.chain.pk), "--days", "3", stdout=out)

    assert f"DayFacts {today} {specialist.pk}: came 7 ≠ 1" in out.getvalue()


def test_the_overview_on_facts_reads_the_same_number_of_queries_for_a_month_of_busy_days(tenant_a, branch):  # noqa: F811
    company, specialist, service = branch
    month = Period(DAY, DAY + datetime.timedelta(days=30))
    fresh, stale = [], []
    for bookings in (1, 3):
        for day in range(31):
            for hour in range(bookings):
                _book(company, specialist, service, _local(company, DAY + datetime.timedelta(days=day), 9 + hour))
        overview.compare(tenant_a.companies, month)  # recomputes the marked days
        with CaptureQueriesContext(connection) as queries:
            overview.compare(tenant_a.companies, month)
        fresh.append(len(queries))
        # Right after a booking its day is recomputed first: a fixed cost, not a query per record.
        _book(company, specialist, service, _local(company, DAY + datetime.timedelta(days=bookings), 20))
        with CaptureQueriesContext(connection) as queries:
            overview.compare(tenant_a.companies, month)
        stale.append(len(queries))
    assert fresh == [10, 10]
    assert stale[0] == stale[1] <= 10 + 15


def test_the_migration_marks_an_installations_history_stale_so_the_first_read_shows_it(branch):  # noqa: F811
    from importlib import import_module

    from django.apps import apps

    company, specialist, service = branch
    _book(company, specialist, service, _local(company, DAY, 12))
    add_shift(specialist, company, NEXT)
    StaleDay.objects.all().delete()  # as if the history predates the fact tables

    import_module("frontdesk.analytics.migrations.0004_mark_history_stale").mark_history(apps, None)

    assert set(StaleDay.objects.filter(company=company).values_list("date", flat=True)) == {DAY, NEXT}
    figures = overview.period_figures([company], TWO_DAYS)
    assert figures.visits["upcoming"] == 1 and figures.fill_rate.scheduled_minutes == 540


def test_reports_read_each_specialists_days_from_the_facts(branch):  # noqa: F811
    company, specialist, service = branch
    other = make_specialist(company, "Второй мастер", [service])
    _book(company, specialist, service, _local(company, DAY, 10), status=RecordStatus.COMPLETED)
    _book(company, other, service, _local(company, NEXT, 10), status=RecordStatus.NO_SHOW)
    add_shift(other, company, NEXT, "10:00", "12:00")

    rows = facts.per_day([company], TWO_DAYS, by=("specialist_id", "date"))

    assert [(r["specialist_id"], r["date"], r["came"], r["no_show"], r["scheduled_minutes"]) for r in rows] == sorted(
        [(specialist.pk, DAY, 1, 0, 0), (other.pk, NEXT, 0, 1, 120)]
    )
