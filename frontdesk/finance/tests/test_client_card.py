"""Checkout from the client card: the card lists the visits that took place and were not checked
out, and the sales not paid in full, each with its button for whoever may take payments; the
checkout and the debt payment go back to the card (only to a path on this site)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdesk.accounts.permissions import Level, Role, Section
from frontdesk.clients.services import find_or_create_client
from frontdesk.finance.checkout import checkout_visit
from frontdesk.finance.models import Sale, SaleStatus
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk, make_visit
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.testing.fixtures import add_member, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(tenant_a):
    """A client with a past visit not checked out, a checked-out visit with a debt, a cancelled
    past visit, a no-show and a visit next week."""
    company = tenant_a.company
    desk = make_cash_desk(company)
    client = find_or_create_client(chain=tenant_a.chain, phone="+79161112233", name="Ольга Петрова")
    past = timezone.localdate() - datetime.timedelta(days=2)
    soon = timezone.localdate() + datetime.timedelta(days=7)
    open_visit = make_visit(company, [("Стрижка", 2500, 3500)], client=client, hour=10, day=past)
    debt_visit = make_visit(company, [("Окрашивание", 4000, 4000)], client=client, hour=12, day=past)
    sale = checkout_visit(debt_visit, payments=[Payment(desk, "cash", "1500")]).sale
    cancelled = make_visit(company, [("Укладка", 1000, 1000)], client=client, hour=14, day=past)
    Record.objects.filter(visit=cancelled).update(status=RecordStatus.CANCELLED)
    no_show = make_visit(company, [("Маникюр", 1200, 1200)], client=client, hour=16, day=past)
    Record.objects.filter(visit=no_show).update(status=RecordStatus.NO_SHOW)
    upcoming = make_visit(company, [("Педикюр", 1800, 1800)], client=client, hour=11, day=soon)
    url = reverse("clients:card", args=[company.pk, client.pk])
    return {
        "company": company,
        "desk": desk,
        "client": client,
        "open": open_visit,
        "sale": sale,
        "others": [cancelled, no_show, upcoming],
        "url": url,
    }


def _visits(html):
    return html.count('data-testid="open-visit"')


def test_the_card_lists_the_visit_to_check_out_and_the_debt_with_their_buttons(card, amy):
    html = client_for(amy).get(card["url"]).content.decode()
    assert f'data-visit="{card["open"].pk}"' in html and _visits(html) == 1
    for other in card["others"]:
        assert f'data-visit="{other.pk}"' not in html
    assert f'data-sale="{card["sale"].pk}"' in html
    checkout = reverse("finance:checkout", args=[card["company"].pk, card["open"].pk])
    assert f"{checkout}?next={card['url'].replace('/', '%2F')}" in html
    assert 'data-testid="card-checkout"' in html and "Pay the debt" in html


def test_without_finance_edit_the_card_shows_what_is_open_but_no_buttons(card, tenant_a):
    viewer = add_member(tenant_a, "vera@example.com", Role.ADMINISTRATOR, permissions={Section.FINANCE: Level.VIEW})
    http = client_for(viewer)
    html = http.get(card["url"]).content.decode()
    assert _visits(html) == 1 and 'data-testid="card-checkout"' not in html and "Pay the debt" not in html
    # The server refuses the checkout and the debt payment all the same.
    checkout = reverse("finance:checkout", args=[card["company"].pk, card["open"].pk])
    assert http.post(checkout, {"amount_cash": "2500"}).status_code == 403
    pay = reverse("finance:sale_pay", args=[card["company"].pk, card["sale"].pk])
    assert http.post(pay, {"amount_cash": "100"}).status_code == 403
    assert not Sale.objects.filter(visit=card["open"]).exists()


def test_a_specialist_without_finance_sees_no_money_on_the_card(card, tenant_a):
    nina = add_member(tenant_a, "nina@example.com", Role.ADMINISTRATOR, permissions={Section.FINANCE: Level.NONE})
    html = client_for(nina).get(card["url"]).content.decode()
    assert 'data-testid="client-money"' not in html


def test_checking_out_from_the_card_goes_back_to_the_card_and_the_visit_leaves_the_list(card, amy):
    http = client_for(amy)
    checkout = reverse("finance:checkout", args=[card["company"].pk, card["open"].pk])
    form = http.get(checkout + "?next=" + card["url"]).content.decode()
    assert f'name="next" value="{card["url"]}" data-testid="next"' in form
    response = http.post(
        checkout,
        {"next": card["url"], "amount_cash": "2500", "account_cash": card["desk"].pk},
    )
    assert response.status_code == 302 and response["Location"] == card["url"]
    assert Sale.objects.get(visit=card["open"]).status == SaleStatus.PAID
    html = http.get(card["url"]).content.decode()
    assert _visits(html) == 0


def test_paying_the_debt_from_the_card_goes_back_to_the_card_and_the_debt_leaves_it(card, amy):
    http = client_for(amy)
    sale_url = reverse("finance:sale", args=[card["company"].pk, card["sale"].pk])
    page = http.get(sale_url + "?next=" + card["url"]).content.decode()
    assert f'name="next" value="{card["url"]}" data-testid="next"' in page
    pay = reverse("finance:sale_pay", args=[card["company"].pk, card["sale"].pk])
    response = http.post(pay, {"next": card["url"], "amount_cash": "2500", "account_cash": card["desk"].pk})
    assert response.status_code == 302 and response["Location"] == card["url"]
    sale = Sale.objects.get(pk=card["sale"].pk)
    assert sale.status == SaleStatus.PAID and sale.paid == Decimal("4000.00")
    assert f'data-sale="{sale.pk}"' not in http.get(card["url"]).content.decode()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/c/1/", "/\\evil.example", "javascript:alert(1)", " "]
)
def test_a_foreign_next_is_ignored_and_the_checkout_ends_on_the_sale(card, amy, target):
    http = client_for(amy)
    checkout = reverse("finance:checkout", args=[card["company"].pk, card["open"].pk])
    form = http.get(checkout, {"next": target}).content.decode()
    assert 'data-testid="next"' not in form
    response = http.post(checkout, {"next": target, "amount_cash": "2500", "account_cash": card["desk"].pk})
    sale = Sale.objects.get(visit=card["open"])
    assert response.status_code == 302
    assert response["Location"] == reverse("finance:sale", args=[card["company"].pk, sale.pk])


def test_an_already_checked_out_visit_opens_its_sale_keeping_the_way_back(card, amy):
    http = client_for(amy)
    checkout = reverse("finance:checkout", args=[card["company"].pk, card["sale"].visit_id])
    response = http.get(checkout, {"next": card["url"]})
    sale_url = reverse("finance:sale", args=[card["company"].pk, card["sale"].pk])
    assert response.status_code == 302 and response["Location"].startswith(sale_url + "?next=")
    assert 'data-testid="sale-back"' in http.get(response["Location"]).content.decode()


def test_the_card_in_another_branch_lists_only_that_branchs_visits(card, tenant_a):
    from frontdesk.tenancy.models import Company

    other = Company.objects.create(chain=tenant_a.chain, name="Лаванда Сити", timezone="Europe/Moscow")
    html = client_for(tenant_a.owner).get(reverse("clients:card", args=[other.pk, card["client"].pk])).content.decode()
    assert 'data-testid="client-money"' not in html
