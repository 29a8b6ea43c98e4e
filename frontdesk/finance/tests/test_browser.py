"""The cash desk in a real browser: from the journal's record to a split payment, and the
balances it leaves on the accounts page."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from frontdesk.clients.services import find_or_create_client
from frontdesk.core.scopes import scope
from frontdesk.finance.models import Sale, SaleStatus
from frontdesk.finance.tests.factories import make_bank_account, make_cash_desk, make_visit
from frontdesk.testing.browser import exactly, follow_link
from frontdesk.testing.fixtures import client_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_checkout_from_the_journal_with_split_cash_and_card(new_page, live_server, tenant_a, amy):
    company = tenant_a.company
    day = timezone.now().astimezone(company.tz).date() + datetime.timedelta(days=1)
    with scope(company.chain):
        make_cash_desk(company, "Касса")
        make_bank_account(company, "Эквайринг")
        client = find_or_create_client(chain=company.chain, phone="+79161234567", name="Ольга Петрова")
        visit = make_visit(company, [("Стрижка", 2500, 3500)], client=client, day=day)
    session = client_for(amy).cookies[settings.SESSION_COOKIE_NAME].value
    page = new_page()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page.goto(f"/c/{company.pk}/journal/?date={day.isoformat()}")
    page.locator(".ec-event", has_text="Ольга Петрова").first.click()
    follow_link(page, page.locator("[data-testid=record-checkout]"))
    expect(page.locator("[data-testid=checkout-form]")).to_be_visible()

    form = page.locator("[data-testid=checkout-form]")
    form.get_by_label("Price of Стрижка").fill("3000")
    form.locator("[data-testid=discount]").fill("200")
    # The page's script works the figures out as one types, once it has loaded: wait for them.
    expect(form.locator("[data-testid=total]")).to_have_text("2,800.00")
    form.locator("[data-testid=pay-cash]").fill("1000")
    form.locator("[data-pay-rest=card]").click()  # the card pays the rest
    expect(form.locator("[data-testid=pay-card]")).to_have_value("1800.00")
    expect(form.locator("[data-testid=due]")).to_have_text("0.00")
    form.locator("[data-testid=cash-received]").fill("5000")
    expect(form.locator("[data-testid=change]")).to_have_text("4,000.00")
    form.locator("[data-testid=take-payment]").click()

    # Back in the journal, on the visit's day, where the checkout was opened.
    page.wait_for_url(f"**/journal/?date={day.isoformat()}")
    expect(page.locator(".alert-success")).to_contain_text("Change due: 4,000.00")
    page.locator(".ec-event", has_text="Ольга Петрова").first.click()
    page.locator("[data-testid=record-sale]").click()
    expect(page.locator("[data-testid=sale-status]")).to_have_text("Paid")
    expect(page.locator("[data-testid=sale-payment]")).to_have_count(2)

    page.locator("[data-nav=finance]").click()
    # all() does not wait: read the accounts once the finance page is there.
    expect(page.locator("[data-testid=account]")).to_have_count(2)
    balances = {
        row.get_attribute("data-account"): row.locator("[data-testid=balance]").inner_text()
        for row in page.locator("[data-testid=account]").all()
    }
    assert balances == {"Касса": "1,000.00\u00a0₽", "Эквайринг": "1,800.00\u00a0₽"}
    expect(page.locator("[data-testid=total]")).to_have_text(exactly("2,800.00\u00a0₽"), use_inner_text=True)
    with scope(company.chain):
        assert Sale.objects.get(visit=visit).status == SaleStatus.PAID


def test_refund_part_of_a_card_payment_from_the_sale_page(new_page, live_server, tenant_a, amy):
    from frontdesk.finance.checkout import checkout_visit
    from frontdesk.finance.services import Payment, balance

    company = tenant_a.company
    with scope(company.chain):
        desk = make_cash_desk(company, "Касса")
        bank = make_bank_account(company, "Эквайринг")
        visit = make_visit(company, [("Стрижка", 3000, 3000)])
        sale = checkout_visit(visit, payments=[Payment(desk, "cash", "1000"), Payment(bank, "card", "2000")]).sale
    session = client_for(amy).cookies[settings.SESSION_COOKIE_NAME].value
    page = new_page()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page.goto(f"/c/{company.pk}/finance/sales/{sale.pk}/")
    card_row = page.locator("[data-testid=sale-payment]", has_text="Card")
    card_row.locator("[data-testid=refund-amount]").fill("500")
    card_row.locator("[data-testid=refund]").click()
    page.wait_for_selector("[data-testid=sale-refund]")
    expect(page.locator(".alert-success")).to_contain_text("Refunded 500.00")
    expect(page.locator("[data-testid=sale-refunded]")).to_have_text(exactly("500.00\u00a0₽"), use_inner_text=True)
    expect(page.locator("[data-testid=sale-status]")).to_have_text("Paid")
    with scope(company.chain):
        assert (balance(desk), balance(bank)) == (1000, 1500)


def test_close_the_day_and_read_the_cash_report(new_page, live_server, tenant_a, amy):
    from frontdesk.finance.checkout import checkout_visit
    from frontdesk.finance.services import Payment, open_shift, record_income
    from frontdesk.finance.tests.factories import item

    company = tenant_a.company
    now = timezone.now().astimezone(company.tz)
    with scope(company.chain):
        desk = make_cash_desk(company, "Касса")
        bank = make_bank_account(company, "Эквайринг")
        record_income(
            desk, "1000", item=item(company.chain, "goods"), method="cash", occurred_at=now - datetime.timedelta(days=1)
        )
        open_shift(desk)
        visit = make_visit(company, [("Стрижка", 2000, 2000)], day=now.date() - datetime.timedelta(days=1))
        checkout_visit(visit, payments=[Payment(desk, "cash", "1500"), Payment(bank, "card", "500")])
    session = client_for(amy).cookies[settings.SESSION_COOKIE_NAME].value
    page = new_page()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    # Evening: the administrator counts 2,400 in the drawer where the ledger says 2,500.
    page.goto(f"/c/{company.pk}/finance/accounts/{desk.pk}/")
    page.get_by_label("Counted in the drawer").fill("2400")
    page.locator("[data-testid=close-shift]").click()
    expect(page.locator(".alert-success")).to_contain_text("Discrepancy: -100.00")

    page.locator("[data-testid=finance-reports]").click()
    report = page.locator("[data-testid=cash-report]")
    cash = report.locator("[data-testid=report-account][data-account='Касса']")
    expect(cash.locator("[data-testid=opening]")).to_have_text("1,000.00")
    expect(cash.locator("[data-testid=in-cash]")).to_have_text("1,500.00")
    expect(cash.locator("[data-testid=closing]")).to_have_text("2,500.00")
    card = report.locator("[data-testid=report-account][data-account='Эквайринг']")
    expect(card.locator("[data-testid=in-card]")).to_have_text("500.00")
    expect(card.locator("[data-testid=closing]")).to_have_text("500.00")
    expect(page.locator("[data-testid=report-closing]")).to_have_text(exactly("3,000.00\u00a0₽"), use_inner_text=True)
    shift = page.locator("[data-testid=report-shift]")
    expect(shift.locator("[data-testid=shift-expected]")).to_have_text("2,500.00")
    expect(shift.locator("[data-testid=shift-counted]")).to_have_text("2,400.00")
    expect(shift.locator("[data-testid=shift-discrepancy]")).to_have_text("-100.00")


def test_check_out_a_finished_visit_and_pay_the_debt_from_the_client_card(new_page, live_server, tenant_a, amy):
    company = tenant_a.company
    yesterday = timezone.now().astimezone(company.tz).date() - datetime.timedelta(days=1)
    with scope(company.chain):
        make_cash_desk(company, "Касса")
        client = find_or_create_client(chain=company.chain, phone="+79161234567", name="Ольга Петрова")
        visit = make_visit(company, [("Стрижка", 3000, 3000)], client=client, day=yesterday)
    session = client_for(amy).cookies[settings.SESSION_COOKIE_NAME].value
    page = new_page()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    card_url = f"/c/{company.pk}/clients/{client.pk}/"
    page.goto(card_url)
    page.locator(f"[data-testid=open-visit][data-visit='{visit.pk}'] [data-testid=card-checkout]").click()

    # The client pays part in cash; the rest stays as a debt.
    form = page.locator("[data-testid=checkout-form]")
    form.locator("[data-testid=pay-cash]").fill("1000")
    form.locator("[data-testid=take-payment]").click()
    page.wait_for_url(f"**{card_url}")
    expect(page.locator(".alert-success")).to_contain_text("Still due: 2,000.00")
    expect(page.locator("[data-testid=open-visit]")).to_have_count(0)
    expect(page.locator("[data-testid=open-sale]")).to_have_count(1)

    # The debt is paid from the card too, and the card has nothing open any more.
    page.locator("[data-testid=card-pay-debt]").click()
    page.locator("[data-pay-rest=cash]").click()
    page.locator("[data-testid=pay-debt]").click()
    page.wait_for_url(f"**{card_url}")
    expect(page.locator(".alert-success")).to_contain_text("The payment is taken.")
    expect(page.locator("[data-testid=client-money]")).to_have_count(0)
    expect(page.locator("[data-testid=client-badge-debt]")).to_have_count(0)
    with scope(company.chain):
        sale = Sale.objects.get(visit=visit)
        assert sale.status == SaleStatus.PAID and sale.paid == 3000
