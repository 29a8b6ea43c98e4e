"""Fiscal receipts: every checkout, debt payment and refund gets exactly one receipt from the
branch's register, with the 54-FZ fields, and the client gets it by email when they asked."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from frontdesk.clients.services import find_or_create_client
from frontdesk.finance.checkout import checkout_visit, pay_sale, refund_sale
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.models import PaymentMethod
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_bank_account, make_cash_desk, make_visit
from frontdesk.payments.fiscal import TestRegister
from frontdesk.payments.models import (
    FiscalReceipt,
    FiscalSettings,
    FiscalShift,
    ReceiptOperation,
    ReceiptStatus,
    TestRegisterDocument,
)
from frontdesk.payments.receipts import allocate, deliver_receipt, deliver_waiting
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch(tenant_a):
    FiscalSettings.objects.create(
        company=tenant_a.company, driver="test", taxation="usn_income", vat="none", inn="7701234567"
    )
    return tenant_a.company


@pytest.fixture
def desk(branch):
    return make_cash_desk(branch)


@pytest.fixture
def bank(branch):
    return make_bank_account(branch)


@pytest.fixture
def visit(branch):
    client = find_or_create_client(chain=branch.chain, phone="+79161112233", name="Ольга", email="olga@example.com")
    return make_visit(branch, [("Стрижка", 2500, 3500), ("Укладка", 1000, 1000)], client=client)


def test_a_split_checkout_prints_one_receipt_and_emails_it(visit, desk, bank, amy, smtp_inbox, sent_on_commit):
    with sent_on_commit():
        sale = checkout_visit(
            visit,
            discount="500",
            payments=[Payment(desk, PaymentMethod.CASH, "1000"), Payment(bank, PaymentMethod.CARD, "2000")],
            user=amy,
            receipt_email="olga@example.com",
        ).sale

    receipt = FiscalReceipt.objects.get(sale=sale)
    assert receipt.status == ReceiptStatus.DONE
    assert receipt.operation == ReceiptOperation.SELL
    doc = receipt.document
    assert doc["total"] == "3000.00" and doc["taxation"] == "usn_income" and doc["inn"] == "7701234567"
    assert sum(Decimal(i["sum"]) for i in doc["items"]) == Decimal("3000.00")
    assert {i["name"] for i in doc["items"]} == {"Стрижка", "Укладка"}
    assert all(i["payment_method"] == "full_payment" and i["payment_object"] == "service" for i in doc["items"])
    assert {p["type"]: p["sum"] for p in doc["payments"]} == {"cash": "1000.00", "electronic": "2000.00"}
    assert doc["customer_email"] == "olga@example.com" and doc["cashier"]
    assert receipt.fiscal_document_number == "1" and receipt.fiscal_sign and receipt.fn_number
    assert receipt.transactions.count() == 2
    bodies = smtp_inbox.bodies_to("olga@example.com")
    assert len(bodies) == 1 and receipt.fiscal_sign in bodies[0] and "3000.00" in bodies[0]


def test_a_receipt_is_emailed_only_when_the_client_asked(visit, desk, smtp_inbox, sent_on_commit):
    with sent_on_commit():
        sale = checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "3500")]).sale
    assert FiscalReceipt.objects.get(sale=sale).status == ReceiptStatus.DONE
    assert smtp_inbox.messages == []


def test_a_refund_prints_one_refund_receipt_for_what_was_given_back(visit, desk, bank, smtp_inbox, sent_on_commit):
    with sent_on_commit():
        sale = checkout_visit(
            visit, payments=[Payment(desk, PaymentMethod.CASH, "1500"), Payment(bank, PaymentMethod.CARD, "2000")]
        ).sale
    card = sale.transactions.get(method=PaymentMethod.CARD)
    with sent_on_commit():
        refund_sale(sale, "700", payment=card, receipt_email="olga@example.com")

    refund = FiscalReceipt.objects.get(sale=sale, operation=ReceiptOperation.SELL_REFUND)
    assert FiscalReceipt.objects.filter(sale=sale).count() == 2
    assert refund.status == ReceiptStatus.DONE and refund.total == Decimal("700.00")
    assert refund.document["payments"] == [{"type": "electronic", "sum": "700.00"}]
    assert sum(Decimal(i["sum"]) for i in refund.document["items"]) == Decimal("700.00")
    assert refund.fiscal_document_number == "2"
    assert len(smtp_inbox.bodies_to("olga@example.com")) == 1


def test_a_partial_payment_prints_the_debt_as_credit_and_its_payment_later(visit, desk, sent_on_commit):
    with sent_on_commit():
        sale = checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "1000")]).sale
    first = FiscalReceipt.objects.get(sale=sale)
    assert {p["type"]: p["sum"] for p in first.document["payments"]} == {"cash": "1000.00", "credit": "2500.00"}
    assert {i["payment_method"] for i in first.document["items"]} == {"partial_payment"}

    with sent_on_commit():
        pay_sale(sale, [Payment(desk, PaymentMethod.CASH, "2500")])
    second = FiscalReceipt.objects.filter(sale=sale).exclude(pk=first.pk).get()
    assert second.total == Decimal("2500.00")
    assert {i["payment_method"] for i in second.document["items"]} == {"credit_payment"}


def test_a_refused_checkout_leaves_no_receipt(visit, desk, sent_on_commit):
    with pytest.raises(FinanceError), sent_on_commit():
        checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "99999")])
    assert not FiscalReceipt.objects.exists() and not TestRegisterDocument.objects.exists()


def test_a_branch_without_a_register_prints_nothing(tenant_a, sent_on_commit):
    company = tenant_a.company
    visit = make_visit(company)
    with sent_on_commit():
        checkout_visit(visit, payments=[Payment(make_cash_desk(company), PaymentMethod.CASH, "2500")])
    assert not FiscalReceipt.objects.exists()


def test_delivering_a_receipt_again_neither_prints_nor_emails_it_twice(visit, desk, smtp_inbox, sent_on_commit):
    with sent_on_commit():
        sale = checkout_visit(
            visit, payments=[Payment(desk, PaymentMethod.CASH, "3500")], receipt_email="o@example.com"
        ).sale
    receipt = FiscalReceipt.objects.get(sale=sale)
    # A worker that died after the register answered but before saving: the receipt looks pending.
    FiscalReceipt.objects.filter(pk=receipt.pk).update(status=ReceiptStatus.PENDING, fiscal_document_number="")
    again = deliver_receipt(receipt.pk)
    assert again.status == ReceiptStatus.DONE and again.fiscal_document_number == receipt.fiscal_document_number
    assert TestRegisterDocument.objects.count() == 1
    assert len(smtp_inbox.bodies_to("o@example.com")) == 1


def test_a_receipt_the_worker_never_took_is_sent_by_the_command(visit, desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the task queue was down
        sale = checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "3500")]).sale
    receipt = FiscalReceipt.objects.get(sale=sale)
    assert receipt.status == ReceiptStatus.PENDING
    assert deliver_waiting(older_than_seconds=0) == 1
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.DONE and deliver_waiting(older_than_seconds=0) == 0


def test_closing_the_shift_reports_its_receipts_and_the_next_receipt_opens_a_new_one(
    visit, desk, branch, sent_on_commit
):
    with sent_on_commit():
        checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "3500")])
    register = TestRegister(branch, FiscalSettings.for_company(branch))
    shift = register.close_shift()
    assert shift.number == 1 and shift.receipts_count == 1
    assert shift.report["sell"] == {"count": 1, "total": "3500.00"}
    other = make_visit(branch, hour=15)
    with sent_on_commit():
        sale = checkout_visit(other, payments=[Payment(desk, PaymentMethod.CASH, "2500")]).sale
    assert FiscalReceipt.objects.get(sale=sale).shift_number == 2
    assert FiscalShift.objects.get(closed_at__isnull=True).number == 2


def test_allocation_adds_up_to_the_kopeck():
    parts = allocate(Decimal("100.00"), [Decimal("1"), Decimal("1"), Decimal("1")])
    assert sum(parts) == Decimal("100.00") and sorted(parts) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_the_receipts_page_shows_a_receipt_and_sends_it_by_email(
    visit, desk, tenant_a, alice, smtp_inbox, sent_on_commit
):
    with sent_on_commit():
        sale = checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "3500")]).sale
    receipt = FiscalReceipt.objects.get(sale=sale)
    http = client_for(alice)
    company = tenant_a.company.pk
    with translation.override("en"):
        page = http.get(reverse("payments:receipts", args=[company]), HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200 and b"Registered" in page.content
        detail = http.get(reverse("payments:receipt", args=[company, receipt.pk]))
        assert receipt.fiscal_sign in detail.content.decode()
        bad = http.post(reverse("payments:receipt_email", args=[company, receipt.pk]), {"email": "nope"})
        assert bad.status_code == 400
        sent = http.post(reverse("payments:receipt_email", args=[company, receipt.pk]), {"email": "x@example.com"})
    assert sent.status_code == 302
    assert len(smtp_inbox.bodies_to("x@example.com")) == 1


def test_a_specialist_cannot_open_or_send_receipts(visit, desk, tenant_a, sam, sent_on_commit):
    with sent_on_commit():
        sale = checkout_visit(visit, payments=[Payment(desk, PaymentMethod.CASH, "3500")]).sale
    receipt = FiscalReceipt.objects.get(sale=sale)
    http = client_for(sam)
    company = tenant_a.company.pk
    assert http.get(reverse("payments:receipts", args=[company])).status_code == 403
    response = http.post(reverse("payments:receipt_email", args=[company, receipt.pk]), {"email": "x@example.com"})
    assert response.status_code == 403
    receipt.refresh_from_db()
    assert receipt.emailed_at is None
