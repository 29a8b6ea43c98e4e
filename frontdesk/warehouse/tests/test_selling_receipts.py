"""The fiscal receipt of a checkout with goods: services keep the branch's VAT and the payment
object «service»; goods lines carry their own VAT, «commodity», the quantity and a unit price
whose product is the line's sum to the kopeck (the register refuses anything else)."""

from decimal import Decimal

import pytest

from frontdesk.finance.checkout import CounterLine, checkout_visit
from frontdesk.finance.models import LineKind, PaymentMethod
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk, make_visit
from frontdesk.payments.models import FiscalReceipt, FiscalSettings, ReceiptStatus
from frontdesk.warehouse.services import ItemLine, receive
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch(tenant_a):
    FiscalSettings.objects.create(company=tenant_a.company, driver="test", taxation="osn", vat="none", inn="7701234567")
    return tenant_a.company


def test_goods_lines_carry_their_vat_quantity_and_commodity(tenant_a, branch, sent_on_commit):
    desk, store = make_cash_desk(branch), warehouse(branch)
    shampoo = goods(tenant_a.chain, "Шампунь", vat="vat20")
    mask = goods(tenant_a.chain, "Маска", vat="vat10")
    receive(branch, store, supplier(tenant_a.chain), [ItemLine(shampoo, 5, "500"), ItemLine(mask, 5, "300")])
    visit = make_visit(branch, [("Стрижка", 2500, 2500)])
    with sent_on_commit():
        sale = checkout_visit(
            visit,
            discount="100",  # 100 over 2500 + 3 × 1100 + 2 × 700: the goods' shares do not divide evenly
            products=[
                CounterLine(LineKind.GOODS, str(shampoo.pk), shampoo.title, "1100", 3, None, shampoo.vat),
                CounterLine(LineKind.GOODS, str(mask.pk), mask.title, "700", 2, None, mask.vat),
            ],
            payments=[Payment(desk, PaymentMethod.CASH, "7100")],
        ).sale
    receipt = FiscalReceipt.objects.get(sale=sale)
    assert receipt.status == ReceiptStatus.DONE  # the register's own checks passed
    items = receipt.document["items"]
    service = [i for i in items if i["name"] == "Стрижка"]
    assert service == [
        {
            "name": "Стрижка",
            "price": service[0]["price"],
            "quantity": "1",
            "sum": service[0]["sum"],
            "vat": "none",
            "payment_object": "service",
            "payment_method": "full_payment",
        }
    ]
    shampoo_lines = [i for i in items if i["name"] == "Шампунь"]
    assert {i["vat"] for i in shampoo_lines} == {"vat20"} and {i["payment_object"] for i in shampoo_lines} == {
        "commodity"
    }
    assert sum(Decimal(i["quantity"]) for i in shampoo_lines) == 3
    mask_lines = [i for i in items if i["name"] == "Маска"]
    assert {i["vat"] for i in mask_lines} == {"vat10"} and sum(Decimal(i["quantity"]) for i in mask_lines) == 2
    for i in items:
        assert (Decimal(i["price"]) * Decimal(i["quantity"])).quantize(Decimal("0.01")) == Decimal(i["sum"])
    assert sum(Decimal(i["sum"]) for i in items) == Decimal("7100.00")
