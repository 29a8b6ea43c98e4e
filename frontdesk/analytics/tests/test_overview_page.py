"""The «Overview» page as its readers use it: the period switch (a day, a week, a month, dates typed
in), the whole network for those who see every branch and for nobody else, the links to the
reports, today's card the page refreshes, a specialist's own overview, and the page's query
budget, which does not grow with the data or the number of branches."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frontdesk.accounts.models import Membership
from frontdesk.accounts.permissions import Role
from frontdesk.analytics.reports import base as report_base
from frontdesk.clients.models import Client
from frontdesk.clients.tests.factories import make_record
from frontdesk.finance.checkout import checkout_visit
from frontdesk.finance.models import PaymentMethod
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.scheduling.models import RecordStatus
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.testing.fixtures import add_member, client_for

pytestmark = pytest.mark.django_db


def _today(company):
    return timezone.now().astimezone(company.tz).date()


def visit(company, specialist, start, price, status=RecordStatus.BOOKED, client=None, paid=None, discount=0):
    """A one-service visit of `specialist`; checked out (and paid `paid`) when `paid` is given."""
    service = make_service(company, f"Услуга {price}", price=price)
    record = make_record(company, client, specialist, service, start, status=status, price=price)
    if paid is not None:
        checkout_visit(
            record.visit,
            discount=discount,
            payments=[Payment(make_cash_desk(company), PaymentMethod.CASH, Decimal(paid))] if paid else [],
            occurred_at=start,
        )
    return record


def _at(company, day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=company.tz)


def _period(browser, company, **query):
    return browser.get(reverse("analytics:overview_period", args=[company.pk]), query)


def _today_card(browser, company, **query):
    return browser.get(reverse("analytics:overview_today", args=[company.pk]), query)


# -- the period switch and the network ---------------------------------------------------------


def test_a_week_is_compared_with_the_same_days_of_last_week(tenant_a, alice):
    company = tenant_a.company
    today = _today(company)
    monday = today - datetime.timedelta(days=today.weekday())

    page = _period(client_for(alice), company, preset="week")

    assert page.status_code == 200
    assert page.context["period"].first == monday
    assert page.context["previous"].first == monday - datetime.timedelta(days=7)
    assert page.context["previous"].last == today - datetime.timedelta(days=7)


def test_dates_typed_in_are_compared_with_as_many_days_before_and_a_year_back(tenant_a, alice):
    company = tenant_a.company
    specialist = make_specialist(company, "Мастер")
    visit(company, specialist, _at(company, datetime.date(2026, 3, 5), 12), 1000, paid=1000)
    visit(company, specialist, _at(company, datetime.date(2026, 2, 27), 12), 400, paid=400)
    visit(company, specialist, _at(company, datetime.date(2025, 3, 6), 12), 250, paid=250)

    page = _period(client_for(alice), company, first="2026-03-01", last="2026-03-10")

    revenue = page.context["figures"][0]
    assert [str(v) for v in revenue["values"]] == ["1000.00", "400.00", "250.00"]
    assert revenue["change"] == 150
    assert page.context["previous"].first == datetime.date(2026, 2, 19)


def test_the_owner_sees_the_whole_network_when_asked_and_this_branch_otherwise(tenant_a, alice):
    first, second = tenant_a.companies
    visit(first, make_specialist(first, "Первая"), _at(first, _today(first), 0, 5), 700, paid=700)
    visit(second, make_specialist(second, "Вторая"), _at(second, _today(second), 0, 5), 300, paid=300)
    browser = client_for(alice)

    branch = _period(browser, first, preset="today")
    network = _period(browser, first, preset="today", scope="network")
    today_network = _today_card(browser, first, scope="network")

    assert branch.context["figures"][0]["values"][0] == Decimal("700.00")
    assert network.context["figures"][0]["values"][0] == Decimal("1000.00")
    assert "The whole network" in network.content.decode()
    assert today_network.context["today"].revenue == Decimal("1000.00")
    assert today_network.context["today"].bookings == 2


def test_a_manager_of_one_branch_cannot_switch_to_the_network(tenant_a):
    first, second = tenant_a.companies
    visit(second, make_specialist(second, "Вторая"), _at(second, _today(second), 0, 5), 300, paid=300)
    manager = add_member(tenant_a, "mila@example.com", Role.MANAGER, companies=[first])
    browser = client_for(manager)

    landing = browser.get(reverse("tenancy:dashboard", args=[first.pk]))
    refused = _period(browser, first, preset="today", scope="network")
    today = _today_card(browser, first, scope="network")

    assert 'name="scope"' not in landing.content.decode()
    assert refused.status_code == 200
    assert 'data-testid="overview-period-errors"' in refused.content.decode()
    assert "figures" not in refused.context
    assert "today" not in today.context
    assert "300" not in today.content.decode()


def test_a_period_that_ends_before_it_begins_gets_a_message_and_no_figures(tenant_a, alice):
    page = _period(client_for(alice), tenant_a.company, first="2026-03-10", last="2026-03-01")

    assert page.status_code == 200
    assert "The period ends before it begins." in page.content.decode()
    assert "figures" not in page.context


def test_every_figure_links_to_its_report_in_the_analytics_section(tenant_a, alice):
    company = tenant_a.company
    html = _period(client_for(alice), company).content.decode()

    for key in ("revenue", "average-check", "visits", "clients", "fill-rate", "sources"):
        url = reverse("analytics:report", args=[company.pk, key])
        # A figure whose report the section does not have is shown without a link (never a 404).
        assert (url in html) == (report_base.get(key) is not None), key
    assert 'data-sparkline="overview-spark-revenue"' in html
    assert 'id="overview-revenue-chart"' in html


def test_the_revenue_chart_lays_last_months_same_days_over_this_months(tenant_a, alice):
    company = tenant_a.company
    specialist = make_specialist(company, "Мастер")
    today = _today(company)
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    visit(company, specialist, _at(company, last_month, 12), 900, paid=900)

    chart = _period(client_for(alice), company, preset="month").context["revenue_chart"]

    previous = chart["series"][1]["data"]
    if today.day >= 7:  # a shorter month so far shows the last seven days instead
        assert previous[0] == 900.0


# -- today ---------------------------------------------------------------------------------------


def test_todays_card_counts_a_booking_and_a_checkout_made_after_the_page_was_shown(tenant_a, alice):
    company = tenant_a.company
    specialist = make_specialist(company, "Мастер")
    browser = client_for(alice)
    before = _today_card(browser, company).context["today"]
    now = timezone.now()

    record = visit(company, specialist, now + datetime.timedelta(hours=1), 1500)
    booked = _today_card(browser, company).context["today"]
    checkout_visit(record.visit, payments=[Payment(make_cash_desk(company), PaymentMethod.CASH, Decimal(1500))])
    after = _today_card(browser, company).context["today"]

    if now.astimezone(company.tz).hour < 23:  # the booking must still be today in the branch
        assert (before.bookings, booked.bookings, booked.to_come) == (0, 1, 1)
        assert (after.arrived, after.to_come, after.revenue) == (1, 0, Decimal("1500.00"))


def test_the_landing_page_asks_for_todays_card_again_and_loads_the_period_separately(tenant_a, alice):
    html = client_for(alice).get(reverse("tenancy:dashboard", args=[tenant_a.company.pk])).content.decode()

    assert 'hx-trigger="every 30s, focus from:window"' in html
    assert reverse("analytics:overview_period", args=[tenant_a.company.pk]) in html
    assert 'data-testid="today-free"' in html


# -- the specialist's own overview ---------------------------------------------------------------


@pytest.fixture
def sams_specialist(tenant_a, sam):
    specialist = make_specialist(tenant_a.company, "Сэм")
    specialist.user = sam
    specialist.save(update_fields=["user"])
    return specialist


def test_a_specialist_sees_their_own_revenue_and_not_another_specialists(tenant_a, sam, sams_specialist):
    company = tenant_a.company
    other = make_specialist(company, "Другой мастер")
    day = _today(company)
    regular = Client.objects.create(chain=tenant_a.chain, name="Анна", phone="+79005550001")
    visit(company, sams_specialist, _at(company, day, 0, 10), 1000, client=regular, paid=900, discount=100)
    visit(company, other, _at(company, day, 0, 20), 7777, paid=7777)
    visit(company, other, _at(company, day, 1, 30), 3333, paid=3333)
    browser = client_for(sam)

    period = _period(browser, company, preset="today")
    html = period.content.decode()
    today = _today_card(browser, company)

    figures = {figure["key"]: figure["values"][0] for figure in period.context["figures"]}
    assert figures["revenue"] == Decimal("900.00")  # the line's price less the discount
    assert (figures["came"], figures["clients"]) == (1, 1)
    assert "7 777" not in html and "7,777" not in html and "11 110" not in html
    assert 'data-testid="overview-own"' in html
    assert today.context["today"].bookings == 1
    assert 'data-testid="today-revenue"' not in today.content.decode()


def test_a_specialist_sees_their_next_client_and_free_time(tenant_a, sam, sams_specialist):
    company = tenant_a.company
    now = timezone.now()
    local = now.astimezone(company.tz)
    if local.hour >= 21:
        pytest.skip("the branch's day is nearly over: no room for a shift ahead")
    add_shift(sams_specialist, company, local.date(), f"{local.hour + 1:02d}:00", f"{local.hour + 3:02d}:00")
    client = Client.objects.create(chain=tenant_a.chain, name="Вера", phone="+79005550009")
    visit(company, sams_specialist, _at(company, local.date(), local.hour + 1), 1200, client=client)

    card = _today_card(client_for(sam), company)

    assert card.context["next_client"].client == "Вера"
    assert card.context["free"].free_minutes == 60
    assert "Вера" in card.content.decode()


@pytest.mark.parametrize("all_branches", [False, True])
def test_a_specialist_cannot_ask_for_the_network(tenant_a, sam, sams_specialist, all_branches):
    Membership.objects.filter(user=sam).update(all_companies=all_branches)

    page = _period(client_for(sam), tenant_a.company, scope="network")

    assert "figures" not in page.context
    assert "own work in this branch only" in page.content.decode()


def test_a_member_with_no_analytics_and_no_specialist_sees_no_figures(tenant_a, sam):
    browser = client_for(sam)

    landing = browser.get(reverse("tenancy:dashboard", args=[tenant_a.company.pk]))

    assert 'data-testid="overview-figures"' not in landing.content.decode()
    assert _period(browser, tenant_a.company).status_code == 403
    assert _today_card(browser, tenant_a.company).status_code == 403


# -- query budgets --------------------------------------------------------------------------------


def _count(browser, url, query=None):
    """The queries of a warm request: the first read recomputes the days a change made stale
    (analytics.facts), which is the change's one-off cost, not the page's."""
    browser.get(url, query or {})
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url, query or {}).status_code == 200
    return len(queries)


def _busy_day(company, specialists=3, each=4):
    day = _today(company)
    for n in range(specialists):
        specialist = make_specialist(company, f"Мастер {n}")
        add_shift(specialist, company, day, "09:00", "21:00")
        for hour in range(each):
            visit(company, specialist, _at(company, day, 10 + hour), 500, paid=500)


def test_the_pages_queries_do_not_grow_with_the_data_or_the_branches(tenant_a, alice):
    first, second = tenant_a.companies
    browser = client_for(alice)
    landing = reverse("tenancy:dashboard", args=[first.pk])
    period = reverse("analytics:overview_period", args=[first.pk])
    today = reverse("analytics:overview_today", args=[first.pk])
    browser.get(landing)  # the session's first request writes it
    _busy_day(first, specialists=1, each=1)  # someone works today: free time reads their bookings
    empty = [_count(browser, landing), _count(browser, period), _count(browser, today)]
    network_empty = _count(browser, period, {"scope": "network"})

    _busy_day(first)
    _busy_day(second, specialists=2)
    second.timezone = "Asia/Yekaterinburg"
    second.save(update_fields=["timezone"])

    assert [_count(browser, landing), _count(browser, period), _count(browser, today)] == empty
    # the whole network in two time zones: the same queries (the charts' days are daily facts,
    # already on each branch's local dates)
    assert _count(browser, period, {"scope": "network"}) == network_empty
    # today's card: today (2) and free time (3) over the request's own few
    assert empty[2] <= 10
    # the period: compare (18) and two series by day over the request's own few
    assert empty[1] <= 27


def test_a_specialists_overview_has_a_fixed_budget_too(tenant_a, sam, sams_specialist):
    company = tenant_a.company
    browser = client_for(sam)
    period = reverse("analytics:overview_period", args=[company.pk])
    browser.get(reverse("tenancy:dashboard", args=[company.pk]))
    empty = _count(browser, period)

    for hour in range(6):
        visit(company, sams_specialist, _at(company, _today(company), 1 + hour), 500, paid=500)

    assert _count(browser, period) == empty


def test_todays_card_tells_the_page_to_read_the_period_again_once_todays_figures_changed(tenant_a, alice):
    company = tenant_a.company
    browser = client_for(alice)
    first = _today_card(browser, company)
    seen = first.context["fingerprint"]

    unchanged = _today_card(browser, company, seen=seen)
    visit(company, make_specialist(company, "Мастер"), _at(company, _today(company), 0, 1), 800, paid=800)
    changed = _today_card(browser, company, seen=seen)

    assert "HX-Trigger" not in unchanged.headers
    assert changed.headers["HX-Trigger"] == "overview-changed"
    assert f'value="{changed.context["fingerprint"]}"' in changed.content.decode()


def test_an_owner_reading_russian_sees_todays_card_in_russian(tenant_a, alice):
    company = tenant_a.company
    alice.language = "ru"
    alice.save(update_fields=["language"])
    local = timezone.now().astimezone(company.tz)
    if local.hour >= 21:
        pytest.skip("the branch's day is nearly over: no room for a shift ahead")
    add_shift(make_specialist(company, "Мастер"), company, local.date(), f"{local.hour + 1:02d}:00", "23:00")

    html = _today_card(client_for(alice), company).content.decode()

    assert "Свободно в сменах до конца дня" in html
    assert " ч " in html and "мин" in html
    assert "Ещё придут" in html
