"""The public pages resolve their network from the URL alone: another network's branch id, a
disabled branch or online booking switched off answer 404, and a link token shows its visit only."""

import pytest
from django.urls import reverse

from frontdesk.booking.models import OnlineBookingSettings
from frontdesk.core.scopes import scope


@pytest.mark.parametrize("name", ["booking:branch", "booking:my_records"])
def test_a_disabled_branch_or_online_booking_off_is_not_found(client, tenant_a, name):
    company = tenant_a.company
    url = reverse(name, kwargs={"branch_id": company.pk})
    assert client.get(url).status_code == 200
    with scope(tenant_a.chain):
        settings = OnlineBookingSettings.for_company(company)
        settings.enabled = False
        settings.save()
    assert client.get(url).status_code == 404
    settings.enabled = True
    settings.save()
    company.is_active = False
    company.save()
    assert client.get(url).status_code == 404
    assert client.post(url, {"phone": "+79123456789"}).status_code == 404


def test_unknown_ids_are_not_found(client, tenant_a):
    assert client.get(reverse("booking:branch", kwargs={"branch_id": 987654})).status_code == 404
    assert client.get(reverse("booking:network", kwargs={"chain_id": 987654})).status_code == 404


def test_another_networks_objects_do_not_leak_into_a_branch_page(client, salon, tenant_b):
    from frontdesk.scheduling.tests.factories import make_service, make_specialist

    with scope(tenant_b.chain):
        foreign_service = make_service(tenant_b.company, "Чужая услуга")
        foreign_specialist = make_specialist(tenant_b.company, "Чужой мастер", [foreign_service])
    url = reverse("booking:branch", kwargs={"branch_id": salon.company.pk})
    page = client.get(f"{url}?s={foreign_service.pk}&m={foreign_specialist.pk}&lang=en")
    assert "Чужая услуга" not in page.text and "Чужой мастер" not in page.text
    assert "not available online" in page.text
