"""Settings → Integrations: partner tokens are issued once, stored as hashes, revoked; the demo
network has a token that `demo_data` prints on every run."""

import datetime
import io

import pytest
from django.core.management import call_command

from frontdesk.api.models import PartnerToken, hash_token
from frontdesk.api.tests.conftest import ApiClient, user_token
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


def test_an_owner_issues_a_token_sees_it_once_and_revokes_it(tenant_a, alice):
    client = client_for(alice)
    url = f"/c/{tenant_a.company.pk}/settings/integrations/"
    response = client.post(url, {"name": "Site widget"}, follow=True)
    raw = response.context["new_token"]["token"]
    token = PartnerToken.objects.get(chain=tenant_a.chain)
    assert token.token_hash == hash_token(raw) and raw not in str(token.__dict__)
    assert raw in response.content.decode()
    assert raw not in client.get(url).content.decode()
    assert ApiClient(raw).get("/api/v1/companies").status_code == 200
    client.post(f"/c/{tenant_a.company.pk}/settings/integrations/{token.pk}/revoke/")
    assert ApiClient(raw).get("/api/v1/companies").status_code == 401


def test_revoking_a_partner_token_logs_its_users_out(salon, alice):
    token = user_token(salon, alice)
    from frontdesk.api.services import revoke_partner_token

    revoke_partner_token(PartnerToken.objects.get(token_hash=hash_token(salon.partner)))
    assert ApiClient(salon.partner, token).get("/api/v1/companies").status_code == 401


def test_only_settings_editors_manage_tokens(tenant_a, amy):
    response = client_for(amy).get(f"/c/{tenant_a.company.pk}/settings/integrations/")
    assert response.status_code == 403


def test_the_tokens_page_lists_tokens_in_a_fixed_number_of_queries(tenant_a, alice, django_assert_max_num_queries):
    from frontdesk.api.services import issue_partner_token

    for n in range(5):
        issue_partner_token(chain=tenant_a.chain, name=f"App {n}", created_by=alice)
    client = client_for(alice)
    with django_assert_max_num_queries(20):
        response = client.get(f"/c/{tenant_a.company.pk}/settings/integrations/")
    assert response.status_code == 200


def test_the_demo_prints_a_working_partner_token_on_every_run(db):
    first, second = io.StringIO(), io.StringIO()
    call_command("demo_data", stdout=first)
    call_command("demo_data", "--if-new", stdout=second)
    line = next(ln for ln in first.getvalue().splitlines() if ln.startswith("API partner token"))
    token = line.split(":", 1)[1].strip()
    assert f"API partner token (demo): {token}" in second.getvalue()
    companies = ApiClient(token).get("/api/v1/companies").json()["data"]
    assert companies and all("Лаванда" in c["title"] for c in companies)


def test_list_endpoints_cost_a_fixed_number_of_queries(crm_client, salon, django_assert_max_num_queries):
    company = salon.company.pk
    for hour in range(10, 16):
        crm_client.post(
            f"/api/v1/records/{company}",
            {
                "staff_id": salon.specialist.pk,
                "services": [salon.service.pk],
                "client": {"phone": f"+7916555{hour:04d}", "name": f"C{hour}"},
                "datetime": datetime.datetime.combine(salon.day, datetime.time(hour)).isoformat(),
            },
        )
    for path in (
        f"/api/v1/records/{company}",
        f"/api/v1/clients/{company}",
        f"/api/v1/company/{company}/staff/",
        f"/api/v1/company/{company}/services/",
        f"/api/v1/book_services/{company}",
        "/api/v1/companies",
    ):
        with django_assert_max_num_queries(16):
            response = crm_client.get(path)
        assert response.status_code == 200 and response.json()["data"], path
