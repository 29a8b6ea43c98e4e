"""The report builder: an owner builds "revenue by specialist by month", saves it, shares or
keeps it private, pins it to the overview and downloads it; bad choices are messages; the
isolation of networks and the rights of members hold."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from frontdesk.analytics.builder import engine
from frontdesk.analytics.builder.models import SavedReport
from frontdesk.analytics.overview import Period
from frontdesk.analytics.reports.base import Filters
from frontdesk.analytics.tests.test_dashboard import _paid_visit_today
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


def _revenue_by_specialist(company, author, **extra):
    fields = {
        "name": "Выручка по мастерам",
        "dataset": "sale_lines",
        "measures": ["amount"],
        "dimensions": ["month", "specialist"],
        "chart": "bar",
        "preset": "year",
        **extra,
    }
    return SavedReport.objects.create(chain=company.chain, company=company, author=author, **fields)


def _form(company, **fields):
    data = {
        "name": "Выручка по мастерам",
        "measures": ["amount"],
        "dimension1": "month",
        "dimension2": "specialist",
        "chart": "bar",
        "preset": "year",
        "action": "save",
    }
    data.update(fields)
    return data


def test_the_owner_saves_revenue_by_specialist_by_month(tenant_a, alice):
    company = tenant_a.company
    _paid_visit_today(company, 2750)
    browser = client_for(alice)

    response = browser.post(reverse("analytics:builder_new", args=[company.pk]) + "?dataset=sale_lines", _form(company))

    report = SavedReport.objects.get(chain=tenant_a.chain)
    assert response.status_code == 302
    assert (report.dataset, report.measures, report.dimensions, report.author) == (
        "sale_lines",
        ["amount"],
        ["month", "specialist"],
        alice,
    )
    page = browser.get(reverse("analytics:builder_report", args=[company.pk, report.pk]))
    table = page.context["result"].tables[0]
    assert table.rows[0][1] == "Мастер"
    assert table.totals[-1] == Decimal("2750.00")
    assert page.context["chart"]["type"] == "bar"


def test_the_preview_shows_figures_and_saves_nothing(tenant_a, alice):
    company = tenant_a.company
    _paid_visit_today(company, 1000)

    page = client_for(alice).post(
        reverse("analytics:builder_new", args=[company.pk]) + "?dataset=visits",
        _form(company, measures=["records", "value"], dimension1="specialist", dimension2="", action="preview"),
    )

    assert page.status_code == 200
    assert page.context["result"].tables[0].rows == [["Мастер", 1, Decimal("1000.00")]]
    assert not SavedReport.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"measures": ["no_such_figure"]}, "“no_such_figure” is not a figure of Sale lines."),
        ({"dimension1": "gender"}, "Sale lines cannot be grouped by “gender”."),
        ({"dimension1": "month", "dimension2": "week"}, "Group by one date only: day, week or month."),
        ({"dimension1": "kind", "dimension2": "kind"}, "Group by two different things."),
        ({"chart": "pie"}, "A pie chart shows one grouping: choose one thing to group by."),
        ({"dimension1": "", "dimension2": ""}, "A chart needs something to group by."),
        ({"measures": []}, "Choose at least one figure."),
        ({"preset": "", "first": "", "last": ""}, "Choose a quick period or both dates."),
        ({"preset": "", "first": "2026-05-10", "last": "2026-05-01"}, "The period ends before it begins."),
        ({"name": " "}, "Give the report a name."),
    ],
)
def test_a_report_that_cannot_run_is_a_message_and_nothing_is_saved(tenant_a, alice, fields, message):
    company = tenant_a.company

    page = client_for(alice).post(
        reverse("analytics:builder_new", args=[company.pk]) + "?dataset=sale_lines", _form(company, **fields)
    )

    assert page.status_code == 200
    assert message in page.content.decode()
    assert not SavedReport.objects.exists()


def test_a_filter_the_dataset_does_not_take_is_refused(tenant_a, alice):
    page = client_for(alice).post(
        reverse("analytics:builder_new", args=[tenant_a.company.pk]) + "?dataset=payments",
        _form(tenant_a.company, measures=["net"], dimension1="method", dimension2="", specialist="1"),
    )

    # The payments dataset offers no specialist filter: the value is ignored, the report saves.
    assert page.status_code == 302
    assert SavedReport.objects.get().filters == {}


def test_an_unknown_dataset_is_not_found(tenant_a, alice):
    response = client_for(alice).get(reverse("analytics:builder_new", args=[tenant_a.company.pk]) + "?dataset=nope")

    assert response.status_code == 404


def test_a_private_report_is_seen_by_its_author_only_a_shared_one_by_the_network(tenant_a, alice, amy):
    company = tenant_a.company
    private = _revenue_by_specialist(company, alice, name="Моё")
    shared = _revenue_by_specialist(company, alice, name="Для всех", shared=True)
    amys = client_for(amy)

    listed = amys.get(reverse("analytics:builder", args=[company.pk])).content.decode()

    assert "Для всех" in listed and "Моё" not in listed
    assert amys.get(reverse("analytics:builder_report", args=[company.pk, private.pk])).status_code == 404
    assert amys.get(reverse("analytics:builder_report", args=[company.pk, shared.pk])).status_code == 200


def test_a_member_who_may_only_view_cannot_build_pin_or_delete(tenant_a, alice, amy):
    company = tenant_a.company
    shared = _revenue_by_specialist(company, alice, shared=True)
    amys = client_for(amy)

    assert amys.get(reverse("analytics:builder_new", args=[company.pk])).status_code == 403
    assert amys.post(reverse("analytics:builder_pin", args=[company.pk, shared.pk]), {"pinned": "1"}).status_code == 403
    assert amys.post(reverse("analytics:builder_delete", args=[company.pk, shared.pk])).status_code == 403
    shared.refresh_from_db()
    assert not shared.pinned


def test_a_specialist_may_not_open_the_builder(tenant_a, sam):
    assert client_for(sam).get(reverse("analytics:builder", args=[tenant_a.company.pk])).status_code == 403


def test_the_author_deletes_their_report(tenant_a, alice):
    report = _revenue_by_specialist(tenant_a.company, alice)

    response = client_for(alice).post(reverse("analytics:builder_delete", args=[tenant_a.company.pk, report.pk]))

    assert response.status_code == 302
    assert not SavedReport.objects.exists()


def test_a_pinned_report_shows_on_the_overview_to_those_who_see_it(tenant_a, alice, amy, sam):
    company = tenant_a.company
    _paid_visit_today(company, 2750)
    shared = _revenue_by_specialist(company, alice, name="Выручка по мастерам", shared=True)
    _revenue_by_specialist(company, alice, name="Только моё", pinned=True)

    client_for(alice).post(reverse("analytics:builder_pin", args=[company.pk, shared.pk]), {"pinned": "1"})

    dashboard = reverse("tenancy:dashboard", args=[company.pk])
    owners = client_for(alice).get(dashboard).content.decode()
    amys = client_for(amy).get(dashboard).content.decode()
    sams = client_for(sam).get(dashboard).content.decode()
    assert owners.count('data-testid="pinned-report"') == 2
    assert 'data-testid="pinned-chart"' in owners
    assert "Выручка по мастерам" in amys and "Только моё" not in amys
    assert 'data-testid="pinned-report"' not in sams


def test_the_excel_file_holds_the_reports_table(tenant_a, alice):
    company = tenant_a.company
    _paid_visit_today(company, 2750)
    report = _revenue_by_specialist(company, alice)

    response = client_for(alice).get(reverse("analytics:builder_report", args=[company.pk, report.pk]) + "?format=xlsx")

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Month", "Specialist", "Sold for")
    assert rows[1][1:] == ("Мастер", 2750)
    assert rows[-1][0] == "Total"


def test_another_networks_report_is_not_found(tenant_a, tenant_b, alice, bob):
    theirs = _revenue_by_specialist(tenant_b.company, bob, shared=True)

    response = client_for(alice).get(reverse("analytics:builder_report", args=[tenant_a.company.pk, theirs.pk]))

    assert response.status_code == 404


def test_a_report_runs_in_two_queries_whatever_the_zones(tenant_a, django_assert_num_queries):
    branches = tenant_a.companies
    branches[1].timezone = "Asia/Kamchatka"
    branches[1].save()
    _paid_visit_today(branches[0], 1000)
    today = timezone.now().date()
    filters = Filters(
        companies=tuple(branches),
        period=Period(today - datetime.timedelta(days=365), today + datetime.timedelta(days=1)),
        chain=tenant_a.chain,
    )
    spec = engine.Spec("sale_lines", ("amount", "clients", "average_sale"), ("month", "specialist"), engine.BAR)

    with django_assert_num_queries(2):
        result = engine.run(spec, filters)

    assert result.tables[0].totals[2] == Decimal("1000.00")


def test_revenue_reads_the_daily_money_facts_in_three_queries_whatever_the_sales(tenant_a, django_assert_num_queries):
    branches = tenant_a.companies
    branches[1].timezone = "Asia/Kamchatka"
    branches[1].save()
    today = timezone.now().date()
    filters = Filters(
        companies=tuple(branches),
        period=Period(today - datetime.timedelta(days=365), today + datetime.timedelta(days=1)),
        chain=tenant_a.chain,
    )
    spec = engine.Spec("revenue", ("revenue", "taken", "refunded"), ("month", "specialist"), engine.BAR)

    for branch, amount, total in ((branches[0], 1000, "1000.00"), (branches[1], 500, "1500.00")):
        _paid_visit_today(branch, amount)
        engine.run(spec, filters)  # recomputes the day the checkout marked stale
        with django_assert_num_queries(3):  # the facts' stale check, the totals, the groups
            result = engine.run(spec, filters)
        assert result.tables[0].totals[2:] == [Decimal(total), Decimal(total), Decimal("0.00")]
    assert sorted(row[1] for row in result.tables[0].rows) == ["Мастер", "Мастер"]  # one in each branch


def test_the_demo_owner_finds_revenue_by_specialist_pinned_with_figures(db):
    from frontdesk.tenancy.demo import create_demo

    demo = create_demo()
    company = demo.companies[0]

    page = client_for(demo.owner).get(reverse("tenancy:dashboard", args=[company.pk]))

    html = page.content.decode()
    assert "Выручка по мастерам по месяцам" in html
    assert 'data-testid="pinned-chart"' in html
    report = SavedReport.objects.get(chain=demo.chain, pinned=True)
    shown = client_for(demo.owner).get(reverse("analytics:builder_report", args=[company.pk, report.pk]))
    assert shown.context["result"].tables[0].totals[-1] > 0
