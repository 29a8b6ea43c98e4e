"""Online prepayment of bookings through the test provider: the payer pays or declines on the
provider's page, the signed webhook settles the payment once, forged input changes nothing, and
an unpaid hold gives the time back."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frontdesk.booking.services import book_online
from frontdesk.finance.models import PaymentMethod, Transaction
from frontdesk.payments.models import (
    FiscalReceipt,
    FiscalSettings,
    OnlinePayment,
    OnlinePaymentStatus,
    PaymentSettings,
    PrepaymentMode,
    PrepaymentRule,
    TestProviderPayment,
)
from frontdesk.payments.online import prepayment_mode, release_unpaid_holds
from frontdesk.payments.providers import notification_body, sign
from frontdesk.payments.tests.factories import book_with_prepayment, prepaying_branch, slot
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.testing.concurrency import race

pytestmark = pytest.mark.django_db

SIGNATURE = "HTTP_X_FRONTDESK_SIGNATURE"


@pytest.fixture
def branch(tenant_a):
    return tenant_a.company


@pytest.fixture
def setup(branch):
    FiscalSettings.objects.create(company=branch, driver="test")
    return prepaying_branch(branch)


def _webhook(company, payment, status="succeeded", amount=None, secret=None):
    body = notification_body(payment.provider_payment_id, status, amount or payment.amount, "RUB", {})
    secret = secret or PaymentSettings.objects.get(company=company).webhook_secret
    url = reverse("payments:webhook", args=[company.pk])
    return Client().post(url, body, content_type="application/json", **{SIGNATURE: sign(secret, body)})


def test_a_required_prepayment_sends_the_client_to_pay_and_holds_the_time(branch, setup):
    records, link, payment, url = book_with_prepayment(branch, *setup[:2])
    assert url == reverse("payments:test_pay", args=[payment.provider_payment_id])
    assert payment.required and payment.amount == Decimal("2000.00")
    assert payment.hold_until > timezone.now() + datetime.timedelta(minutes=29)
    page = Client().get(url)
    assert page.status_code == 200 and "2 000" in page.content.decode().replace("\xa0", " ")


def test_paying_on_the_provider_page_posts_one_online_income_and_marks_the_record_prepaid(branch, setup):
    service, specialist, bank = setup
    records, link, payment, url = book_with_prepayment(branch, service, specialist)
    response = Client().post(url, {"decision": "pay"})
    assert response.status_code == 302 and response["Location"].endswith("?paid=1")

    payment.refresh_from_db()
    assert payment.status == OnlinePaymentStatus.SUCCEEDED
    income = Transaction.objects.get(account=bank)
    assert income.amount == Decimal("2000.00") and income.method == PaymentMethod.ONLINE
    assert income.item.code == "services" and payment.transaction == income
    assert Record.objects.get(pk=records[0].pk).prepaid
    receipt = FiscalReceipt.objects.get(online_payment=payment)
    assert {i["payment_method"] for i in receipt.document["items"]} == {"full_prepayment"}
    assert receipt.document["payments"] == [{"type": "electronic", "sum": "2000.00"}]
    # The booking's page says so, and a second click on «Pay» takes nothing more.
    my = Client().get(reverse("booking:my", args=[link.token]) + "?paid=1&lang=en")
    assert "Prepaid online" in my.content.decode()
    Client().post(url, {"decision": "pay"})
    assert Transaction.objects.filter(account=bank).count() == 1


def test_declining_a_required_prepayment_releases_the_time(branch, setup):
    service, specialist, _bank = setup
    records, _link, payment, url = book_with_prepayment(branch, service, specialist)
    Client().post(url, {"decision": "decline"})
    payment.refresh_from_db()
    assert payment.status == OnlinePaymentStatus.CANCELED
    assert Record.objects.get(pk=records[0].pk).status == RecordStatus.CANCELLED
    assert not Transaction.objects.exists()
    # The slot is free for the next client.
    again, _link = book_online(
        company=branch,
        segments=[Segment(service.pk, specialist.pk)],
        start=slot(branch),
        name="Ира",
        phone="+79160000000",
    )
    assert again


def test_a_replayed_webhook_changes_nothing(branch, setup):
    _records, _link, payment, _url = book_with_prepayment(branch, *setup[:2])
    assert _webhook(branch, payment).status_code == 200
    assert _webhook(branch, payment).status_code == 200
    assert Transaction.objects.count() == 1 and FiscalReceipt.objects.count() == 1


@pytest.mark.parametrize(
    "forge",
    ["wrong_secret", "no_signature", "not_json", "unknown_payment", "other_amount", "status_mismatch", "other_branch"],
)
def test_a_forged_or_malformed_webhook_gets_400_and_changes_nothing(branch, setup, tenant_b, forge):
    _records, _link, payment, _url = book_with_prepayment(branch, *setup[:2])
    secret = PaymentSettings.objects.get(company=branch).webhook_secret
    body = notification_body(payment.provider_payment_id, "succeeded", payment.amount, "RUB", {})
    headers = {SIGNATURE: sign(secret, body)}
    target = branch
    if forge == "wrong_secret":
        headers = {SIGNATURE: sign("guessed", body)}
    elif forge == "no_signature":
        headers = {}
    elif forge == "not_json":
        body = b"{not json"
        headers = {SIGNATURE: sign(secret, body)}
    elif forge == "unknown_payment":
        body = notification_body("test-000", "succeeded", payment.amount, "RUB", {})
        headers = {SIGNATURE: sign(secret, body)}
    elif forge == "other_amount":
        body = notification_body(payment.provider_payment_id, "succeeded", "1.00", "RUB", {})
        headers = {SIGNATURE: sign(secret, body)}
    elif forge == "status_mismatch":
        data = json.loads(body)
        data["object"]["status"] = "canceled"
        body = json.dumps(data).encode()
        headers = {SIGNATURE: sign(secret, body)}
    elif forge == "other_branch":
        target = tenant_b.company  # no provider there; and its secret is not ours
    url = reverse("payments:webhook", args=[target.pk])
    response = Client().post(url, body, content_type="application/json", **headers)
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == OnlinePaymentStatus.PENDING
    assert not Transaction.objects.exists() and not Record.objects.filter(prepaid=True).exists()


def test_the_webhook_refuses_other_methods_and_unknown_branches(branch, setup):
    assert Client().get(reverse("payments:webhook", args=[branch.pk])).status_code == 405
    assert (
        Client().post(reverse("payments:webhook", args=[999999]), b"{}", content_type="application/json").status_code
        == 400
    )


def test_the_webhook_is_rate_limited(branch, setup, one_ratelimit_window):
    url = reverse("payments:webhook", args=[branch.pk])
    codes = {Client().post(url, b"{}", content_type="application/json").status_code for _ in range(125)}
    assert codes == {400, 429}


def test_an_unpaid_hold_is_released_after_its_time_and_the_payer_can_no_longer_pay(branch, setup):
    service, specialist, _bank = setup
    records, _link, payment, url = book_with_prepayment(branch, service, specialist)
    assert release_unpaid_holds() == 0  # not yet
    OnlinePayment.objects.filter(pk=payment.pk).update(hold_until=timezone.now() - datetime.timedelta(seconds=1))
    call_command("release_unpaid_holds", stdout=io.StringIO())

    payment.refresh_from_db()
    assert payment.status == OnlinePaymentStatus.CANCELED
    assert Record.objects.get(pk=records[0].pk).status == RecordStatus.CANCELLED
    assert TestProviderPayment.objects.get(payment_id=payment.provider_payment_id).status == "canceled"
    Client().post(url, {"decision": "pay"})
    assert not Transaction.objects.exists()
    assert release_unpaid_holds() == 0
    book_online(
        company=branch,
        segments=[Segment(service.pk, specialist.pk)],
        start=slot(branch),
        name="Ира",
        phone="+79160000000",
    )


def test_an_allowed_prepayment_is_offered_on_the_booking_page_without_a_hold(branch):
    service, specialist, bank = prepaying_branch(branch, mode="allowed")
    records, link, payment, _url = book_with_prepayment(branch, service, specialist)
    assert payment is None
    page = Client().get(reverse("booking:my", args=[link.token]) + "?lang=en")
    assert "Pay online" in page.content.decode()
    go = Client().post(reverse("booking:pay_booking", args=[link.token]))
    payment = OnlinePayment.objects.get(visit=records[0].visit)
    assert go["Location"] == reverse("payments:test_pay", args=[payment.provider_payment_id])
    assert not payment.required and payment.hold_until is None
    Client().post(go["Location"], {"decision": "pay"})
    assert Transaction.objects.get(account=bank).amount == Decimal("2000.00")
    assert Record.objects.get(pk=records[0].pk).status == RecordStatus.BOOKED


def test_the_most_specific_rule_decides_and_no_provider_means_no_prepayment(branch):
    service, specialist, _bank = prepaying_branch(branch, mode="allowed")
    assert prepayment_mode(branch, [(service.pk, specialist.pk)]) == PrepaymentMode.ALLOWED
    PrepaymentRule.objects.create(company=branch, specialist=specialist, mode="required")
    assert prepayment_mode(branch, [(service.pk, specialist.pk)]) == PrepaymentMode.ALLOWED  # service wins
    PrepaymentRule.objects.create(company=branch, service=service, specialist=specialist, mode="off")
    assert prepayment_mode(branch, [(service.pk, specialist.pk)]) == PrepaymentMode.OFF
    assert prepayment_mode(branch, [(None, specialist.pk)]) == PrepaymentMode.REQUIRED
    PaymentSettings.objects.filter(company=branch).update(provider="off")
    assert prepayment_mode(branch, [(None, specialist.pk)]) == PrepaymentMode.OFF


@pytest.mark.django_db(transaction=True)
def test_two_webhooks_for_one_payment_at_once_post_one_transaction(tenant_a):
    from frontdesk.core.scopes import scope
    from frontdesk.payments.online import handle_webhook

    branch = tenant_a.company
    with scope(branch.chain_id):
        service, specialist, bank = prepaying_branch(branch)
        _records, _link, payment, _url = book_with_prepayment(branch, service, specialist)
        secret = PaymentSettings.objects.get(company=branch).webhook_secret
    body = notification_body(payment.provider_payment_id, "succeeded", payment.amount, "RUB", {})
    headers = {SIGNATURE: sign(secret, body)}

    outcomes = race(2, lambda i: handle_webhook(branch.pk, body, headers).status, refusals=())
    assert [o for o, _v in outcomes] == ["ok", "ok"], outcomes
    assert Transaction.unscoped.filter(account=bank).count() == 1
    assert OnlinePayment.unscoped.get(pk=payment.pk).status == OnlinePaymentStatus.SUCCEEDED


def test_a_checkout_counts_the_online_prepayment_and_its_receipt_says_prepaid(branch, setup, sent_on_commit):
    from frontdesk.finance.checkout import checkout_visit
    from frontdesk.finance.models import SaleStatus

    service, specialist, bank = setup
    records, _link, payment, url = book_with_prepayment(branch, service, specialist)
    with sent_on_commit():
        Client().post(url, {"decision": "pay"})
        sale = checkout_visit(records[0].visit).sale
    assert sale.status == SaleStatus.PAID and sale.paid == Decimal("2000.00")
    assert Transaction.objects.get(account=bank).sale == sale  # the same money, now on the sale
    final = FiscalReceipt.objects.get(sale=sale)
    assert final.document["payments"] == [{"type": "prepaid", "sum": "2000.00"}]
    assert {i["payment_method"] for i in final.document["items"]} == {"full_payment"}


def test_a_hold_is_scheduled_for_release_on_a_backend_that_can_defer(branch, setup, settings, sent_on_commit):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with sent_on_commit():
        _records, _link, payment, _url = book_with_prepayment(branch, *setup[:2])
    task = DBTaskResult.objects.get(task_path__endswith="release_hold_task")
    assert task.run_after == payment.hold_until and task.args_kwargs["args"][0] == payment.pk


def test_a_hold_running_out_after_the_client_was_checked_out_keeps_the_visit(branch, setup):
    from frontdesk.finance.checkout import checkout_visit
    from frontdesk.finance.services import Payment
    from frontdesk.finance.tests.factories import make_cash_desk

    records, _link, payment, _url = book_with_prepayment(branch, *setup[:2])
    checkout_visit(records[0].visit, payments=[Payment(make_cash_desk(branch), PaymentMethod.CASH, "2000")])
    OnlinePayment.objects.filter(pk=payment.pk).update(hold_until=timezone.now() - datetime.timedelta(seconds=1))
    assert release_unpaid_holds() == 1
    assert Record.objects.get(pk=records[0].pk).status == RecordStatus.COMPLETED
