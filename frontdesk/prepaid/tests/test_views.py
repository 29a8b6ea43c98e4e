"""The pages: types, lists, history, the printable card, freezing, and what the journal, the
client card and the public booking pages show of a client's abonements."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from frontdesk.booking.phone_codes import phone_token
from frontdesk.booking.services import link_for
from frontdesk.finance.tests.factories import make_visit
from frontdesk.prepaid.models import AbonementFreeze, CertificateType
from frontdesk.prepaid.services import (
    issue_abonement,
    issue_certificate,
    local_today,
    redeem_certificate,
    use_abonement,
)
from frontdesk.prepaid.tests.factories import abonement_type, certificate_type, client
from frontdesk.scheduling.models import Record, RecordService
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


def _url(name, company, **kwargs):
    return reverse(f"prepaid:{name}", kwargs={"company_id": company.pk, **kwargs}) + "?lang=en"


def test_an_owner_adds_a_free_amount_certificate_type_for_one_branch(tenant_a, alice):
    company = tenant_a.company
    browser = client_for(alice)
    page = browser.post(
        _url("certificate_type_add", company),
        {
            "title": "Any amount",
            "amount_min": "1000",
            "amount_max": "20000",
            "applies_to": "services",
            "companies": [tenant_a.companies[1].pk],
            "validity_days": "180",
        },
    )
    assert page.status_code == 302
    made = CertificateType.objects.get(title="Any amount")
    assert made.nominal is None and list(made.companies.all()) == [tenant_a.companies[1]]


def test_a_type_without_nominal_or_limits_is_refused_with_a_reason(tenant_a, alice):
    page = client_for(alice).post(
        _url("certificate_type_add", tenant_a.company), {"title": "Broken", "applies_to": "both", "validity_days": "30"}
    )
    assert page.status_code == 400
    assert "Enter a nominal, or the smallest and the largest amount." in page.text
    assert not CertificateType.objects.filter(title="Broken").exists()


def test_the_list_finds_a_certificate_by_its_last_digits_and_shows_its_balance(tenant_a, amy):
    company = tenant_a.company
    certificate = issue_certificate(certificate_type(tenant_a.chain), company=company, client=client(tenant_a.chain))
    redeem_certificate(certificate, "500", company=company)
    issue_certificate(certificate_type(tenant_a.chain, nominal=Decimal("999")), company=company)
    page = client_for(amy).get(_url("certificates", company) + "&q=" + certificate.code[-6:])
    assert page.status_code == 200
    assert page.text.count('data-testid="certificate-row"') == 1
    assert "2,500.00" in page.text or "2 500,00" in page.text


def test_the_certificate_history_and_the_printable_card_with_a_qr_code(tenant_a, alice):
    company = tenant_a.company
    certificate = issue_certificate(certificate_type(tenant_a.chain), company=company)
    redeem_certificate(certificate, "1000", company=tenant_a.companies[1])
    browser = client_for(alice)
    detail = browser.get(_url("certificate", company, certificate_id=certificate.pk))
    assert detail.text.count('data-testid="certificate-operation"') == 2
    assert "Лаванда Сокол" in detail.text
    card = browser.get(_url("certificate_card", company, certificate_id=certificate.pk))
    assert certificate.grouped_code in card.text
    assert "<svg" in card.text


def test_a_specialist_cannot_open_certificates(tenant_a, sam):
    assert client_for(sam).get(_url("certificates", tenant_a.company)).status_code == 403


def test_freezing_an_abonement_moves_its_end_and_a_second_freeze_beyond_the_limit_is_refused(tenant_a, amy):
    company = tenant_a.company
    type_ = abonement_type(tenant_a.chain, validity_days=30, freeze_days_max=10)
    abonement = issue_abonement(type_, company=company, client=client(tenant_a.chain))
    end = abonement.ends_on
    browser = client_for(amy)
    url = _url("abonement_freeze", company, abonement_id=abonement.pk)
    start = local_today(company).isoformat()
    assert browser.post(url, {"starts_on": start, "days": "7"}).status_code == 302
    abonement.refresh_from_db()
    assert abonement.ends_on == end + datetime.timedelta(days=7)
    refused = browser.post(
        url, {"starts_on": (local_today(company) + datetime.timedelta(days=20)).isoformat(), "days": "5"}
    )
    assert refused.status_code == 400
    assert "It can be frozen for at most 3 more days." in refused.text
    assert AbonementFreeze.objects.filter(abonement=abonement).count() == 1


def _abonement_visit(tenant_a, visits_used=1):
    company = tenant_a.company
    holder = client(tenant_a.chain)
    visit = make_visit(company, [("Йога", 1200, 1200)], client=holder)
    service = RecordService.objects.get(record__visit=visit).service
    abonement = issue_abonement(abonement_type(tenant_a.chain, [service]), company=company, client=holder)
    for _ in range(visits_used):
        use_abonement(abonement, company=company, service=service, price=1200)
    return visit, abonement


def test_the_journal_dialog_shows_the_abonement_that_covers_the_booked_class(tenant_a, amy):
    visit, _abonement = _abonement_visit(tenant_a)
    record = Record.objects.get(visit=visit)
    url = reverse("journal:record", kwargs={"company_id": tenant_a.company.pk, "record_id": record.pk}) + "?lang=en"
    page = client_for(amy).get(url)
    assert 'data-testid="record-abonements"' in page.text
    assert "7 visits left" in page.text


def test_the_booking_page_and_my_bookings_show_the_visits_left(tenant_a, client):
    visit, _abonement = _abonement_visit(tenant_a, visits_used=2)
    page = client.get(reverse("booking:my", kwargs={"token": link_for(visit).token}) + "?lang=en")
    assert "6 visits left" in page.text
    token = phone_token(tenant_a.chain.pk, visit.client.phone)
    mine = client.get(reverse("booking:my_records", kwargs={"branch_id": tenant_a.company.pk}) + f"?pt={token}&lang=en")
    assert 'data-testid="booking-my-abonements"' in mine.text and "6 visits left" in mine.text


def test_the_client_card_shows_certificates_and_abonements(tenant_a, alice):
    visit, abonement = _abonement_visit(tenant_a)
    issue_certificate(certificate_type(tenant_a.chain), company=tenant_a.company, client=visit.client)
    url = reverse("clients:card", kwargs={"company_id": tenant_a.company.pk, "client_id": visit.client_id}) + "?lang=en"
    page = client_for(alice).get(url)
    assert 'data-testid="client-prepaid"' in page.text
    assert f"client-badge-abonement-{abonement.pk}" in page.text
    assert "7 visits left" in page.text
