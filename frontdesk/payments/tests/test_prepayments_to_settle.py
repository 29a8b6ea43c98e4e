"""«Prepayments to settle»: online advances no checkout will count — a cancelled booking, a
no-show, money that came after the hold was released, the rest of an advance larger than its
sale — are listed and given back through the provider, with the reversing ledger row and the
advance's refund receipt. A booking that stands keeps its advance for its checkout."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation

from frontdesk.accounts.permissions import Level, Section
from frontdesk.booking.services import cancel_visit
from frontdesk.finance.checkout import checkout_visit, refund_sale
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.models import PaymentMethod, Sale, SaleStatus, Transaction
from frontdesk.finance.services import balance
from frontdesk.payments import advances
from frontdesk.payments.models import (
    FiscalReceipt,
    FiscalSettings,
    OnlinePayment,
    OnlineRefund,
    PaymentSettings,
    ReceiptOperation,
    TestProviderPayment,
    TestProviderRefund,
    TestRegisterDocument,
)
from frontdesk.payments.online import refund_key, release_hold
from frontdesk.payments.receipts import deliver_receipt
from frontdesk.payments.tests.factories import book_with_prepayment, prepaying_branch
from frontdesk.payments.tests.stand_ins import YooKassa, serving
from frontdesk.scheduling.models import RecordStatus
from frontdesk.scheduling.services import cancel_record, set_record_status
from frontdesk.testing.concurrency import race
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


def _prepaid(company, *, fiscal=True, hour=11, phone="+79161112233"):
    """A booking prepaid (2000) on the test provider's page: (records, link, payment, bank)."""
    if fiscal:
        FiscalSettings.objects.update_or_create(
            company=company, defaults={"chain_id": company.chain_id, "driver": "test"}
        )
    service, specialist, bank = _branch(company)
    records, link, payment, url = book_with_prepayment(company, service, specialist, hour=hour, phone=phone)
    assert Client().post(url, {"decision": "pay"}).status_code in (200, 302)
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    return records, link, payment, bank


def _branch(company):
    if PaymentSettings.objects.filter(company=company, provider="test").exists():
        from frontdesk.catalog.models import Service
        from frontdesk.staff.models import Specialist

        service = Service.objects.get(company=company, title="Стрижка")
        return service, Specialist.objects.get(name="Мария"), PaymentSettings.for_company(company).account
    return prepaying_branch(company)


def _list_url(company):
    return f"/c/{company.pk}/finance/prepayments/"


def _refund_url(payment):
    return f"/c/{payment.company_id}/finance/prepayments/{payment.pk}/refund/"


def _refund(user, payment, amount="", **extra):
    with translation.override("en"):
        return client_for(user).post(_refund_url(payment), {"amount": amount, **extra})


def _en(user, url):
    with translation.override("en"):
        return client_for(user).get(url + ("&" if "?" in url else "?") + "lang=en").content.decode()


def test_a_cancelled_prepaid_booking_is_listed_and_refunded_from_the_list_which_then_empties(tenant_a, amy):
    company = tenant_a.company
    records, _link, payment, bank = _prepaid(company)
    # While the booking stands, its advance waits for the checkout: nothing to settle.
    assert advances.settle_list(company) == []
    assert "No prepayments to settle" in _en(amy, _list_url(company))

    cancel_record(records[0])
    page = _en(amy, _list_url(company))
    assert 'data-testid="prepayment"' in page and "Booking cancelled" in page and "Ольга" in page
    assert "2,000.00" in page.replace("\xa0", " ")

    response = _refund(amy, payment, "2000", next=_list_url(company))
    assert response.status_code == 302 and response["Location"] == _list_url(company)

    # The provider gave the money back, under the same key scheme as a refund at the cash desk.
    [given] = TestProviderRefund.objects.all()
    assert given.amount == Decimal("2000.00") and given.payment.payment_id == payment.provider_payment_id
    assert given.idempotency_key == refund_key(payment, payment.transaction, 0)
    # The ledger: a reversal of the prepayment, online, on the same account and item, no sale.
    row = Transaction.objects.get(amount__lt=0)
    assert row.amount == Decimal("-2000.00") and row.method == PaymentMethod.ONLINE
    assert row.account == bank and row.item == payment.transaction.item
    assert row.reverses_id == payment.transaction_id and row.sale_id is None
    assert balance(bank) == 0
    recorded = OnlineRefund.objects.get()
    assert (recorded.online_payment, recorded.transaction, recorded.amount) == (payment, row, Decimal("2000.00"))
    # The advance's refund receipt, registered by the test register as a «sell_refund» of a prepayment.
    refund_receipt = FiscalReceipt.objects.get(operation=ReceiptOperation.SELL_REFUND)
    assert refund_receipt.online_payment == payment and list(refund_receipt.transactions.all()) == [row]
    assert refund_receipt.total == Decimal("2000.00")
    assert {item["payment_method"] for item in refund_receipt.document["items"]} == {"full_prepayment"}
    deliver_receipt(refund_receipt.pk)
    assert TestRegisterDocument.objects.filter(external_id=refund_receipt.external_id, operation="sell_refund").exists()

    # The list is empty again, and the refund is not offered twice.
    assert "No prepayments to settle" in _en(amy, _list_url(company))
    again = _refund(amy, payment, "1")
    assert again.status_code == 400 and "At most 0.00 can be refunded." in again.content.decode()
    assert TestProviderRefund.objects.count() == 1


