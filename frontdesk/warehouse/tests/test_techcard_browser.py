"""A colouring visit in a real browser (strict CSP enforced): the administrator opens its checkout,
unfolds «Materials» to see the dye its technological card will use, changes it to what was really
used, takes the payment, and sees the cost of materials on the sale and the remains drop."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from frontdesk.core.scopes import scope
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.testing.fixtures import client_for
from frontdesk.warehouse.tests.techcard_factories import card, colouring_visit, material, materials_store, stock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_colouring_writes_off_the_dye_by_its_card(new_page, live_server, tenant_a, alice):
    company = tenant_a.company
    with scope(tenant_a.chain):
        make_cash_desk(company)
        store = materials_store(company)
        dye = material(tenant_a.chain, "Краска 6.0 60 мл")
        stock(company, store, dye, 2, "420")  # 120 ml at 7 ₽ a millilitre
        visit, line = colouring_visit(company)
        card(line.service, [(dye, "45")])
    session = client_for(alice).cookies[settings.SESSION_COOKIE_NAME].value
    page = new_page(enforce_csp=True)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    page.goto(f"/c/{company.pk}/finance/checkout/{visit.pk}/")
    materials = page.locator("[data-testid=checkout-materials]")
    amount = materials.locator("[data-testid=material-amount]")
    expect(amount).not_to_be_visible()  # collapsed until unfolded
    materials.locator("summary").click()
    expect(amount).to_have_value("45")
    expect(materials.locator("[data-testid=material-note]")).to_contain_text("120 in stock")
    amount.fill("50")
    materials.locator("[data-testid=materials-save]").click()

    page.locator("[data-pay-rest=cash]").click()
    page.locator("[data-testid=take-payment]").click()
    expect(page.locator("[data-testid=sale-status]")).to_have_text("Paid")
    costs = page.locator("[data-testid=sale-materials]")
    expect(costs.locator("[data-testid=materials-cost]")).to_contain_text("350.00")  # 50 ml × 7 ₽
    expect(costs.locator("[data-testid=material-amount]")).to_have_value("50")

    page.goto(f"/c/{company.pk}/warehouse/{store.pk}/")
    expect(page.locator("[data-testid=remain-quantity]")).to_contain_text("70")
