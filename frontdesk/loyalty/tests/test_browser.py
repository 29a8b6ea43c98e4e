"""Loyalty in a real browser: the owner sets up a cumulative discount with three steps, and after
enough paid visits the journal's checkout applies it with its reason."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from frontdesk.clients.services import find_or_create_client
from frontdesk.core.scopes import scope
from frontdesk.finance.checkout import checkout_visit
from frontdesk.finance.models import Sale
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk, make_visit
from frontdesk.loyalty.models import Card, Programme
from frontdesk.testing.browser import follow_link
from frontdesk.testing.fixtures import client_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logged_in(new_page, live_server, user):
    session = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    page = new_page()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    return page


def test_a_cumulative_discount_with_three_steps_is_applied_at_the_checkout(new_page, live_server, tenant_a, alice):
    company = tenant_a.company
    page = _logged_in(new_page, live_server, alice)
    page.goto(f"/c/{company.pk}/")
    page.locator("[data-nav=loyalty]").click()
    page.locator("[data-testid=add-programme]").click()
    form = page.locator("[data-testid=programme-form]")
    form.get_by_label("Name").fill("Клуб друзей")
    form.get_by_label("Type").select_option("cumulative")
    form.get_by_label("issue a card automatically on the first paid visit").check()
    rows = form.locator("[data-testid=tier-row]")
    for i, (visits, percent) in enumerate(((1, 5), (2, 10), (4, 15))):
        rows.nth(i).locator("input[name$=threshold]").fill(str(visits))
        rows.nth(i).locator("input[name$=discount_services]").fill(str(percent))
    form.locator("[data-testid=save]").click()
    page.wait_for_selector("[data-testid=programme]")
    assert "Клуб друзей" in page.locator("[data-testid=programme]").inner_text()

    day = timezone.now().astimezone(company.tz).date() + datetime.timedelta(days=1)
    with scope(company.chain):
        programme = Programme.objects.get()
        assert [int(t.threshold) for t in programme.tiers.all()] == [1, 2, 4]
        desk = make_cash_desk(company, "Касса")
        client = find_or_create_client(chain=company.chain, phone="+79161234567", name="Ольга Петрова")
        # Two paid visits earlier: the first issues the card automatically.
        for hour in (11, 13):
            earlier = make_visit(company, [("Укладка", 1000, 1000)], client=client, hour=hour)
            checkout_visit(earlier, payments=[Payment(desk, "cash", "1000")])
        assert Card.objects.filter(client=client).exists()
        visit = make_visit(company, [("Стрижка", 3000, 3000)], client=client, day=day)

    page.goto(f"/c/{company.pk}/journal/?date={day.isoformat()}")
    page.locator(".ec-event", has_text="Ольга Петрова").first.click()
    follow_link(page, page.locator("[data-testid=record-checkout]"))
    expect(page.locator("[data-testid=checkout-form]")).to_be_visible()
    form = page.locator("[data-testid=checkout-form]")
    expect(form.locator("[data-testid=discount]")).to_have_value("300.00")
    expect(form.locator("[data-testid=discount-reason]")).to_contain_text("“Клуб друзей”: 10% (2 paid visits)")
    # The page's script works the total out once it has loaded.
    expect(form.locator("[data-testid=total]")).to_have_text("2,700.00")
    form.locator("[data-pay-rest=cash]").click()
    form.locator("[data-testid=take-payment]").click()
    # Back in the journal, on the visit's day, where the checkout was opened.
    page.wait_for_url(f"**/journal/?date={day.isoformat()}")
    expect(page.locator(".alert-success")).to_contain_text("The visit is checked out.")
    with scope(company.chain):
        sale = Sale.objects.get(visit=visit)
        assert (sale.discount, sale.discount_source) == (Decimal("300.00"), f"loyalty:{programme.pk}")
