"""Certificates and abonements at the cash desk through finance's seam: sold at the counter,
paid with at checkout (a certificate found by its code in another branch, an abonement bound to
the covered line), and given back by a refund."""

from decimal import Decimal

import pytest

from frontdesk.finance.checkout import CounterLine, MeansUse, checkout_visit, refund_means, sell_at_counter
from frontdesk.finance.means import counter_products, draft_for_visit, registered_means
from frontdesk.finance.models import MeansPayment, PaymentMethod, Sale, SaleStatus
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk, make_visit
from frontdesk.prepaid.errors import PrepaidError
from frontdesk.prepaid.models import Abonement, Certificate
from frontdesk.prepaid.services import abonement_balance, certificate_balance
from frontdesk.prepaid.tests.factories import abonement_type, certificate_type, client
from frontdesk.scheduling.models import RecordService

pytestmark = pytest.mark.django_db


def _sell(company, product_kind, type_, buyer, price):
    desk = make_cash_desk(company, f"Касса {company.pk}")
    return sell_at_counter(
        company,
        client=buyer,
        lines=[
            CounterLine(
                product_kind, ("ct" if product_kind == "certificate" else "at") + str(type_.pk), type_.title, price
            )
        ],
        payments=[Payment(desk, PaymentMethod.CASH, price)],
    ).sale


def test_the_counter_offers_the_branchs_certificate_and_abonement_types(tenant_a):
    first, second = tenant_a.companies
    only_second = certificate_type(tenant_a.chain, nominal=Decimal("5000"))
    only_second.companies.set([second])
    everywhere = abonement_type(tenant_a.chain)
    keys = {p.key for p in counter_products(first)}
    assert f"abonement:at{everywhere.pk}" in keys and f"certificate:ct{only_second.pk}" not in keys
    assert f"certificate:ct{only_second.pk}" in {p.key for p in counter_products(second)}


def test_a_certificate_sold_in_one_branch_pays_part_of_a_visit_in_another_and_a_refund_restores_it(tenant_a):
    first, second = tenant_a.companies
    buyer = client(tenant_a.chain)
    sale = _sell(first, "certificate", certificate_type(tenant_a.chain), buyer, Decimal("3000"))
    certificate = Certificate.objects.get(sale=sale)
    assert certificate.client == buyer and certificate_balance(certificate) == Decimal("3000.00")

    friend = client(tenant_a.chain, phone="+79005556677", name="Ольга")
    visit = make_visit(second, [("Стрижка", 4000, 4000)], client=friend)
    found = registered_means()["certificate"].find(draft_for_visit(visit), certificate.grouped_code)
    assert [o.ref for o in found] == [str(certificate.pk)] and found[0].limit == Decimal("3000.00")
    result = checkout_visit(
        visit,
        means=[MeansUse("certificate", str(certificate.pk), "1000")],
        codes=[certificate.grouped_code],
        payments=[Payment(make_cash_desk(second), PaymentMethod.CASH, "3000")],
    )
    assert result.sale.status == SaleStatus.PAID
    assert certificate_balance(certificate) == Decimal("2000.00")

    refund_means(MeansPayment.objects.get(sale=result.sale, code="certificate"))
    assert certificate_balance(certificate) == Decimal("3000.00")


def test_paying_more_than_the_certificate_holds_rolls_the_whole_checkout_back(tenant_a):
    company = tenant_a.company
    sale = _sell(company, "certificate", certificate_type(tenant_a.chain, nominal=Decimal("500")), None, Decimal("500"))
    certificate = Certificate.objects.get(sale=sale)
    visit = make_visit(company, [("Стрижка", 2000, 2000)], client=client(tenant_a.chain))
    with pytest.raises(Exception) as refused:
        checkout_visit(visit, means=[MeansUse("certificate", str(certificate.pk), "800")], codes=[certificate.code])
    assert "500" in " ".join(refused.value.messages)
    assert not Sale.objects.filter(visit=visit).exists()
    assert certificate_balance(certificate) == Decimal("500.00")


