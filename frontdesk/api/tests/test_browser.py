"""In a browser: an owner issues a partner token on a phone, copies it, and it works."""

import pytest
from playwright.sync_api import expect

from frontdesk.api.tests.conftest import ApiClient
from frontdesk.testing.browser import has_no_horizontal_scroll, log_in
from frontdesk.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_owner_issues_a_token_on_a_phone_and_uses_it(tenant_a, new_page):
    page = new_page(viewport={"width": 360, "height": 740})
    log_in(page, tenant_a.owner.email, PASSWORD)
    page.goto(f"/c/{tenant_a.company.pk}/settings/integrations/")
    page.fill("input[name=name]", "Site widget")
    page.get_by_role("button", name="Issue", exact=True).click()
    token = page.get_by_test_id("new-token").inner_text().strip()
    assert has_no_horizontal_scroll(page, 360)
    assert ApiClient(token).get("/api/v1/companies").status_code == 200
    page.reload()
    assert page.get_by_test_id("new-token").count() == 0
    expect(page.get_by_text("Site widget")).to_be_visible()
