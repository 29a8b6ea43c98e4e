"""Onboarding: the new owner tells what the business is, where it is and when it opens."""

import re

import pytest

from frontdesk.tenancy.models import BusinessType, Company

SIGNUP = {
    "company_name": "Салон Лаванда",
    "name": "Вера Павлова",
    "phone": "+7 912 345-67-89",
    "email": "vera@example.com",
    "password": "nail-polish-2026",
}


@pytest.fixture
def new_owner(db, client):
    # An address of its own: sign-ups are rate-limited per address, and other tests sign up too.
    client.post("/accounts/signup/", SIGNUP, REMOTE_ADDR="10.22.1.1")
    return client, Company.objects.get()


def onboarding_data(**changes):
    data = {"business_type": "beauty_salon", "country": "Россия", "city": "Казань", "name": "Лаванда"}
    data["timezone"] = "Europe/Moscow"
    for day in range(7):
        data.update({f"h-open_{day}": "on", f"h-opens_{day}": "10:00", f"h-closes_{day}": "21:00"})
    return {**data, **changes}


def test_every_business_type_is_offered_beauty_salon_first(new_owner):
    client, company = new_owner
    page = client.get(f"/c/{company.pk}/onboarding/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    offered = re.findall(r'<input type="radio" name="business_type" value="([^"]+)"', page)
    assert offered == [value for value, _label in BusinessType.choices]
    assert "Салон красоты" in page


def test_a_beauty_salon_finishes_onboarding_as_a_beauty_salon(new_owner):
    client, company = new_owner
    response = client.post(f"/c/{company.pk}/onboarding/", onboarding_data())
    assert response.status_code == 302 and response["Location"] == f"/c/{company.pk}/"
    company.refresh_from_db()
    assert company.onboarded and company.business_type == BusinessType.BEAUTY_SALON


def test_onboarding_without_a_business_type_is_refused_and_saves_nothing(new_owner):
    client, company = new_owner
    response = client.post(f"/c/{company.pk}/onboarding/", onboarding_data(business_type="", city="Самара"))
    # The owner signed up in Russian: the page speaks it.
    assert response.status_code == 200 and "Обязательное поле" in response.content.decode()
    company.refresh_from_db()
    assert not company.onboarded and company.city == ""
