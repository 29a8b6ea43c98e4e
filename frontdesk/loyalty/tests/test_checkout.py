"""Loyalty at the visit's checkout page: the discount offered with its reason, bonuses paying part
of the check, accrual after the payment, and a refund giving both back in proportion."""

from decimal import Decimal

import pytest

from frontdesk.finance.checkout import refund_means, refund_sale
from frontdesk.finance.models import MeansPayment, Sale, SaleStatus
from frontdesk.loyalty import ledger
from frontdesk.loyalty.models import BonusOperation, OperationKind
from frontdesk.loyalty.tests import factories as f
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


def _post(http, company, visit, **fields):
    line = visit.records.get().lines.get()
    data = {f"price_{line.pk}": str(line.price), "account_cash": f.desk(company).pk, **fields}
    return http.post(f"/c/{company.pk}/finance/checkout/{visit.pk}/", data)


def test_the_checkout_offers_the_cumulative_discount_with_its_reason(tenant_a, amy):
    company = tenant_a.company
    programme = f.cumulative(tenant_a.chain)
    card = f.member(tenant_a.chain, [programme])
    for _ in range(2):
        f.paid_visit(company, card.client)
    visit = f.visit(company, card.client, 2000)
    http = client_for(amy)
    page = http.get(f"/c/{company.pk}/finance/checkout/{visit.pk}/").content.decode()
    assert "“Клуб”: 5% (2 paid visits)" in page and 'value="100.00"' in page
    assert _post(http, company, visit, discount="100.00", amount_cash="1900").status_code == 302
    sale = Sale.objects.get(visit=visit)
    assert (sale.discount, sale.discount_source) == (Decimal("100.00"), f"loyalty:{programme.pk}")


def test_bonuses_pay_up_to_the_programmes_share_and_the_rest_earns_cashback(tenant_a, amy):
    company = tenant_a.company
    card = f.member(tenant_a.chain, [f.bonus(tenant_a.chain, welcome_bonus=Decimal("800"))])
    visit = f.visit(company, card.client, 1000)
    http = client_for(amy)
    page = http.get(f"/c/{company.pk}/finance/checkout/{visit.pk}/").content.decode()
    assert "means[bonus:]" in page and "up to 50% of the check" in page
    refused = _post(http, company, visit, **{"means[bonus:]": "600", "amount_cash": "400"})
    assert refused.status_code == 400 and "at most 500.00" in refused.content.decode()
    assert not Sale.objects.filter(visit=visit).exists() and ledger.balance(card) == Decimal("800.00")
    assert _post(http, company, visit, **{"means[bonus:]": "500", "amount_cash": "500"}).status_code == 302
    sale = Sale.objects.get(visit=visit)
    assert (sale.paid, sale.status) == (Decimal("1000.00"), SaleStatus.PAID)
    redemption = BonusOperation.objects.get(card=card, kind=OperationKind.REDEMPTION)
    accrual = BonusOperation.objects.get(card=card, kind=OperationKind.ACCRUAL)
    assert (redemption.sale, redemption.amount) == (sale, Decimal("-500.00"))
    assert (accrual.sale, accrual.amount) == (sale, Decimal("50.00"))  # 10% of the 500 paid in money
    assert ledger.balance(card) == Decimal("350.00")


def test_a_refund_gives_back_bonuses_and_takes_back_cashback_in_proportion(tenant_a, amy):
    company = tenant_a.company
    card = f.member(tenant_a.chain, [f.bonus(tenant_a.chain, welcome_bonus=Decimal("300"))])
    visit = f.visit(company, card.client, 1000)
    _post(client_for(amy), company, visit, **{"means[bonus:]": "300", "amount_cash": "700"})
    sale = Sale.objects.get(visit=visit)
    assert ledger.balance(card) == Decimal("70.00")
    refund_sale(sale, Decimal("350"))  # half the money back
    assert -BonusOperation.objects.get(kind=OperationKind.ACCRUAL_REVERSAL).amount == Decimal("35.00")
    assert BonusOperation.objects.get(kind=OperationKind.REDEMPTION_RETURN).amount == Decimal("150.00")
    assert ledger.balance(card) == Decimal("185.00")
    payment = MeansPayment.objects.get(sale=sale, amount__gt=0)
    refund_means(payment)  # the rest of the bonuses back at the desk
    refund_sale(sale)
    sale.refresh_from_db()
    assert sale.status == SaleStatus.REFUNDED
    assert ledger.balance(card) == Decimal("300.00")


def test_concurrent_checkouts_cannot_spend_one_balance_twice_through_the_means(tenant_a):
    """Two sales paid from one card inside one transaction each: the second sees the first."""
    from frontdesk.finance.checkout import MeansUse, checkout_visit
    from frontdesk.finance.errors import FinanceError
    from frontdesk.finance.means import MeansError

    company = tenant_a.company
    card = f.member(tenant_a.chain, [f.bonus(tenant_a.chain, welcome_bonus=Decimal("400"), redeem_percent=100)])
    first, second = f.visit(company, card.client, 1000), f.visit(company, card.client, 1000)
    checkout_visit(first, means=[MeansUse("bonus", "", "300")])
    with pytest.raises((MeansError, FinanceError)):
        checkout_visit(second, means=[MeansUse("bonus", "", "300")])
    assert not Sale.objects.filter(visit=second).exists()
    assert ledger.balance(card) == Decimal("100.00")