def test_part_of_the_advance_then_the_rest_and_never_more_than_was_paid(tenant_a, amy):
    company = tenant_a.company
    records, _link, payment, bank = _prepaid(company)
    set_record_status(records[0], RecordStatus.NO_SHOW)
    assert "The client did not come" in _en(amy, _list_url(company))

    assert _refund(amy, payment, "500").status_code == 302
    [offer] = advances.settle_list(company)
    assert (offer.paid, offer.refunded, offer.refundable) == (Decimal("2000.00"), Decimal("500.00"), Decimal("1500.00"))
    page = _en(amy, _list_url(company)).replace("\xa0", " ")
    assert "500.00" in page and "1,500.00" in page

    too_much = _refund(amy, payment, "1500.01")
    assert too_much.status_code == 400 and "At most 1,500.00 can be refunded." in too_much.content.decode()
    assert _refund(amy, payment, "abc").status_code == 400
    assert Transaction.objects.filter(amount__lt=0).count() == 1

    assert _refund(amy, payment, "").status_code == 302  # empty: all that is left
    assert sorted(r.amount for r in TestProviderRefund.objects.all()) == [Decimal("500.00"), Decimal("1500.00")]
    keys = {r.idempotency_key for r in OnlineRefund.objects.all()}
    assert keys == {refund_key(payment, payment.transaction, 0), refund_key(payment, payment.transaction, 500)}
    assert balance(bank) == 0 and advances.settle_list(company) == []
    assert FiscalReceipt.objects.filter(operation=ReceiptOperation.SELL_REFUND).count() == 2


def test_a_booking_the_client_cancels_online_is_refunded_from_the_journal_dialog_and_the_client_card(tenant_a, amy):
    company = tenant_a.company
    records, link, payment, _bank = _prepaid(company)
    record_url = f"/c/{company.pk}/journal/records/{records[0].pk}/"
    card_url = f"/c/{company.pk}/clients/{records[0].client_id}/"
    assert "Prepaid" not in _en(amy, record_url)  # a booking that stands: nothing to give back
    assert 'data-testid="card-prepayment"' not in _en(amy, card_url)

    cancel_visit(link)
    dialog = _en(amy, record_url).replace("\xa0", " ")
    assert 'data-testid="record-prepayment"' in dialog and "Prepaid 2,000.00 ₽ — refund" in dialog
    assert f"/finance/prepayments/{payment.pk}/refund/?next=" in dialog
    card = _en(amy, card_url).replace("\xa0", " ")
    assert 'data-testid="card-prepayment"' in card and "Prepaid 2,000.00 ₽ — refund" in card

    # The refund page opened from the card: part of it, back to the card.
    page = _en(amy, _refund_url(payment) + f"?next={card_url}")
    assert "Refund a prepayment" in page and 'value="2000.00"' in page
    response = _refund(amy, payment, "1200", next=card_url)
    assert response.status_code == 302 and response["Location"] == card_url
    card = _en(amy, card_url).replace("\xa0", " ")
    assert "Prepaid 800.00 ₽ — refund" in card
    # A link to another site is not followed after the refund.
    response = _refund(amy, payment, "800", next="https://evil.example/")
    assert response["Location"] == _list_url(company)
    assert 'data-testid="card-prepayment"' not in _en(amy, card_url)


