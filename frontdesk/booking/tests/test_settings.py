from django.urls import reverse

from frontdesk.booking.models import OnlineBookingSettings
from frontdesk.catalog.models import Service
from frontdesk.staff.models import Specialist
from frontdesk.testing.fixtures import client_for

FORM = {
    "enabled": "on",
    "step_order": "specialist",
    "step": "30",
    "min_notice": "120",
    "max_days_ahead": "14",
    "cancel_deadline": "240",
    "phone_confirmation": "on",
    "show_prices": "on",
    "accent_colour": "#0f766e",
    "welcome_text": "Здравствуйте",
    "confirmation_text": "",
    "privacy_policy_url": "https://salon.example/privacy",
}


def test_the_owner_sets_the_rules_and_what_clients_see(salon, alice, django_assert_max_num_queries):
    client = client_for(alice)
    url = reverse("booking:settings", kwargs={"company_id": salon.company.pk})
    with django_assert_max_num_queries(30):
        page = client.get(url)
    assert page.status_code == 200 and "widget.js" in page.text and "Стрижка" in page.text
    response = client.post(url, {**FORM, "online_service": [salon.haircut.pk], "visible_specialist": [salon.anna.pk]})
    assert response.status_code == 302
    settings = OnlineBookingSettings.objects.get(company=salon.company)
    assert settings.step == 30 and settings.phone_confirmation and settings.accent_colour == "#0f766e"
    assert not Service.objects.get(pk=salon.manicure.pk).online_booking
    assert Specialist.objects.get(pk=salon.boris.pk).hidden_online
    assert not Specialist.objects.get(pk=salon.anna.pk).hidden_online


def test_bad_settings_are_explained_and_nothing_changes(salon, alice):
    client = client_for(alice)
    url = reverse("booking:settings", kwargs={"company_id": salon.company.pk})
    response = client.post(url, {**FORM, "accent_colour": "red", "max_days_ahead": "0", "online_service": []})
    assert response.status_code == 400
    assert Service.objects.get(pk=salon.haircut.pk).online_booking
    assert not OnlineBookingSettings.objects.filter(company=salon.company, step=30).exists()


def test_an_administrator_without_settings_rights_cannot_change_them(salon, amy):
    url = reverse("booking:settings", kwargs={"company_id": salon.company.pk})
    assert client_for(amy).post(url, FORM).status_code == 403


def test_the_preview_is_a_sample_page_with_the_widget(salon, alice):
    page = client_for(alice).get(reverse("booking:preview", kwargs={"company_id": salon.company.pk}))
    assert page.status_code == 200 and "widget.js" in page.text and "book-online" in page.text


def test_the_codes_for_one_specialist_or_service_carry_their_real_ids(salon, alice):
    client = client_for(alice)
    page = client.get(reverse("booking:settings", kwargs={"company_id": salon.company.pk})).text
    assert 'data-specialist="ID"' not in page
    assert f"?o=specialist&amp;m={salon.anna.pk}" in page
    assert f"data-specialist=&quot;{salon.anna.pk}&quot;" in page
    assert f"?s={salon.haircut.pk}" in page and f"data-service=&quot;{salon.haircut.pk}&quot;" in page
    # The same codes on the specialist's own page, which is where an owner looks for them.
    staff_page = client.get(
        reverse("staff:edit", kwargs={"company_id": salon.company.pk, "specialist_id": salon.anna.pk})
    ).text
    assert 'data-testid="specialist-embed"' in staff_page
    assert f"/book/{salon.company.pk}/?o=specialist&amp;m={salon.anna.pk}" in staff_page
