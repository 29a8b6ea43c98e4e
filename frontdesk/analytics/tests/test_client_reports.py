"""The clients reports of the analytics section: new, returning, lost and reactivated clients;
retention cohorts; churn; the RFM segments with the link to their page — what the owner reads in
each, their Excel file, and query budgets that do not grow with the clients."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from frontdesk.analytics.overview import Period
from frontdesk.analytics.reports import base
from frontdesk.catalog.models import Service
from frontdesk.clients.models import Client
from frontdesk.clients.tests.factories import make_record
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.scheduling.tests.factories import make_service, make_specialist
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

COMPLETED = RecordStatus.COMPLETED


@pytest.fixture
def salon(tenant_a):
    branches = tenant_a.companies
    services = [make_service(company, "Стрижка", price=2000) for company in branches]
    masters = [make_specialist(branches[0], "Мастер 1", [services[0]]), make_specialist(branches[0], "Мастер 2")]
    masters.append(make_specialist(branches[1], "Мастер 3", [services[1]]))
    return branches, services, masters


def person(tenant, name):
    number = Client.objects.count()
    return Client.objects.create(chain=tenant.chain, name=name, phone=f"+7900555{number:04d}")


def came(company, specialist, client, day, hour=12, status=COMPLETED):
    """A record as the journal writes it; the listeners that run after its commit run too."""
    start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZoneInfo(company.timezone))
    service = Service.objects.filter(company=company).first()
    with TestCase.captureOnCommitCallbacks(execute=True):
        return make_record(company, client, specialist, service, start, status)


def build(key, companies, first, last, now, **extra):
    filters = base.Filters(
        companies=tuple(companies), period=Period(first, last), chain=companies[0].chain, now=now, **extra
    )
    with translation.override("en"):
        return base.get(key)().build(filters)


def moment(day, hour=12):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZoneInfo("Europe/Moscow"))


D = datetime.date


def test_the_clients_report_tells_new_returning_lost_and_reactivated_apart(tenant_a, salon):
    branches, _services, (first, second, _other) = salon
    company = branches[0]
    newcomer, back_again, gone, usual = (person(tenant_a, n) for n in ("Новая", "Вернулась", "Пропала", "Обычная"))
    came(company, first, newcomer, D(2026, 3, 5))
    for day in (D(2025, 10, 1), D(2025, 10, 15), D(2025, 11, 1)):  # a regular, lost on 1 December
        came(company, first, back_again, day)
    came(company, second, back_again, D(2026, 3, 10))
    for day in (D(2026, 1, 20), D(2026, 1, 30), D(2026, 2, 9)):  # lost 30 days after the last: 11 March
        came(company, first, gone, day)
    came(company, first, usual, D(2025, 12, 1))
    came(company, first, usual, D(2026, 3, 3))
    came(company, first, usual, D(2026, 3, 20), status=RecordStatus.NO_SHOW)

    result = build("clients", [company], D(2026, 3, 1), D(2026, 3, 31), moment(D(2026, 4, 5)))

    table = result.tables[0]
    assert [c.key for c in table.columns] == ["period", "came", "new", "returning", "lost", "reactivated"]
    assert table.totals[1:] == [3, 1, 2, 1, 1]
    by_day = {row[0]: row[1:] for row in table.rows}
    assert by_day["5 Mar"] == [1, 1, 0, 0, 0]
    assert by_day["10 Mar"] == [1, 0, 1, 0, 1]
    assert by_day["11 Mar"] == [0, 0, 0, 1, 0]
    assert len(table.rows) == 31  # every day of the month, empty ones too
    assert result.chart.labels[0] == "1 Mar"

    # The second master's clients: the one who came back to her after being lost.
    mine = build("clients", [company], D(2026, 3, 1), D(2026, 3, 31), moment(D(2026, 4, 5)), specialist=second)
    assert mine.tables[0].totals[1:] == [1, 0, 1, 0, 1]


def test_a_client_is_not_lost_before_the_rule_says_so(tenant_a, salon):
    branches, _services, (first, *_rest) = salon
    gone = person(tenant_a, "Пропала")
    for day in (D(2026, 1, 20), D(2026, 1, 30), D(2026, 2, 9)):
        came(branches[0], first, gone, day)

    before = build("clients", [branches[0]], D(2026, 3, 1), D(2026, 3, 31), moment(D(2026, 3, 11), 11))
    after = build("clients", [branches[0]], D(2026, 3, 1), D(2026, 3, 31), moment(D(2026, 3, 11), 13))

    assert before.tables[0].totals[4] == 0
    assert after.tables[0].totals[4] == 1


def test_a_first_visit_in_another_branch_makes_a_returning_client_here(tenant_a, salon):
    branches, _services, (first, _second, other) = salon
    visitor = person(tenant_a, "Гостья")
    came(branches[1], other, visitor, D(2026, 2, 1))
    came(branches[0], first, visitor, D(2026, 3, 2))

    here = build("clients", [branches[0]], D(2026, 3, 1), D(2026, 3, 31), moment(D(2026, 4, 1)))
    network = build("clients", branches, D(2026, 2, 1), D(2026, 3, 31), moment(D(2026, 4, 1)))

    assert here.tables[0].totals[1:4] == [1, 0, 1]
    assert network.tables[0].totals[1:4] == [1, 1, 0]


def test_retention_shows_each_cohort_with_its_returns_and_months(tenant_a, salon):
    branches, _services, (first, _second, other) = salon
    company = branches[0]
    a, b, c, old, elsewhere = (person(tenant_a, n) for n in ("А", "Б", "В", "Старая", "Другая"))
    for day in (D(2026, 1, 10), D(2026, 1, 25), D(2026, 3, 5)):
        came(company, first, a, day)
    came(company, first, b, D(2026, 1, 31))
    came(company, first, b, D(2026, 3, 30))  # 58 days later
    came(company, first, c, D(2026, 2, 15))
    came(company, first, old, D(2025, 12, 20))
    came(company, first, old, D(2026, 1, 5))
    came(branches[1], other, elsewhere, D(2026, 1, 12))
    came(company, first, elsewhere, D(2026, 1, 20))

    result = build("retention", [company], D(2026, 1, 1), D(2026, 5, 31), moment(D(2026, 6, 30)))

    heat = result.heatmap
    assert heat.row_labels == ["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026", "May 2026"]
    assert [str(label) for label in heat.column_labels] == ["Month 1", "Month 2", "Month 3", "Month 4"]
    assert heat.lead[0] == [2, Decimal("0.5"), Decimal("1"), Decimal("1")]
    assert heat.cells[0] == [Decimal("0"), Decimal("1"), Decimal("0"), Decimal("0")]
    assert heat.lead[1] == [1, Decimal("0"), Decimal("0"), Decimal("0")]
    assert heat.cells[1][:3] == [Decimal("0"), Decimal("0"), Decimal("0")]
    assert heat.cells[1][3] is None  # Feb + 4 months is June: not begun by 31 May
    assert heat.lead[2][0] == 0 and heat.lead[2][1] is None  # no one new in March
    # The whole network: the client who first came to the other branch joins January's cohort.
    network = build("retention", branches, D(2026, 1, 1), D(2026, 5, 31), moment(D(2026, 6, 30)))
    assert network.heatmap.lead[0][:2] == [3, Decimal("0.6667")]


def test_retention_leaves_shares_that_cannot_be_complete_yet_empty(tenant_a, salon):
    branches, _services, (first, *_rest) = salon
    fresh = person(tenant_a, "Свежая")
    came(branches[0], first, fresh, D(2026, 5, 10))
    came(branches[0], first, fresh, D(2026, 5, 20))

    result = build("retention", [branches[0]], D(2026, 5, 1), D(2026, 6, 30), moment(D(2026, 7, 5)))

    assert result.heatmap.row_labels == ["May 2026", "Jun 2026"]
    assert result.heatmap.lead[0] == [1, Decimal("1"), None, None]  # 30 days after 31 May: 30 June
    assert result.heatmap.cells[0] == [Decimal("0")]  # June has begun: nobody yet


def test_churn_counts_who_did_not_come_back_within_90_days(tenant_a, salon):
    branches, _services, (first, *_rest) = salon
    stays, leaves, long_gone = (person(tenant_a, n) for n in ("Осталась", "Ушла", "Давно"))
    came(branches[0], first, stays, D(2026, 2, 10))
    came(branches[0], first, stays, D(2026, 4, 1))
    came(branches[0], first, leaves, D(2026, 1, 15))
    came(branches[0], first, long_gone, D(2025, 11, 15))

    done = build("churn", [branches[0]], D(2026, 3, 1), D(2026, 3, 31), moment(D(2026, 12, 1)))
    early = build("churn", [branches[0]], D(2026, 3, 1), D(2026, 3, 31), moment(D(2026, 4, 15)))

    assert done.tables[0].rows == [["Mar 2026", 2, 1, 1, Decimal("0.5")]]
    assert done.chart.series[0].values == [Decimal("0.5")]
    assert early.tables[0].rows == [["Mar 2026", 2, None, None, None]]


def test_the_rfm_entry_shows_the_rfm_pages_counts_and_links_to_it(tenant_a, salon, alice):
    branches, _services, (first, *_rest) = salon
    today = datetime.date.today()
    regular = person(tenant_a, "Постоянная")
    for n in range(6):
        came(branches[0], first, regular, today - datetime.timedelta(days=10 + 7 * n))
    came(branches[0], first, person(tenant_a, "Разовая"), today - datetime.timedelta(days=300))

    page = client_for(alice).get(reverse("analytics:report", args=[branches[0].pk, "rfm"]))

    result = page.context["result"]
    rows = dict(zip(result.tables[0].keys, result.tables[0].rows, strict=True))
    assert rows[3][1:] == [0, 0, 1, 1]  # R3: the regular, six visits
    assert rows[1][1:] == [1, 0, 0, 1]  # R1: one visit 300 days ago
    rfm_page = client_for(alice).get(reverse("clients:rfm", args=[branches[0].pk]))
    grid = {(r, f): cell["count"] for r, cells in rfm_page.context["rows"] for f, cell in cells}
    assert [grid[(3, f)] for f in (1, 2, 3)] == rows[3][1:4]
    assert reverse("clients:rfm", args=[branches[0].pk]) in page.content.decode()


def test_the_retention_page_and_its_excel_file(tenant_a, salon, alice):
    branches, _services, (first, *_rest) = salon
    a = person(tenant_a, "А")
    came(branches[0], first, a, D(2026, 1, 10))
    came(branches[0], first, a, D(2026, 2, 1))
    url = reverse("analytics:report", args=[branches[0].pk, "retention"]) + "?first=2026-01-01&last=2026-03-31"

    page = client_for(alice).get(url)
    workbook = load_workbook(io.BytesIO(client_for(alice).get(url + "&format=xlsx").content))

    html = page.content.decode()
    assert 'data-testid="report-heatmap"' in html and "Jan 2026" in html
    assert "100,0\u00a0%" in html or "100.0\u00a0%" in html  # the 30-day share, formatted
    rows = list(workbook.worksheets[-1].iter_rows(values_only=True))
    assert rows[0][:5] == ("Cohort", "Clients", "30 days", "60 days", "90 days")
    assert rows[1][:3] == ("Jan 2026", 1, 100.0)


def test_retention_and_churn_open_on_the_last_12_months(tenant_a, salon, alice):
    page = client_for(alice).get(reverse("analytics:report", args=[tenant_a.company.pk, "retention"]))

    assert page.status_code == 200
    assert len(page.context["result"].heatmap.row_labels) == 12


@pytest.mark.parametrize("key", ["clients", "retention", "churn", "rfm"])
def test_the_clients_reports_take_the_same_queries_for_one_client_or_many(tenant_a, salon, key):
    branches, _services, (first, _second, other) = salon

    def run():
        cache.clear()  # RFM's money thirds are cached: count them every time
        with CaptureQueriesContext(connection) as captured:
            build(key, branches, D(2026, 1, 1), D(2026, 6, 30), moment(D(2026, 7, 1)))
        return len(captured)

    # At nine: the first client below comes to the same master at noon that day (PostgreSQL's
    # constraint refuses a double booking SQLite lets through).
    came(branches[0], first, person(tenant_a, "Одна"), D(2026, 2, 1), hour=9)
    few = run()
    for n in range(12):
        client = person(tenant_a, f"Клиент {n}")
        for k in range(4):
            came(branches[n % 2], first if n % 2 == 0 else other, client, D(2026, 1 + k, 1 + n))
    assert run() == few
    # Clients: the first-of-bucket rows, the totals and cut buckets, the lapses and returns;
    # retention and churn: one aggregate each; RFM: the grid and the money thirds (a count, two rows).
    assert few == {"clients": 3, "retention": 1, "churn": 1, "rfm": 4}[key]


def test_the_rebuild_command_finds_and_mends_facts_changed_behind_the_events(tenant_a, salon):
    branches, _services, (first, *_rest) = salon
    a = person(tenant_a, "А")
    came(branches[0], first, a, D(2026, 1, 10))
    came(branches[0], first, a, D(2026, 2, 10))
    # A queryset update sends no event: the facts still hold the visits.
    Record.objects.filter(client=a).update(status=RecordStatus.CANCELLED)

    with pytest.raises(CommandError):
        call_command("rebuild_client_facts", "--check", stdout=io.StringIO())
    call_command("rebuild_client_facts", chain=tenant_a.chain.pk, stdout=io.StringIO())
    call_command("rebuild_client_facts", "--check", stdout=io.StringIO())

    result = build("retention", [branches[0]], D(2026, 1, 1), D(2026, 3, 31), moment(D(2026, 6, 1)))
    assert [row[0] for row in result.heatmap.lead] == [0, 0, 0]
