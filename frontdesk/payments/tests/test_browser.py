"""A client books online where the service needs a prepayment, pays on the test provider's page
and comes back to a prepaid booking; the money is on the branch's bank account."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from frontdesk.core.scopes import scope
from frontdesk.finance.models import PaymentMethod, Transaction
from frontdesk.payments.tests.factories import prepaying_branch
from frontdesk.scheduling.models import Record
from frontdesk.testing.fixtures import make_tenant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def book_a_prepaid_haircut(page, company, specialist, day):
    """Vera books a haircut at 11:00 on the booking page, which asks for the prepayment; the
    page ends on the provider's payment page."""
    page.goto(f"/book/{company.pk}/?lang=en")
    page.get_by_text("Стрижка").click()
    page.get_by_role("button", name="Continue").click()
    page.locator(f"[data-specialist='{specialist.pk}']").click()
    page.locator(f"[data-day='{day.isoformat()}']").click()
    page.locator("[data-time='11:00']").click()
    page.locator("[data-prepayment='required']").wait_for()
    page.fill("input[name=name]", "Вера")
    page.fill("input[name=phone]", "+7 912 345-67-89")
    page.check("input[name=consent]")
    page.locator("form.bk-form button.bk-btn").click()


def test_a_client_books_pays_the_required_prepayment_and_sees_it_prepaid(new_page):
    tenant = make_tenant("Лаванда", "alice@example.com", "+79000000001", ["Лаванда Арбат"])
    company = tenant.company
    with scope(tenant.chain):
        service, specialist, bank = prepaying_branch(company)
    day = timezone.localdate() + datetime.timedelta(days=3)

    page = new_page(locale="en")
    book_a_prepaid_haircut(page, company, specialist, day)

    # The test provider's page: the amount, pay.
    page.locator("[data-testid=pay-amount]").wait_for()
    assert "2,000" in page.locator("[data-testid=pay-amount]").inner_text().replace("\xa0", ",").replace(" ", ",")
    page.locator("[data-testid=pay]").click()

    page.get_by_text("You are booked!").wait_for()
    page.locator("[data-testid=prepaid]").wait_for()
    with scope(tenant.chain):
        record = Record.objects.get()
        assert record.prepaid
        income = Transaction.objects.get(account=bank)
        assert income.amount == Decimal("2000.00") and income.method == PaymentMethod.ONLINE


def test_a_client_books_a_class_pays_the_required_prepayment_and_holds_the_seat(new_page):
    from frontdesk.finance.tests.factories import make_bank_account
    from frontdesk.payments.models import OnlinePayment, PaymentSettings, PrepaymentRule
    from frontdesk.scheduling.tests.factories import make_group_event

    tenant = make_tenant("Лаванда", "alice@example.com", "+79000000001", ["Лаванда Арбат"])
    company = tenant.company
    with scope(tenant.chain):
        bank = make_bank_account(company)
        PaymentSettings.objects.update_or_create(
            company=company, defaults={"chain_id": company.chain_id, "provider": "test", "account": bank}
        )
        start = (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)
        event = make_group_event(company, start=start, capacity=5)
        event.service.price_min = event.service.price_max = Decimal(800)
        event.service.save()
        PrepaymentRule.objects.create(
            company=company, chain_id=company.chain_id, service=event.service, mode="required"
        )

    page = new_page(locale="en")
    page.goto(f"/book/{company.pk}/?lang=en")
    page.locator(f"[data-class='{event.pk}']").click()
    page.locator("[data-prepayment='required']").wait_for()
    page.fill("input[name=name]", "Вера")
    page.fill("input[name=phone]", "+7 912 345-67-89")
    page.check("input[name=consent]")
    page.locator("form.bk-form button.bk-btn").click()

    page.locator("[data-testid=pay-amount]").wait_for()
    assert "800" in page.locator("[data-testid=pay-amount]").inner_text()
    page.locator("[data-testid=pay]").click()

    page.get_by_text("You are booked!").wait_for()
    page.locator("[data-testid=prepaid]").wait_for()
    with scope(tenant.chain):
        record = Record.objects.get(group_event=event)
        assert record.prepaid and record.status == "booked"
        assert OnlinePayment.objects.get().status == "succeeded"
        assert Transaction.objects.get(account=bank).amount == Decimal("800.00")


def test_an_administrator_cancels_a_prepaid_booking_and_refunds_it_from_prepayments_to_settle(new_page, live_server):
    from django.conf import settings

    from frontdesk.accounts.permissions import Role
    from frontdesk.finance.services import balance
    from frontdesk.payments.models import OnlineRefund, TestProviderRefund
    from frontdesk.testing.fixtures import add_member, client_for

    tenant = make_tenant("Лаванда", "alice@example.com", "+79000000001", ["Лаванда Арбат"])
    company = tenant.company
    with scope(tenant.chain):
        service, specialist, bank = prepaying_branch(company)
    day = timezone.localdate() + datetime.timedelta(days=3)

    # The client books online and pays the required prepayment on the provider's page.
    client_page = new_page(locale="en")
    book_a_prepaid_haircut(client_page, company, specialist, day)
    client_page.locator("[data-testid=pay]").click()
    client_page.locator("[data-testid=prepaid]").wait_for()

    # The administrator cancels the booking in the journal; the dialog offers the refund.
    admin = add_member(tenant, "amy@example.com", Role.ADMINISTRATOR)
    session = client_for(admin).cookies[settings.SESSION_COOKIE_NAME].value
    page = new_page(locale="en", viewport={"width": 1280, "height": 1700})
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page.goto(f"/c/{company.pk}/journal/?date={day.isoformat()}")
    page.locator(".ec-event", has_text="Вера").first.click()
    modal = page.locator("[data-testid=record-modal]")
    modal.wait_for(state="visible")
    modal.get_by_role("button", name="Cancel the record").click()
    modal.get_by_test_id("record-cancel-confirm").click()  # the reason offered: the client asked
    page.locator("[data-testid=record-status]", has_text="Cancelled").wait_for()
    offer = modal.locator("[data-testid=record-prepayment]")
    offer.wait_for()
    assert "Prepaid 2,000.00" in offer.inner_text().replace("\xa0", " ").replace(" ₽", "")

    # Finance → Prepayments to settle: the cancelled booking's 2,000 ₽, refunded in one click.
    page.goto(f"/c/{company.pk}/finance/")
    page.locator("[data-testid=finance-prepayments]").click()
    row = page.locator("[data-testid=prepayment]", has_text="Вера")
    row.wait_for()
    assert "Booking cancelled" in row.inner_text()
    assert "2,000.00" in row.locator("[data-testid=prepayment-left]").inner_text().replace("\xa0", ",")
    row.locator("[data-testid=prepayment-refund]").click()
    page.locator("[data-testid=prepayments-empty]").wait_for()
    notice = page.locator(".alert", has_text="of the prepayment to the payer's card").inner_text()
    assert "Refunded,2,000.00" in notice.replace("\xa0", ",").replace(" ", ",")
    with scope(tenant.chain):
        assert TestProviderRefund.objects.get().amount == Decimal("2000.00")
        assert OnlineRefund.objects.count() == 1 and balance(bank) == 0
