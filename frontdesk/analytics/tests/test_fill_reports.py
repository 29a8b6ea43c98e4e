"""The fill-rate, class occupancy, staff performance and services demand reports: what the owner
reads in each table, the heat map, the Excel file, and fixed query counts."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from frontdesk.analytics.overview import Period
from frontdesk.analytics.reports import base
from frontdesk.clients.models import Client
from frontdesk.clients.tests.factories import make_record
from frontdesk.finance.checkout import checkout_visit
from frontdesk.finance.models import PaymentMethod
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.scheduling.models import GroupEvent, Record, RecordService, RecordStatus, ResourceBooking
from frontdesk.scheduling.tests.factories import add_shift, make_resource, make_service, make_specialist
from frontdesk.staff.models import Absence
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)
WEEK = Period(MONDAY, MONDAY + datetime.timedelta(days=6))


def _at(company, day, clock):
    return datetime.datetime.combine(day, datetime.time.fromisoformat(clock), tzinfo=company.tz)


def _record(
    company, specialist, service, day, clock, minutes=60, *, client=None, status=RecordStatus.BOOKED, price=1000
):
    record = make_record(company, client, specialist, service, _at(company, day, clock), status=status, price=price)
    if minutes != 60:
        end = record.start + datetime.timedelta(minutes=minutes)
        Record.objects.filter(pk=record.pk).update(end=end, block_end=end)
        RecordService.objects.filter(record=record).update(duration=minutes)
        record.refresh_from_db()
    return record


def _build(key, companies, period=WEEK, **extra):
    companies = tuple(companies)
    return base.get(key)().build(base.Filters(companies=companies, period=period, chain=companies[0].chain, **extra))


@pytest.fixture
def salon(tenant_a):
    company = tenant_a.company
    cut = make_service(company, "Стрижка", duration=60, price=1000)
    colour = make_service(company, "Окрашивание", duration=120, price=4000)
    anna = make_specialist(company, "Анна", [cut, colour])
    boris = make_specialist(company, "Борис", [cut])
    return company, cut, colour, anna, boris


def test_fill_rate_per_specialist_counts_booked_minutes_against_working_hours(salon):
    company, cut, colour, anna, boris = salon
    add_shift(anna, company, MONDAY, "10:00", "14:00")  # 240 minutes
    add_shift(boris, company, MONDAY, "10:00", "12:00")  # 120 minutes
    _record(company, anna, colour, MONDAY, "10:00", 120)
    _record(company, anna, cut, MONDAY, "12:00", 60)
    _record(company, boris, cut, MONDAY, "10:30", 60, status=RecordStatus.CANCELLED)  # holds no time

    result = _build("fill-rate", [company])

    specialists = result.tables[0]
    by_key = dict(zip(specialists.keys, specialists.rows, strict=True))
    assert by_key[anna.pk][1:] == [180, 240, Decimal("0.75")]
    assert by_key[boris.pk][1:] == [0, 120, Decimal("0")]
    assert specialists.totals[1:] == [180, 360, Decimal("0.5")]
    services = dict(zip(services_keys := result.tables[1].keys, result.tables[1].rows, strict=True))
    assert services_keys[0] == "Окрашивание"
    assert services["Окрашивание"][1:4] == [1, 120, Decimal("0.6667")]  # two thirds of the booked time


def test_a_vacation_day_is_not_working_time(salon):
    company, cut, _colour, anna, _boris = salon
    add_shift(anna, company, MONDAY, "10:00", "14:00")
    add_shift(anna, company, MONDAY + datetime.timedelta(days=1), "10:00", "14:00")
    Absence.objects.create(chain=company.chain, specialist=anna, kind="vacation", date_from=MONDAY, date_to=MONDAY)
    _record(company, anna, cut, MONDAY + datetime.timedelta(days=1), "10:00", 120)

    result = _build("fill-rate", [company])

    assert result.tables[0].rows[0][1:] == [120, 240, Decimal("0.5")]


def test_the_heat_map_shows_each_weekday_and_hour(salon):
    company, cut, _colour, anna, _boris = salon
    add_shift(anna, company, MONDAY, "10:00", "12:00")
    _record(company, anna, cut, MONDAY, "10:30", 60)  # half of 10:00, half of 11:00

    heatmap = _build("fill-rate", [company]).heatmap

    assert heatmap.column_labels == ["10", "11"]
    assert heatmap.cells[0] == [Decimal("0.5"), Decimal("0.5")]  # Monday
    assert heatmap.cells[1] == [None, None]  # nobody works on Tuesday


def test_a_room_is_loaded_against_the_opening_hours_times_its_places(salon):
    company, cut, _colour, anna, _boris = salon
    room = make_resource(company, "Кабинет", capacity=2)
    record = _record(company, anna, cut, MONDAY, "10:00", 84)
    ResourceBooking.objects.create(
        chain=company.chain, record=record, resource=room, block_start=record.start, block_end=record.end
    )

    rooms = _build("fill-rate", [company], period=Period(MONDAY, MONDAY)).tables[-1]

    # Open 09:00–21:00 (the fixture's hours): 720 minutes × 2 places.
    assert rooms.rows[0] == ["Кабинет", 2, 84, 1440, Decimal("0.0583")]


def test_the_network_shows_each_branch(tenant_a):
    first, second = tenant_a.companies
    for company, booked in ((first, 60), (second, 30)):
        service = make_service(company)
        specialist = make_specialist(company, "Мастер", [service])
        add_shift(specialist, company, MONDAY, "10:00", "12:00")
        _record(company, specialist, service, MONDAY, "10:00", booked)

    result = _build("fill-rate", tenant_a.companies)

    branches = result.tables[2]  # specialists, services, branches, rooms
    assert [row[3] for row in branches.rows] == [Decimal("0.5"), Decimal("0.25")]


def test_the_fill_rate_report_runs_the_same_queries_for_a_week_or_a_hundred_records(salon, django_assert_num_queries):
    company, cut, _colour, anna, boris = salon
    make_resource(company)
    for day in range(7):
        date = MONDAY + datetime.timedelta(days=day)
        add_shift(anna, company, date)
        add_shift(boris, company, date)
        for hour in range(10, 18):
            _record(company, anna if hour % 2 else boris, cut, date, f"{hour}:00", 45)

    with django_assert_num_queries(10):
        _build("fill-rate", [company])


def test_class_occupancy_per_class_and_trainer(salon):
    company, _cut, _colour, anna, _boris = salon
    yoga = make_service(company, "Йога", duration=60)
    events = [
        GroupEvent.objects.create(
            company=company,
            chain=company.chain,
            service=yoga,
            specialist=anna,
            start=_at(company, MONDAY, clock),
            end=_at(company, MONDAY, clock) + datetime.timedelta(hours=1),
            capacity=4,
        )
        for clock in ("09:00", "18:00")
    ]
    for n, status in enumerate((RecordStatus.COMPLETED, RecordStatus.NO_SHOW, RecordStatus.CANCELLED)):
        client = Client.objects.create(chain=company.chain, name=f"Ольга {n}", phone=f"+7900555010{n}")
        record = _record(company, anna, yoga, MONDAY, "09:00", client=client, status=status)
        Record.objects.filter(pk=record.pk).update(group_event=events[0])

    result = _build("classes", [company])

    kinds, trainers, single = result.tables
    assert kinds.rows == [["Йога", 2, 8, 2, 1, Decimal("0.25")]]
    assert trainers.rows == [["Анна", 2, 8, 2, 1, Decimal("0.25")]]
    assert [row[-1] for row in single.rows] == [Decimal("0.5"), Decimal("0")]


def test_staff_performance_shows_each_specialists_revenue_clients_and_no_shows(salon):
    company, cut, _colour, anna, boris = salon
    desk = make_cash_desk(company)
    regular = Client.objects.create(chain=company.chain, name="Постоянная", phone="+79005550201")
    newcomer = Client.objects.create(chain=company.chain, name="Новая", phone="+79005550202")
    _record(company, anna, cut, MONDAY - datetime.timedelta(days=30), "10:00", client=regular, status="completed")
    for client, clock in ((regular, "10:00"), (newcomer, "12:00")):
        visit = _record(company, anna, cut, MONDAY, clock, client=client, price=1000).visit
        # A 10 % discount on the check: the specialist's revenue is what the client paid for the service.
        checkout_visit(visit, discount=100, payments=[Payment(desk, PaymentMethod.CASH, Decimal(900))])
    _record(company, anna, cut, MONDAY, "14:00", client=newcomer, status=RecordStatus.NO_SHOW)
    _record(company, boris, cut, MONDAY, "10:00", status=RecordStatus.NO_SHOW)

    result = _build("staff", [company])

    table = result.tables[0]
    rows = dict(zip(table.keys, table.rows, strict=True))
    assert table.keys[0] == anna.pk  # the best revenue first
    # revenue, visits, clients, average check, returning, goods, no-show rate
    assert rows[anna.pk][1:8] == [Decimal("1800.00"), 2, 2, Decimal("900.00"), Decimal("0.5"), 0, Decimal("0.3333")]
    assert rows[boris.pk][1:3] == [Decimal("0.00"), 0] and rows[boris.pk][7] == Decimal("1")
    assert result.chart.series[0].values[0] == Decimal("1800.00")


def test_services_demand_compares_with_the_previous_period(salon):
    company, cut, colour, anna, _boris = salon
    desk = make_cash_desk(company)
    before = MONDAY - datetime.timedelta(days=7)
    _record(company, anna, cut, before, "10:00")
    for clock in ("10:00", "12:00"):
        visit = _record(company, anna, cut, MONDAY, clock, price=1000).visit
        checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, Decimal(1000))])
    _record(company, anna, colour, MONDAY, "15:00", status=RecordStatus.CANCELLED)

    result = _build("services", [company])

    services = result.tables[0]
    assert services.keys == ["Стрижка"]
    # booked, growth of bookings (2 against 1), revenue, revenue growth (none before)
    assert services.rows[0][2:] == [2, Decimal("1"), Decimal("2000.00"), None]
    assert result.tables[1].rows[0][0] == "Услуги"
    assert result.chart.labels == ["Стрижка"]


def test_the_owner_downloads_the_fill_rate_with_its_heat_map(salon, alice):
    company, cut, _colour, anna, _boris = salon
    add_shift(anna, company, MONDAY, "10:00", "12:00")
    _record(company, anna, cut, MONDAY, "10:00", 60)
    url = reverse("analytics:report", args=[company.pk, "fill-rate"])

    page = client_for(alice).get(url, {"first": MONDAY.isoformat(), "last": MONDAY.isoformat()})
    response = client_for(alice).get(url, {"first": MONDAY.isoformat(), "last": MONDAY.isoformat(), "format": "xlsx"})

    assert 'data-testid="report-heatmap"' in page.content.decode()
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) >= 3  # specialists, services, heat map
    heat = list(workbook.worksheets[-1].iter_rows(values_only=True))
    assert heat[0][1:] == ("10", "11")
    assert heat[1][1:] == (100, 0)  # Monday: 10:00 booked in full, 11:00 free


@pytest.mark.parametrize("key", ["fill-rate", "classes", "staff", "services"])
def test_each_report_opens_for_the_whole_network(tenant_a, alice, key):
    page = client_for(alice).get(
        reverse("analytics:report", args=[tenant_a.company.pk, key]), {"scope": "network", "preset": "month"}
    )

    assert page.status_code == 200
    assert page.context["result"] is not None


@pytest.mark.parametrize(("key", "queries"), [("staff", 6), ("services", 4), ("classes", 1)])
def test_the_other_reports_run_a_fixed_number_of_queries(salon, django_assert_num_queries, key, queries):
    company, cut, _colour, anna, boris = salon
    desk = make_cash_desk(company)
    for day in range(3):
        date = MONDAY + datetime.timedelta(days=day)
        add_shift(anna, company, date)
        for n, hour in enumerate(range(10, 16)):
            client = Client.objects.create(chain=company.chain, name=f"К {day} {hour}", phone=f"+790055503{day}{hour}")
            record = _record(company, anna if n % 2 else boris, cut, date, f"{hour}:00", 45, client=client)
            if n % 3 == 0:
                checkout_visit(record.visit, payments=[Payment(desk, PaymentMethod.CASH, Decimal(1000))])

    with django_assert_num_queries(queries):
        _build(key, [company])
