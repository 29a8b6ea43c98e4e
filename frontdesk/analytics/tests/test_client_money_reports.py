"""LTV with the owner's advertising item, promotions (discounts, recommendations, advertising
channels) and the loyalty figures, as the owner reads them in the analytics section."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from frontdesk.analytics.models import AnalyticsSettings
from frontdesk.analytics.reports.base import Filters
from frontdesk.analytics.reports.ltv import Ltv
from frontdesk.analytics.reports.promotions import Promotions
from frontdesk.analytics.tests.money_factories import DAY, NOVEMBER, expense, local, make_sale, pay, report_url
from frontdesk.clients.models import Client, ClientSource
from frontdesk.finance.models import ItemKind, LineKind, PaymentItem, PaymentMethod, Sale
from frontdesk.loyalty.models import Card, Programme, ProgrammeKind, Referral
from frontdesk.scheduling.tests.factories import make_service, make_specialist
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(tenant_a):
    """Olga recommended Nina; Olga (found on the maps) came in October and pays 3,000 in November;
    Nina (recommended) comes first in November with the newcomer's referral discount and pays
    1,000; a walk-in client with the «Club» discount pays 2,000; a counter sale to nobody 500."""
    company = tenant_a.company
    chain = tenant_a.chain
    haircut = make_service(company, "Стрижка", price=1000)
    anna = make_specialist(company, "Анна", [haircut])
    olga = Client.objects.create(chain=chain, name="Ольга", phone="+79005550001", source=ClientSource.MAPS)
    nina = Client.objects.create(chain=chain, name="Нина", phone="+79005550002", source=ClientSource.RECOMMENDATION)
    walk_in = Client.objects.create(chain=chain, name="Прохожая", phone="+79005550003", source=ClientSource.WALK_IN)
    card = Card.objects.create(chain=chain, client=olga, number="1000000001", referral_code="OLGA01")
    referral = Referral.objects.create(chain=chain, referrer_card=card, newcomer=nina)
    Referral.objects.filter(pk=referral.pk).update(created_at=local(company, DAY - datetime.timedelta(days=2)))
    club = Programme.objects.create(chain=chain, title="Клуб", kind=ProgrammeKind.CUMULATIVE)

    october = make_sale(company, [(LineKind.SERVICE, 1000)], olga, anna, haircut, local(company, DAY.replace(month=10)))
    pay(october, 1000, PaymentMethod.CASH, local(company, DAY.replace(month=10)))
    olgas = make_sale(company, [(LineKind.SERVICE, 3000)], olga, anna, haircut, local(company, DAY, 10))
    pay(olgas, 3000, PaymentMethod.CARD, local(company, DAY, 11))
    ninas = make_sale(company, [(LineKind.SERVICE, 1100)], nina, anna, haircut, local(company, DAY, 12))
    Sale.objects.filter(pk=ninas.pk).update(discount=100, total=1000, discount_source="loyalty:referral")
    pay(ninas, 1000, PaymentMethod.CASH, local(company, DAY, 13))
    walk_ins = make_sale(company, [(LineKind.SERVICE, 2200)], walk_in, anna, haircut, local(company, DAY, 14))
    Sale.objects.filter(pk=walk_ins.pk).update(discount=200, total=2000, discount_source=f"loyalty:{club.pk}")
    pay(walk_ins, 2000, PaymentMethod.CARD, local(company, DAY, 15))
    counter = make_sale(company, [(LineKind.GOODS, 500)])
    pay(counter, 500, PaymentMethod.CASH, local(company, DAY, 16), item_code="goods")
    return company, olga, nina, walk_in, club


def test_ltv_is_revenue_from_clients_less_advertising_spend_per_paying_client(clients, alice):
    company, olga, nina, walk_in, _club = clients
    advertising = PaymentItem.objects.get(chain=company.chain, code="advertising")
    expense(company, advertising, 1500, local(company, DAY, 9))
    expense(company, advertising, 9000, local(company, DAY.replace(month=10), 9))  # another month

    page = client_for(alice).get(report_url(company, "ltv"))

    assert page.status_code == 200
    summary, top = page.context["result"].tables
    # (3,000 + 1,000 + 2,000 − 1,500) ÷ 3 clients; the counter sale to nobody has no client
    assert summary.rows[0] == [3, Decimal("6000.00"), Decimal("1500.00"), Decimal("1500.00")]
    assert top.keys == [olga.pk, walk_in.pk, nina.pk]
    assert top.rows[0][1:3] == [1, Decimal("3000.00")]
    assert "LTV = (revenue from clients" in page.content.decode()


def test_the_owner_chooses_which_expense_item_is_advertising(clients, alice):
    company = clients[0]
    flyers = PaymentItem.objects.create(chain=company.chain, title="Листовки", kind=ItemKind.EXPENSE)
    expense(company, flyers, 600, local(company, DAY, 9))
    browser = client_for(alice)

    saved = browser.post(reverse("analytics:settings", args=[company.pk]), {"advertising_item": flyers.pk})

    assert saved.status_code == 302
    assert AnalyticsSettings.objects.get(chain=company.chain).advertising_item == flyers
    summary = browser.get(report_url(company, "ltv")).context["result"].tables[0]
    assert summary.rows[0][2] == Decimal("600.00")
    assert summary.rows[0][3] == Decimal("1800.00")


def test_another_networks_item_or_garbage_is_refused_and_changes_nothing(clients, tenant_b, alice):
    company = clients[0]
    foreign = PaymentItem.unscoped.create(chain=tenant_b.chain, title="Чужая", kind=ItemKind.EXPENSE)
    income = PaymentItem.objects.get(chain=company.chain, code="services")
    browser = client_for(alice)

    for value in (foreign.pk, income.pk, "x"):
        page = browser.post(reverse("analytics:settings", args=[company.pk]), {"advertising_item": value})
        assert page.status_code == 400
        assert 'data-testid="settings-error"' in page.content.decode()
    assert not AnalyticsSettings.objects.filter(chain=company.chain).exists()


def test_an_administrator_sees_the_item_but_may_not_change_it(clients, amy):
    company = clients[0]
    rent = PaymentItem.objects.get(chain=company.chain, code="rent")
    browser = client_for(amy)

    page = browser.get(reverse("analytics:settings", args=[company.pk]))
    refused = browser.post(reverse("analytics:settings", args=[company.pk]), {"advertising_item": rent.pk})

    assert page.status_code == 200
    assert 'data-testid="settings-save"' not in page.content.decode()
    assert refused.status_code == 403
    assert not AnalyticsSettings.objects.filter(chain=company.chain).exists()


def test_promotions_show_money_and_new_clients_per_discount(clients, alice):
    company, _olga, _nina, _walk_in, club = clients

    result = client_for(alice).get(report_url(company, "promotions")).context["result"]

    promotions = dict(zip(result.tables[0].keys, result.tables[0].rows, strict=True))
    assert promotions[f"loyalty:{club.pk}"] == ["Клуб", 1, Decimal("200.00"), Decimal("2000.00"), 1]
    assert promotions["newcomer"][1:] == [1, Decimal("100.00"), Decimal("1000.00"), 1]
    assert promotions["none"][1:] == [2, Decimal("0.00"), Decimal("3500.00"), 0]  # Olga is not new
    assert result.tables[0].totals[1:] == [4, Decimal("300.00"), Decimal("6500.00"), 2]


def test_promotions_show_who_recommended_whom_and_their_money(clients, alice):
    company, olga = clients[:2]

    recommendations = client_for(alice).get(report_url(company, "promotions")).context["result"].tables[1]

    assert recommendations.keys == [olga.pk]
    assert recommendations.rows[0] == ["Ольга", 1, 1, Decimal("1000.00")]


def test_promotions_show_new_clients_and_revenue_per_advertising_channel(clients, alice):
    company = clients[0]

    result = client_for(alice).get(report_url(company, "promotions")).context["result"]

    sources = dict(zip(result.tables[2].keys, result.tables[2].rows, strict=True))
    assert sources[ClientSource.MAPS][1:] == [0, Decimal("0.00"), 1, Decimal("3000.00")]
    assert sources[ClientSource.RECOMMENDATION][1:] == [1, Decimal("1000.00"), 1, Decimal("1000.00")]
    assert sources[ClientSource.WALK_IN][1:] == [1, Decimal("2000.00"), 1, Decimal("2000.00")]
    assert result.chart.labels == [row[0] for row in result.tables[2].rows]


def test_the_loyalty_report_shows_the_loyalty_pages_figures_and_links_to_it(clients, alice):
    company = clients[0]
    Card.objects.update(created_at=local(company, DAY), company=company)  # issued in November here

    page = client_for(alice).get(report_url(company, "loyalty"))

    rows = {row[1]: row for row in page.context["result"].tables[0].rows}
    assert rows["Newcomers on a recommendation"][2] == 1
    assert rows["Cards issued"][2] == 1
    assert rows["Bonuses accrued"][3] == Decimal("0.00")
    loyalty_page = reverse("loyalty:analytics", args=[company.pk])
    assert f'href="{loyalty_page}?first=2026-11-01&amp;last=2026-11-30"' in page.content.decode()


@pytest.mark.parametrize("report,budget", [(Ltv, 7), (Promotions, 7)])
def test_the_client_money_reports_ask_a_fixed_number_of_queries(
    clients, tenant_a, report, budget, django_assert_num_queries
):
    company, _olga, _nina, _walk_in, _club = clients
    filters = Filters(companies=tuple(tenant_a.companies), period=NOVEMBER, chain=tenant_a.chain)
    with django_assert_num_queries(budget):
        report().build(filters)
    for n in range(3):
        person = Client.objects.create(chain=company.chain, name=f"Гость {n}", phone=f"+7900555010{n}")
        sale = make_sale(company, [(LineKind.SERVICE, 100)], person)
        pay(sale, 100, PaymentMethod.CASH, local(company, DAY, 10 + n))
    with django_assert_num_queries(budget):
        report().build(filters)


@pytest.mark.parametrize("key", ["revenue", "average-check", "ltv", "promotions", "loyalty"])
def test_every_money_report_opens_for_the_whole_network_with_nothing_sold(tenant_a, alice, key):
    page = client_for(alice).get(report_url(tenant_a.company, key, scope="network"))

    assert page.status_code == 200
    assert page.context["result"] is not None
    assert len(page.context["filters"].companies) == 2
    workbook = client_for(alice).get(report_url(tenant_a.company, key, scope="network", format="xlsx"))
    assert workbook.status_code == 200