def test_money_that_came_after_the_hold_was_released_is_listed_and_refunded(tenant_a, amy):
    company = tenant_a.company
    FiscalSettings.objects.update_or_create(company=company, defaults={"chain_id": company.chain_id, "driver": "test"})
    service, specialist, bank = prepaying_branch(company)
    records, _link, payment, url = book_with_prepayment(company, service, specialist)
    assert release_hold(payment.pk, now=timezone.now() + datetime.timedelta(hours=1))
    # The payer still had the provider's page open and paid.
    TestProviderPayment.objects.filter(payment_id=payment.provider_payment_id).update(status="pending")
    Client().post(url, {"decision": "pay"})
    payment.refresh_from_db()
    assert payment.status == "succeeded" and balance(bank) == Decimal("2000.00")

    [offer] = advances.settle_list(company)
    assert offer.reason == advances.Reason.RELEASED
    assert "Paid after the booking was released" in _en(amy, _list_url(company))
    assert _refund(amy, payment).status_code == 302
    assert balance(bank) == 0 and advances.settle_list(company) == []


def test_a_booking_that_stands_keeps_its_advance_for_the_checkout(tenant_a, amy):
    company = tenant_a.company
    records, _link, payment, bank = _prepaid(company)
    response = _refund(amy, payment, "100")
    assert response.status_code == 400
    assert "This prepayment waits for its visit" in response.content.decode()
    assert not Transaction.objects.filter(amount__lt=0).exists() and not TestProviderRefund.objects.exists()
    sale = checkout_visit(records[0].visit).sale
    assert sale.status == SaleStatus.PAID and sale.paid == Decimal("2000.00")
    assert advances.settle_list(company) == []


def test_a_refusal_by_the_provider_saves_nothing_and_says_why(tenant_a, amy):
    company = tenant_a.company
    records, _link, payment, bank = _prepaid(company)
    cancel_record(records[0])
    paid = TestProviderPayment.objects.get(payment_id=payment.provider_payment_id)
    TestProviderRefund.objects.create(
        company=company, refund_id="dashboard-1", payment=paid, idempotency_key="dash", amount="1900"
    )
    response = _refund(amy, payment, "500")
    assert response.status_code == 400
    assert (
        "The payment provider refused to refund 500.00: Only 100.00 of the payment is left to refund. "
        "Nothing was refunded." in response.content.decode()
    )
    assert not Transaction.objects.filter(amount__lt=0).exists() and not OnlineRefund.objects.exists()
    assert not FiscalReceipt.objects.filter(operation=ReceiptOperation.SELL_REFUND).exists()
    assert balance(bank) == Decimal("2000.00") and len(advances.settle_list(company)) == 1
    # In Russian for an administrator who reads Russian.
    type(amy).objects.filter(pk=amy.pk).update(language="ru")
    text = client_for(amy).post(_refund_url(payment), {"amount": "500"}).content.decode()
    assert "Платёжный провайдер отказался вернуть 500,00" in text


def test_yookassa_down_saves_nothing_and_a_retry_refunds_once(tenant_a, amy, settings):
    company = tenant_a.company
    with serving(YooKassa()) as yookassa:
        settings.YOOKASSA_API_URL = yookassa.url
        settings.YOOKASSA_WEBHOOK_NETWORKS = ["127.0.0.0/8"]
        settings.PAYMENTS_HTTP_TIMEOUT = 5
        service, specialist, bank = prepaying_branch(company)
        PaymentSettings.objects.filter(company=company).update(
            provider="yookassa", shop_id="shop-1", secret_key="live-secret"
        )
        records, _link, payment, _url = book_with_prepayment(company, service, specialist)
        yookassa.set_status(payment.provider_payment_id, "succeeded")
        import json

        body = json.dumps({"event": "payment.succeeded", "object": {"id": payment.provider_payment_id}})
        Client(REMOTE_ADDR="127.0.0.1").post(f"/payments/webhook/{company.pk}/", body, content_type="application/json")
        payment.refresh_from_db()
        cancel_record(records[0])

        yookassa.fail_next = 1
        response = _refund(amy, payment, "700")
        assert response.status_code == 400
        assert "could not be reached, so 700.00 was not refunded and nothing was saved" in response.content.decode()
        assert not Transaction.objects.filter(amount__lt=0).exists() and balance(bank) == Decimal("2000.00")

        assert _refund(amy, payment, "700").status_code == 302
        [asked, *_rest] = yookassa.requests("POST", "/refunds")[-1:]
        assert asked.headers["Idempotence-Key"] == refund_key(payment, payment.transaction, 0)
        assert asked.body["amount"] == {"value": "700.00", "currency": "RUB"}
        assert yookassa.refunded(payment.provider_payment_id) == Decimal("700")
        assert OnlineRefund.objects.get().provider == "yookassa" and balance(bank) == Decimal("1300.00")


