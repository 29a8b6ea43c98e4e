"""Certificates and abonements in a real browser: a certificate sold at one branch's counter
pays part of a visit in the other branch; an abonement of 8 classes sold at the counter, a class
booked online and checked out with it, and 7 left in the journal and on the booking page."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from frontdesk.clients.services import find_or_create_client
from frontdesk.core.scopes import scope
from frontdesk.finance.tests.factories import make_cash_desk, make_visit
from frontdesk.prepaid.models import Certificate
from frontdesk.prepaid.services import certificate_balance
from frontdesk.prepaid.tests.factories import abonement_type, certificate_type
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.testing.browser import follow_link
from frontdesk.testing.fixtures import client_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logged_in(new_page, live_server, user):
    session = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    page = new_page()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    return page


def test_sell_a_certificate_and_pay_part_of_a_visit_with_it_in_another_branch(new_page, live_server, tenant_a, alice):
    arbat, sokol = tenant_a.companies
    day = timezone.now().astimezone(sokol.tz).date() + datetime.timedelta(days=1)
    with scope(tenant_a.chain):
        make_cash_desk(arbat, "Касса Арбат")
        make_cash_desk(sokol, "Касса Сокол")
        type_ = certificate_type(tenant_a.chain)
        guest = find_or_create_client(chain=tenant_a.chain, phone="+79161234567", name="Ольга Петрова")
        visit = make_visit(sokol, [("Стрижка", 2500, 2500)], client=guest, day=day)
    page = _logged_in(new_page, live_server, alice)

    # A walk-in buyer at the Arbat counter.
    page.goto(f"/c/{arbat.pk}/finance/sell/")
    form = page.locator("[data-testid=sell-form]")
    form.locator(f"[data-testid='qty-certificate:ct{type_.pk}']").fill("1")
    form.locator("[data-pay-rest=cash]").click()
    form.locator("[data-testid=sell]").click()
    page.wait_for_selector("[data-testid=sale-certificate]")
    with page.expect_popup() as popup:
        page.locator("[data-testid=sale-certificate-card]").click()
    card = popup.value
    code = card.locator("[data-testid=certificate-code]").inner_text()
    expect(card.locator("[data-testid=certificate-qr] svg")).to_have_count(1)
    assert len(code.replace(" ", "")) == 12

    # Days later the friend who got it pays with it at Sokol.
    page.goto(f"/c/{sokol.pk}/finance/checkout/{visit.pk}/")
    form = page.locator("[data-testid=checkout-form]")
    form.locator("[data-testid=means-query]").fill(code)
    form.locator("[data-testid=means-find]").click()
    with scope(tenant_a.chain):
        certificate = Certificate.objects.get()
    form = page.locator("[data-testid=checkout-form]")
    form.locator(f"[data-testid='means-certificate:{certificate.pk}']").fill("1000")
    form.locator("[data-pay-rest=cash]").click()
    # The page's script works the figures out, once it has loaded: wait for them.
    expect(form.locator("[data-testid=due]")).to_have_text("0.00")
    form.locator("[data-testid=take-payment]").click()
    expect(page.locator("[data-testid=sale-status]")).to_have_text("Paid")

    page.goto(f"/c/{sokol.pk}/prepaid/certificates/{certificate.pk}/")
    assert page.locator("[data-testid=certificate-balance]").inner_text() == "2,000.00\u00a0₽"
    assert page.locator("[data-testid=certificate-operation]").count() == 2
    with scope(tenant_a.chain):
        assert certificate_balance(certificate) == 2000


def test_an_abonement_of_eight_classes_shows_seven_left_after_a_class_is_checked_out(
    new_page, live_server, tenant_a, amy
):
    company = tenant_a.company
    day = timezone.localdate() + datetime.timedelta(days=2)
    with scope(tenant_a.chain):
        make_cash_desk(company, "Касса")
        yoga = make_service(company, "Йога", duration=60, price=1200)
        teacher = make_specialist(company, "Анна", [yoga])
        add_shift(teacher, company, day, "10:00", "13:00")
        abonement_type(tenant_a.chain, [yoga], visits=8, title="Йога: 8 занятий")
        vera = find_or_create_client(chain=tenant_a.chain, phone="+79123456789", name="Вера")
    desk = _logged_in(new_page, live_server, amy)

    # The administrator sells the abonement to Vera at the counter.
    desk.goto(f"/c/{company.pk}/finance/sell/?client={vera.pk}")
    form = desk.locator("[data-testid=sell-form]")
    form.locator("[data-product^='abonement:'] [data-product-quantity]").fill("1")
    form.locator("[data-pay-rest=cash]").click()
    form.locator("[data-testid=sell]").click()
    desk.wait_for_selector("[data-testid=sale-abonement]")

    # Vera books a class online and sees her abonement on the booking's page.
    phone = new_page()
    phone.goto(f"/book/{company.pk}/")
    phone.get_by_text("Йога").click()
    phone.get_by_role("button", name="Continue").click()
    phone.locator(f"[data-specialist='{teacher.pk}']").click()
    phone.locator(f"[data-day='{day.isoformat()}']").click()
    phone.locator("[data-time='11:00']").click()
    phone.fill("input[name=name]", "Вера")
    phone.fill("input[name=phone]", "+7 912 345-67-89")
    phone.check("input[name=consent]")
    phone.locator("form.bk-form button.bk-btn").click()
    phone.get_by_text("You are booked!").wait_for()
    expect(phone.locator("[data-testid=booking-abonement-left]")).to_have_text("8 visits left")
    booking_url = phone.url

    # The administrator sees it in the journal and checks the class out with the abonement.
    desk.goto(f"/c/{company.pk}/journal/?date={day.isoformat()}")
    desk.locator(".ec-event", has_text="Вера").first.click()
    expect(desk.locator("[data-testid=record-abonement-left]")).to_have_text("8 visits left")
    follow_link(desk, desk.locator("[data-testid=record-checkout]"))
    expect(desk.locator("[data-testid=checkout-form]")).to_be_visible()
    form = desk.locator("[data-testid=checkout-form]")
    form.locator("[data-means-row^='abonement:'] [data-pay-rest]").click()
    expect(form.locator("[data-testid=due]")).to_have_text("0.00")
    form.locator("[data-testid=take-payment]").click()

    # Back in the journal, where the checkout was opened: the dialog now says 7.
    desk.wait_for_url(f"**/journal/?date={day.isoformat()}")
    expect(desk.locator(".alert-success")).to_contain_text("The visit is checked out.")
    desk.locator(".ec-event", has_text="Вера").first.click()
    expect(desk.locator("[data-testid=record-abonement-left]")).to_have_text("7 visits left")

    phone.goto(booking_url.split("?")[0] + "?lang=en")
    assert phone.locator("[data-testid=booking-abonement-left]").inner_text() == "7 visits left"
