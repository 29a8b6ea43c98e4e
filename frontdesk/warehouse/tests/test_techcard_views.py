"""The screens of technological cards: the card editor (materials only, bad amounts refused with
the item's name), the checkout's collapsed «Materials» block where the administrator types what
was really used, and the correction on the paid visit's sale page."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from frontdesk.finance.models import LineKind, Sale, SaleLine
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.testing.fixtures import client_for
from frontdesk.warehouse.models import StockRemain, TechCard, TechCardLine
from frontdesk.warehouse.techcards import material_costs
from frontdesk.warehouse.tests.factories import goods
from frontdesk.warehouse.tests.techcard_factories import card, colouring_visit, material, materials_store, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def salon(tenant_a):
    company = tenant_a.company
    store = materials_store(company)
    dye = material(tenant_a.chain, "Краска 6.0 60 мл")
    stock(company, store, dye, 2, "420")
    visit, line = colouring_visit(company)
    return company, store, dye, visit, line


def left(store, item):
    return StockRemain.unscoped.get(warehouse=store, goods=item).quantity


def test_an_administrator_builds_a_card_from_the_list(salon, amy):
    company, _store, dye, _visit, line = salon
    http = client_for(amy)
    answer = http.post(reverse("warehouse:techcard_add", args=[company.pk]), {"service": line.service_id})
    created = TechCard.objects.get(service=line.service)
    assert answer.url == reverse("warehouse:techcard", args=[company.pk, created.pk])
    page = http.get(answer.url)
    assert [g.title for g in page.context["choices"]] == ["Краска 6.0 60 мл"]
    http.post(answer.url, {f"add_goods_{created.pk}": dye.pk, f"add_amount_{created.pk}": "45"})
    assert list(TechCardLine.objects.values_list("goods__title", "quantity")) == [("Краска 6.0 60 мл", Decimal("45"))]
    listing = http.get(reverse("warehouse:techcards", args=[company.pk]))
    assert "Краска 6.0 60 мл 45" in listing.content.decode()


def test_a_second_default_card_of_a_service_is_refused(salon, amy):
    company, _store, _dye, _visit, line = salon
    http = client_for(amy)
    url = reverse("warehouse:techcard_add", args=[company.pk])
    http.post(url, {"service": line.service_id})
    with translation.override("en"):
        page = http.post(url, {"service": line.service_id, "duration": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert TechCard.objects.count() == 1 and "already has a card" in page.content.decode()


@pytest.mark.parametrize("amount", ["-5", "abc", "1,2345"])
def test_a_bad_amount_on_a_card_is_refused_with_the_items_name(salon, amy, amount):
    company, _store, dye, _visit, line = salon
    made = card(line.service, [(dye, "45")])
    page = client_for(amy).post(
        reverse("warehouse:techcard", args=[company.pk, made.pk]), {f"m_{made.pk}_{dye.pk}": amount}
    )
    assert page.status_code == 200 and "Краска 6.0 60 мл" in page.context["error"]
    assert TechCardLine.objects.get().quantity == Decimal("45")


def test_goods_for_sale_cannot_go_on_a_card(salon, amy, tenant_a):
    company, _store, _dye, _visit, line = salon
    shampoo = goods(tenant_a.chain)
    made = card(line.service, [])
    page = client_for(amy).post(
        reverse("warehouse:techcard", args=[company.pk, made.pk]),
        {f"add_goods_{made.pk}": shampoo.pk, f"add_amount_{made.pk}": "1"},
    )
    assert page.context["error"] and not TechCardLine.objects.exists()


def test_a_specialist_without_warehouse_rights_cannot_change_cards(salon, sam):
    company, _store, _dye, _visit, line = salon
    answer = client_for(sam).post(reverse("warehouse:techcard_add", args=[company.pk]), {"service": line.service_id})
    assert answer.status_code == 403 and not TechCard.objects.exists()


def test_the_checkout_shows_the_cards_materials_and_takes_the_typed_amount(salon, amy):
    company, store, dye, visit, line = salon
    card(line.service, [(dye, "45")])
    desk = make_cash_desk(company)
    http = client_for(amy)
    checkout = reverse("finance:checkout", args=[company.pk, visit.pk])
    page = http.get(checkout).content.decode()
    assert 'data-testid="checkout-materials"' in page and "<details" in page and 'value="45"' in page
    answer = http.post(
        reverse("warehouse:visit_materials", args=[company.pk, visit.pk]),
        {"line": line.pk, f"m_{line.pk}_{dye.pk}": "60", "next": checkout},
    )
    assert answer.url == checkout
    http.post(checkout, {f"price_{line.pk}": "5000", "amount_cash": "5000", "account_cash": desk.pk})
    assert Sale.objects.filter(visit=visit).exists()
    assert left(store, dye) == 60


def test_the_paid_visits_page_shows_the_cost_and_corrects_the_amount(salon, amy):
    company, store, dye, visit, line = salon
    card(line.service, [(dye, "45")])
    desk = make_cash_desk(company)
    http = client_for(amy)
    http.post(
        reverse("finance:checkout", args=[company.pk, visit.pk]),
        {f"price_{line.pk}": "5000", "amount_cash": "5000", "account_cash": desk.pk},
    )
    sale = Sale.objects.get(visit=visit)
    sold = SaleLine.objects.get(sale=sale, kind=LineKind.SERVICE)
    page = http.get(reverse("finance:sale", args=[company.pk, sale.pk])).content.decode()
    assert 'data-testid="sale-materials"' in page and "315" in page
    http.post(
        reverse("warehouse:sale_materials", args=[company.pk, sale.pk]),
        {"line": sold.pk, f"m_{sold.pk}_{dye.pk}": "30"},
    )
    assert left(store, dye) == 90 and material_costs([sold.pk]) == {sold.pk: Decimal("210.00")}