def test_an_advance_larger_than_the_sale_pays_it_and_the_rest_is_refundable(tenant_a, amy):
    company = tenant_a.company
    records, _link, payment, bank = _prepaid(company)
    # A 500 discount after prepaying 2000: the advance pays the 1500 sale, 500 is the client's.
    sale = checkout_visit(records[0].visit, discount="500").sale
    payment.refresh_from_db()
    assert payment.transaction.sale == sale and sale.status == SaleStatus.PAID and sale.debt == 0
    # The checkout receipt counts only what the sale costs as prepaid.
    checkout_receipt = FiscalReceipt.objects.get(sale=sale)
    assert checkout_receipt.document["payments"] == [{"type": "prepaid", "sum": "1500.00"}]

    [offer] = advances.settle_list(company)
    assert offer.reason == advances.Reason.SURPLUS and offer.refundable == Decimal("500.00")
    sale_page = _en(amy, f"/c/{company.pk}/finance/sales/{sale.pk}/").replace("\xa0", " ")
    assert 'data-testid="sale-prepayment"' in sale_page and "Prepaid 500.00 ₽ — refund" in sale_page

    # Not a kopeck of what pays for the sale.
    response = _refund(amy, payment, "500.01")
    assert response.status_code == 400
    assert "At most 500.00 of this prepayment can be refunded" in response.content.decode()
    assert _refund(amy, payment, "500").status_code == 302
    sale.refresh_from_db()
    assert (sale.paid, sale.refunded, sale.status) == (Decimal("1500.00"), Decimal("500.00"), SaleStatus.PAID)
    row = Transaction.objects.get(amount__lt=0)
    assert row.sale == sale and row.reverses_id == payment.transaction_id and balance(bank) == Decimal("1500.00")
    assert TestProviderRefund.objects.get().amount == Decimal("500.00")
    assert FiscalReceipt.objects.get(operation=ReceiptOperation.SELL_REFUND, online_payment=payment).total == Decimal(
        "500.00"
    )
    assert advances.settle_list(company) == []
    with pytest.raises(FinanceError):
        advances.refund_prepayment(payment, "1")
    # The cash desk can still refund the service itself, the rest of the same payment.
    refund_sale(sale, "1500", payment=payment.transaction)
    assert Sale.objects.get(pk=sale.pk).status == SaleStatus.REFUNDED and balance(bank) == 0


def test_an_administrator_without_finance_edit_sees_no_refund_and_is_refused(tenant_a):
    from frontdesk.accounts.permissions import Role
    from frontdesk.testing.fixtures import add_member

    company = tenant_a.company
    records, _link, payment, _bank = _prepaid(company)
    cancel_record(records[0])
    viewer = add_member(tenant_a, "viewer@example.com", Role.ADMINISTRATOR, permissions={Section.FINANCE: Level.VIEW})
    page = _en(viewer, _list_url(company))
    assert 'data-testid="prepayment"' in page and 'data-testid="prepayment-refund"' not in page
    dialog = _en(viewer, f"/c/{company.pk}/journal/records/{records[0].pk}/")
    assert 'data-testid="record-prepayment"' in dialog and "prepayment-refund-open" not in dialog
    assert _refund(viewer, payment, "100").status_code == 403
    assert client_for(viewer).get(_refund_url(payment)).status_code == 403
    assert not TestProviderRefund.objects.exists()

    outsider = add_member(tenant_a, "none@example.com", Role.ADMINISTRATOR, permissions={Section.FINANCE: Level.NONE})
    assert client_for(outsider).get(_list_url(company)).status_code == 403
    assert "record-prepayment" not in _en(outsider, f"/c/{company.pk}/journal/records/{records[0].pk}/")


def test_another_network_cannot_see_or_refund_the_prepayment(tenant_a, tenant_b, amy):
    records, _link, payment, _bank = _prepaid(tenant_a.company)
    cancel_record(records[0])
    stranger = tenant_b.owner
    own = f"/c/{tenant_b.company.pk}/finance/prepayments/{payment.pk}/refund/"
    assert client_for(stranger).get(own).status_code == 404
    assert client_for(stranger).post(own, {"amount": "100"}).status_code == 404
    assert client_for(stranger).post(_refund_url(payment), {"amount": "100"}).status_code in (403, 404)
    assert "Ольга" not in _en(stranger, _list_url(tenant_b.company))
    assert not TestProviderRefund.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("provider", ["test", "yookassa"])