def test_an_abonement_sold_at_the_counter_pays_exactly_the_covered_class_and_a_refund_gives_the_visit_back(tenant_a):
    company = tenant_a.company
    holder = client(tenant_a.chain)
    visit = make_visit(company, [("Йога", 1200, 1200)], client=holder)
    service = RecordService.objects.get(record__visit=visit).service
    type_ = abonement_type(tenant_a.chain, [service], visits=8)
    sale = _sell(company, "abonement", type_, holder, type_.price)
    abonement = Abonement.objects.get(sale=sale)
    assert abonement_balance(abonement).visits == 8

    options = registered_means()["abonement"].options(draft_for_visit(visit))
    assert len(options) == 1 and options[0].limit == Decimal("1200.00") and options[0].lines == (0,)
    with pytest.raises(Exception) as refused:
        checkout_visit(visit, means=[MeansUse("abonement", options[0].ref, "600")])
    assert "1,200" in " ".join(refused.value.messages)
    result = checkout_visit(visit, means=[MeansUse("abonement", options[0].ref, "1200")])
    assert result.sale.status == SaleStatus.PAID and abonement_balance(abonement).visits == 7

    refund_means(MeansPayment.objects.get(sale=result.sale, code="abonement"))
    assert abonement_balance(abonement).visits == 8


def test_an_abonement_is_not_sold_at_the_counter_without_a_client_and_nothing_is_saved(tenant_a):
    company = tenant_a.company
    type_ = abonement_type(tenant_a.chain)
    with pytest.raises(PrepaidError):
        _sell(company, "abonement", type_, None, type_.price)
    assert not Sale.objects.filter(visit__isnull=True).exists()
    assert not Abonement.objects.exists()


def test_after_many_unknown_codes_the_desk_finds_nothing_for_a_while(tenant_a, one_ratelimit_window):
    from django.core.cache import cache

    cache.clear()
    company = tenant_a.company
    sale = _sell(company, "certificate", certificate_type(tenant_a.chain), None, Decimal("3000"))
    certificate = Certificate.objects.get(sale=sale)
    visit = make_visit(company, [("Стрижка", 2000, 2000)], client=client(tenant_a.chain))
    means = registered_means()["certificate"]
    draft = draft_for_visit(visit)
    assert means.find(draft, certificate.code)
    for attempt in range(means.MISSES_ALLOWED):
        means.find(draft, f"{attempt:012d}")
    assert means.find(draft, certificate.code) == []
    cache.clear()


def test_refunding_a_certificate_sale_in_full_cancels_what_is_left_on_it(tenant_a):
    from frontdesk.finance.checkout import refund_sale

    company = tenant_a.company
    sale = _sell(company, "certificate", certificate_type(tenant_a.chain), None, Decimal("3000"))
    certificate = Certificate.objects.get(sale=sale)
    refund_sale(sale, "1000")
    assert certificate_balance(certificate) == Decimal("3000.00")  # a part: the salon decides
    refund_sale(sale)
    assert certificate_balance(certificate) == 0
    with pytest.raises(PrepaidError):
        from frontdesk.prepaid.services import redeem_certificate

        redeem_certificate(certificate, "1", company=company)


def test_a_place_in_a_group_class_is_paid_with_an_abonement_of_eight_classes(tenant_a):
    from frontdesk.scheduling.classes import add_participant
    from frontdesk.scheduling.tests.factories import make_group_event

    company = tenant_a.company
    holder = client(tenant_a.chain)
    event = make_group_event(company)
    type_ = abonement_type(tenant_a.chain, [event.service], visits=8)
    abonement = Abonement.objects.get(sale=_sell(company, "abonement", type_, holder, type_.price))
    place = add_participant(event, holder)
    [option] = registered_means()["abonement"].options(draft_for_visit(place.visit))
    price = RecordService.objects.get(record=place).price
    result = checkout_visit(place.visit, means=[MeansUse("abonement", option.ref, price)])
    assert result.sale.status == SaleStatus.PAID
    assert abonement_balance(abonement).visits == 7
