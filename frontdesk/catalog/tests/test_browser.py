"""A manager sets up a category and two services in the browser, finds one and reorders them."""

import pytest
from playwright.sync_api import expect

from frontdesk.accounts.permissions import Role
from frontdesk.catalog.models import Service, ServiceCategory
from frontdesk.testing.fixtures import PASSWORD, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url("**/c/**")


def drag(page, source, target):
    """Drag `source` (a handle) onto `target` with real mouse moves, as a person would."""
    box, goal = source.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] - 5, steps=5)
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 2, steps=15)
    page.mouse.up()


def add_service(page, title, duration, price_from, price_to=""):
    page.click("[data-testid=add-service]")
    page.fill("input[name=title]", title)
    page.fill("input[name=duration]", str(duration))
    page.fill("input[name=price_min]", str(price_from))
    page.fill("input[name=price_max]", str(price_to))
    page.click("[data-testid=save]")
    page.wait_for_selector(f"[data-testid=service] >> text={title}")


def test_manager_sets_up_a_category_with_two_services_and_reorders_them(tenant_a, page):
    company = tenant_a.company
    add_member(tenant_a, "maggie@example.com", Role.MANAGER, companies=tenant_a.companies)
    log_in(page, "maggie@example.com")
    page.goto(f"/c/{company.pk}/settings/services/")
    expect(page.get_by_text("No services yet.")).to_be_visible()

    page.click("[data-testid=add-category]")
    page.fill("input[name=title]", "Стрижки")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=category] >> text=Стрижки")

    add_service(page, "Женская стрижка", 60, 1500, 2500)
    add_service(page, "Мужская стрижка", 45, 1800)
    rows = page.locator("[data-testid=service]")
    expect(rows).to_have_count(2)
    assert "from 1,500 to 2,500" in rows.nth(0).inner_text()

    # The search box narrows the list as one types.
    page.fill("#fd-catalog-search", "мужск")
    expect(page.locator("[data-testid=service]:visible")).to_have_count(1)
    page.fill("#fd-catalog-search", "")

    # Drag the men's haircut above the women's.
    drag(page, rows.nth(1).locator(".fd-svc-handle"), rows.nth(0))
    page.wait_for_function("document.getElementById('fd-categories').dataset.saved === '1'")
    category = ServiceCategory.objects.get(company=company)
    assert list(Service.objects.filter(category=category).values_list("title", flat=True)) == [
        "Мужская стрижка",
        "Женская стрижка",
    ]
    page.reload()
    titles = page.locator("[data-testid=service] .fd-service-title a").all_inner_texts()
    assert titles == ["Мужская стрижка", "Женская стрижка"]


def test_catalogue_fits_a_phone_screen(tenant_a, new_page):
    from frontdesk.catalog.tests.factories import make_category, make_service

    make_service(make_category(tenant_a.company, "Маникюр"), "Маникюр с покрытием гель-лаком", 90, 2800)
    page = new_page(viewport={"width": 360, "height": 740})
    log_in(page, tenant_a.owner.email)
    page.goto(f"/c/{tenant_a.company.pk}/settings/services/")
    page.wait_for_selector("[data-testid=service]")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
