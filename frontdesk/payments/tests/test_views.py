"""The back-office pages: the checkout's «email the receipt», the settings of receipts and
online payments, and the public pages that must not exist for what is not theirs."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from frontdesk.finance.models import Sale
from frontdesk.finance.tests.factories import make_bank_account, make_cash_desk, make_visit
from frontdesk.payments.models import FiscalReceipt, FiscalSettings, PaymentSettings, PrepaymentRule
from frontdesk.scheduling.tests.factories import make_service
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


def test_the_checkout_emails_the_receipt_when_ticked_and_refuses_a_bad_address(
    tenant_a, amy, smtp_inbox, django_capture_on_commit_callbacks
):
    company = tenant_a.company
    FiscalSettings.objects.create(company=company, driver="test")
    desk = make_cash_desk(company)
    visit = make_visit(company)
    http = client_for(amy)
    url = reverse("finance:checkout", args=[company.pk, visit.pk])
    form = {"account_cash": desk.pk, "amount_cash": "2500", "send_receipt": "1", "receipt_email": "not-an-email"}
    with translation.override("en"):
        refused = http.post(url, form, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "Enter the email address" in refused.content.decode()
    assert not Sale.objects.exists() and not FiscalReceipt.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = http.post(url, {**form, "receipt_email": "vera@example.com"})
    assert done.status_code == 302
    receipt = FiscalReceipt.objects.get()
    assert receipt.emailed_at is not None
    assert len(smtp_inbox.bodies_to("vera@example.com")) == 1


def test_the_owner_sets_the_register_the_provider_and_prepayment_per_service(tenant_a, alice):
    company = tenant_a.company
    bank = make_bank_account(company)
    service = make_service(company, "Маникюр")
    http = client_for(alice)
    url = reverse("payments:settings", args=[company.pk])
    assert http.get(url).status_code == 200
    data = {
        "fiscal-driver": "test",
        "fiscal-taxation": "usn_income",
        "fiscal-vat": "none",
        "fiscal-inn": "7701234567",
        "online-provider": "test",
        "online-account": bank.pk,
        "online-hold_minutes": "20",
        "online-default_mode": "off",
        f"service_{service.pk}": "required",
    }
    assert http.post(url, data).status_code == 302
    assert FiscalSettings.objects.get(company=company).driver == "test"
    assert PaymentSettings.objects.get(company=company).hold_minutes == 20
    assert PrepaymentRule.objects.get(company=company, service=service).mode == "required"

    bad = http.post(url, {**data, "fiscal-inn": "123", "online-account": "", f"service_{service.pk}": ""})
    assert bad.status_code == 400
    assert FiscalSettings.objects.get(company=company).inn == "7701234567"
    assert PrepaymentRule.objects.filter(service=service).exists()


def test_a_specialist_cannot_change_the_payment_settings(tenant_a, sam):
    url = reverse("payments:settings", args=[tenant_a.company.pk])
    assert client_for(sam).post(url, {"online-provider": "test"}).status_code == 403


def test_public_payment_pages_do_not_exist_for_unknown_ids(tenant_a):
    assert Client().get(reverse("payments:test_pay", args=["test-nope"])).status_code == 404
    assert Client().post(reverse("booking:pay_booking", args=["forged-token"])).status_code == 404


def test_the_sale_page_lists_its_receipts_and_a_debt_payment_can_email_its_own(
    tenant_a, amy, smtp_inbox, django_capture_on_commit_callbacks
):
    from frontdesk.finance.checkout import checkout_visit
    from frontdesk.finance.models import PaymentMethod
    from frontdesk.finance.services import Payment

    company = tenant_a.company
    FiscalSettings.objects.create(company=company, driver="test")
    desk = make_cash_desk(company)
    with django_capture_on_commit_callbacks(execute=True):
        sale = checkout_visit(make_visit(company), payments=[Payment(desk, PaymentMethod.CASH, "1000")]).sale
    http = client_for(amy)
    page = http.get(reverse("finance:sale", args=[company.pk, sale.pk]))
    assert 'data-testid="sale-receipts"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        paid = http.post(
            reverse("finance:sale_pay", args=[company.pk, sale.pk]),
            {"account_cash": desk.pk, "amount_cash": "1500", "send_receipt": "1", "receipt_email": "d@example.com"},
        )
    assert paid.status_code == 302
    assert FiscalReceipt.objects.filter(sale=sale).count() == 2
    assert len(smtp_inbox.bodies_to("d@example.com")) == 1