def test_two_refunds_of_one_advance_at_once_never_give_back_more_than_was_paid(tenant_a, settings, provider):
    import json

    from frontdesk.core.scopes import scope

    company = tenant_a.company
    with serving(YooKassa()) as stand_in:
        settings.YOOKASSA_API_URL = stand_in.url
        settings.YOOKASSA_WEBHOOK_NETWORKS = ["127.0.0.0/8"]
        settings.PAYMENTS_HTTP_TIMEOUT = 5
        with scope(company.chain_id):
            if provider == "test":
                records, _link, payment, bank = _prepaid(company, fiscal=False)
            else:
                service, specialist, bank = prepaying_branch(company)
                PaymentSettings.objects.filter(company=company).update(
                    provider="yookassa", shop_id="shop-1", secret_key="live-secret"
                )
                records, _link, payment, _url = book_with_prepayment(company, service, specialist)
                stand_in.set_status(payment.provider_payment_id, "succeeded")
                body = json.dumps({"event": "payment.succeeded", "object": {"id": payment.provider_payment_id}})
                Client(REMOTE_ADDR="127.0.0.1").post(
                    f"/payments/webhook/{company.pk}/", body, content_type="application/json"
                )
            cancel_record(records[0])
            # Other money on the account: its balance is not what stops a second refund.
            from frontdesk.finance.services import item_by_code, post_transaction

            post_transaction(bank, Decimal("5000"), method="transfer", item=item_by_code(company.chain_id, "services"))

        def attempt(i):
            with scope(company.chain_id):
                return advances.refund_prepayment(OnlinePayment.objects.get(pk=payment.pk), "1200")

        outcomes = race(2, attempt, refusals=(FinanceError,))
        assert sorted(o for o, _v in outcomes) == ["ok", "refused"], outcomes
        # Refused by our own check under the lock (it saw the first refund), not by the provider.
        [refusal] = [v for o, v in outcomes if o == "refused"]
        assert refusal.finance_code == "refund_too_big" and refusal.params == {"refundable": Decimal("800.00")}
        with scope(company.chain_id):
            given = (
                sum((r.amount for r in TestProviderRefund.objects.all()), Decimal(0))
                if provider == "test"
                else stand_in.refunded(payment.provider_payment_id)
            )
            assert given == Decimal("1200.00")
            assert OnlineRefund.objects.count() == 1 and balance(bank) == Decimal("5800.00")
            assert Transaction.objects.filter(amount__lt=0).count() == 1


def test_a_refunded_prepayment_shows_in_the_cancellations_and_refunds_report(tenant_a, amy):
    from frontdesk.finance import reports

    company = tenant_a.company
    records, _link, payment, _bank = _prepaid(company)
    cancel_record(records[0])
    assert _refund(amy, payment, "2000").status_code == 302
    today = timezone.localdate()
    report = reports.refunds_report([company], today, today, company.tz)
    assert report.refund_total == Decimal("2000.00") and report.refund_by_method["online"] == Decimal("2000.00")
    [row] = report.refunds
    assert row.client.name == "Ольга" and row.sale_id is None
    page = _en(amy, f"/c/{company.pk}/finance/reports/refunds/?first={today}&last={today}")
    assert 'data-testid="refund"' in page and "Ольга" in page and "prepayment" in page
    xlsx = client_for(amy).get(f"/c/{company.pk}/finance/reports/refunds/?first={today}&last={today}&format=xlsx")
    assert xlsx.status_code == 200


def test_a_partly_refunded_advance_of_a_visit_booked_again_stays_to_settle_and_the_checkout_takes_the_full_price(
    tenant_a, amy
):
    company = tenant_a.company
    records, _link, payment, bank = _prepaid(company)
    cancel_record(records[0])
    assert _refund(amy, payment, "500").status_code == 302
    set_record_status(records[0], RecordStatus.BOOKED)  # the client came back after all

    [offer] = advances.settle_list(company)
    assert offer.reason == advances.Reason.PARTLY_REFUNDED and offer.refundable == Decimal("1500.00")
    assert "Partly refunded; the visit was booked again" in _en(amy, _list_url(company))
    # The checkout does not count money part of which went back: the client pays the full price…
    sale = checkout_visit(records[0].visit).sale
    payment.refresh_from_db()
    assert payment.transaction.sale_id is None and sale.paid == 0 and sale.debt == Decimal("2000.00")
    # …and the rest of the advance is given back from the list.
    assert _refund(amy, payment, "").status_code == 302
    assert advances.settle_list(company) == [] and balance(bank) == 0
