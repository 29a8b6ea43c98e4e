"""Payroll in a real browser: the owner sets a scheme (40 % of services, 10 % of goods), assigns
it, reads the month's lines of the visits checked out and the product sold, pays an advance from
the cash desk, reads the balance and gets the payslip as a PDF."""

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from frontdesk.core.scopes import scope
from frontdesk.payroll.tests.factories import employee, goods_sale, product, service, sold
from frontdesk.testing.fixtures import client_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_set_a_scheme_compute_the_month_pay_an_advance_and_read_the_balance(new_page, live_server, tenant_a, alice):
    company = tenant_a.company
    today = timezone.localtime(timezone.now(), company.tz).date()
    with scope(tenant_a.chain):
        anna = employee(company, "Анна")
        sold(company, anna, service(company, "Colouring", 5000), today, discount=500, hour=9)
        sold(company, anna, service(company, "Haircut", 2000), today, hour=11)
        goods_sale(company, anna, product(tenant_a.chain, "Shampoo", "450"), today, quantity=2)
    session = client_for(alice).cookies[settings.SESSION_COOKIE_NAME].value
    page = new_page()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    page.goto(f"/c/{company.pk}/payroll/")
    page.locator("[data-testid=tab-schemes]").click()
    page.locator("[data-testid=add-scheme]").click()
    page.locator("#id_title").fill("Master 40 %")
    page.locator("#id_service_percent").fill("40")
    page.locator("#id_goods_percent").fill("10")
    page.locator("[data-testid=save]").click()
    expect(page.locator(".alert-success")).to_contain_text("“Master 40 %” is saved.")

    page.locator("[data-testid=tab-calculation]").click()
    page.get_by_role("link", name="Анна").click()
    page.locator("#id_scheme").select_option(label="Master 40 %")
    page.locator("[data-testid=assign]").click()
    expect(page.locator("[data-testid=assignment]")).to_have_count(1)

    page.locator("[data-testid=tab-calculation]").click()
    expect(page.locator("[data-testid=employee-total]")).to_contain_text("2,690.00")
    expect(page.locator("[data-testid=employee-goods]")).to_contain_text("90.00")
    page.get_by_role("link", name="Анна").click()
    lines = page.locator("[data-testid=payroll-line]")
    expect(lines).to_have_count(3)
    expect(lines.nth(0)).to_contain_text("4,500.00 ₽ after discount × 40 % = 1,800.00 ₽")
    expect(lines.nth(1)).to_contain_text("Haircut")
    expect(lines.nth(2)).to_contain_text("Shampoo ×2")
    expect(lines.nth(2)).to_contain_text("900.00 ₽ × 10 % = 90.00 ₽")

    form = page.locator("[data-testid=payout-form]")
    form.locator("#id_account").select_option(label="Касса")
    form.locator("#id_kind").select_option("advance")
    form.locator("#id_amount").fill("1000")
    page.locator("[data-testid=pay]").click()
    expect(page.locator("body")).to_contain_text("Advance of 1,000.00 ₽ paid to Анна.")
    expect(page.locator("[data-testid=balance]")).to_contain_text("-1,000.00")
    expect(page.locator("[data-testid=open-accrued]")).to_contain_text("2,690.00")
    expect(page.locator("[data-testid=ledger-row]")).to_have_count(1)

    payslip = page.request.get(live_server.url + page.locator("[data-testid=payslip]").get_attribute("href"))
    assert payslip.status == 200 and payslip.headers["content-type"] == "application/pdf"
    assert payslip.body().startswith(b"%PDF")
