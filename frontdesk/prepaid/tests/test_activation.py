"""An abonement counted from the first visit starts at the first visit or, never used, on the type's
deadline after the sale — whichever comes first — so it always ends: the hourly job starts it,
warns before its end and expires it, and every page shows when it starts and ends."""

import datetime

import pytest
from django.urls import reverse
from django.utils import dateformat, translation

from frontdesk.booking.phone_codes import phone_token
from frontdesk.prepaid.errors import PrepaidError
from frontdesk.prepaid.expiry import run_expiry
from frontdesk.prepaid.models import Abonement, AbonementOpKind, AbonementType
from frontdesk.prepaid.services import (
    AbonementStatus,
    abonement_balance,
    abonement_status,
    freeze_abonement,
    issue_abonement,
    local_today,
    use_abonement,
)
from frontdesk.prepaid.tests.factories import TODAY, abonement_type, client, yoga
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


def _days(n):
    return datetime.timedelta(days=n)


def _noon(company, day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=company.tz)


def _sold(tenant, today=TODAY, **fields):
    company = tenant.company
    service = yoga(company)
    fields = {"from_first_use": True, "validity_days": 30, "activate_within_days": 10, **fields}
    type_ = abonement_type(tenant.chain, [service], **fields)
    return issue_abonement(type_, company=company, client=client(tenant.chain), today=today), service


def test_an_abonement_never_used_starts_on_its_deadline_and_the_hourly_job_expires_it(tenant_a):
    company = tenant_a.company
    abonement, service = _sold(tenant_a)
    assert (abonement.starts_on, abonement.start_by, abonement.ends_on) == (None, TODAY + _days(10), TODAY + _days(39))
    balance = abonement_balance(abonement)
    assert abonement_status(abonement, balance, TODAY + _days(9)) == AbonementStatus.NOT_STARTED
    assert run_expiry(_noon(company, TODAY + _days(9)))["started"] == 0
    assert run_expiry(_noon(company, TODAY + _days(10)))["started"] == 1
    assert run_expiry(_noon(company, TODAY + _days(10)))["started"] == 0  # once
    abonement.refresh_from_db()
    assert abonement.starts_on == TODAY + _days(10)
    assert abonement_status(abonement, balance, TODAY + _days(10)) == AbonementStatus.ACTIVE
    # A week before its end the client is told, once.
    assert run_expiry(_noon(company, TODAY + _days(33)))["warned"] == 1
    assert run_expiry(_noon(company, TODAY + _days(34)))["warned"] == 0
    assert Abonement.objects.get(pk=abonement.pk).notified_expiring
    assert run_expiry(_noon(company, TODAY + _days(39)))["abonements"] == 0
    assert run_expiry(_noon(company, TODAY + _days(40)))["abonements"] == 1
    assert abonement_balance(abonement).visits == 0
    assert abonement.operations.filter(kind=AbonementOpKind.EXPIRE).get().visits == -8
    with pytest.raises(PrepaidError) as refused:
        use_abonement(abonement, company=company, service=service, price=1200, today=TODAY + _days(40))
    assert refused.value.prepaid_code == "expired"


def test_a_first_visit_before_the_deadline_starts_the_period_that_day(tenant_a):
    abonement, service = _sold(tenant_a)
    use_abonement(abonement, company=tenant_a.company, service=service, price=1200, today=TODAY + _days(4))
    abonement.refresh_from_db()
    assert (abonement.starts_on, abonement.ends_on) == (TODAY + _days(4), TODAY + _days(33))


def test_a_first_visit_after_the_deadline_counts_from_the_deadline(tenant_a):
    # The hourly job did not run in between: the period still started on the deadline.
    abonement, service = _sold(tenant_a, activate_within_days=5)
    use_abonement(abonement, company=tenant_a.company, service=service, price=1200, today=TODAY + _days(7))
    abonement.refresh_from_db()
    assert (abonement.starts_on, abonement.ends_on) == (TODAY + _days(5), TODAY + _days(34))


def test_an_unused_abonement_cannot_be_frozen_before_its_start_but_can_after_the_deadline(tenant_a):
    abonement, _service = _sold(tenant_a, freeze_days_max=10)
    with pytest.raises(PrepaidError) as refused:
        freeze_abonement(abonement, days=3, starts_on=TODAY + _days(2), today=TODAY + _days(2))
    assert refused.value.prepaid_code == "freeze_not_started"
    freeze_abonement(abonement, days=3, starts_on=TODAY + _days(12), today=TODAY + _days(12))
    abonement.refresh_from_db()
    assert (abonement.starts_on, abonement.ends_on) == (TODAY + _days(10), TODAY + _days(42))


def _date(day, fmt="d.m.Y"):
    with translation.override("en"):
        return dateformat.format(day, fmt)


def test_the_pages_show_when_an_unused_abonement_starts_at_the_latest(tenant_a, alice):
    company = tenant_a.company
    today = local_today(company)
    abonement, _service = _sold(tenant_a, today=today)
    start_by = today + _days(10)
    waiting = f"starts at the first visit, at the latest on {_date(start_by)}"
    http = client_for(alice)
    detail = http.get(reverse("prepaid:abonement", args=[company.pk, abonement.pk]) + "?lang=en").text
    assert f"{waiting}, ends on {_date(start_by + _days(29))} at the latest" in detail
    listing = http.get(reverse("prepaid:abonements", args=[company.pk]) + "?lang=en").text
    assert waiting in listing
    card = http.get(reverse("clients:card", args=[company.pk, abonement.client_id]) + "?lang=en").text
    assert waiting in card
    token = phone_token(tenant_a.chain.pk, abonement.client.phone)
    mine = http.get(reverse("booking:my_records", kwargs={"branch_id": company.pk}) + f"?pt={token}&lang=en").text
    assert f"starts at the first visit, at the latest on {_date(start_by, 'j E Y')}" in mine


def test_the_pages_show_the_dates_of_an_abonement_started_by_its_deadline(tenant_a, alice):
    company = tenant_a.company
    sold = local_today(company) - _days(12)
    abonement, _service = _sold(tenant_a, today=sold)
    http = client_for(alice)
    detail = http.get(reverse("prepaid:abonement", args=[company.pk, abonement.pk]) + "?lang=en").text
    assert f"{_date(sold + _days(10))} – {_date(sold + _days(39))}" in detail
    assert "at the latest" not in detail
    card = http.get(reverse("clients:card", args=[company.pk, abonement.client_id]) + "?lang=en").text
    assert f"until {_date(sold + _days(39))}" in card


def test_the_type_form_takes_the_deadline_and_refuses_zero_days(tenant_a, alice):
    http = client_for(alice)
    url = reverse("prepaid:abonement_type_add", args=[tenant_a.company.pk]) + "?lang=en"
    assert "starts anyway if not used within, days" in http.get(url).text.lower()
    data = {
        "title": "8 занятий",
        "kind": "visits",
        "price": "8000",
        "visits": "8",
        "validity_days": "30",
        "from_first_use": "on",
        "activate_within_days": "0",
        "freeze_days_max": "0",
    }
    refused = http.post(url, data)
    assert refused.status_code == 400 and "greater than zero" in refused.text
    assert not AbonementType.objects.exists()
    assert http.post(url, {**data, "activate_within_days": "14"}).status_code == 302
    assert AbonementType.objects.get().activate_within_days == 14
