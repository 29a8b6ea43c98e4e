"""A branch ready for the API: a service, a specialist who works the next two weeks, and a
partner token of the network; `api_client` sends the YCLIENTS headers."""

import datetime
import json
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from frontdesk.api.services import issue_partner_token, issue_user_token
from frontdesk.catalog.models import Service, ServiceCategory
from frontdesk.staff.models import Specialist, SpecialistService, WorkInterval

ACCEPT = "application/vnd.yclients.v2+json"


@dataclass
class Salon:
    tenant: object
    service: Service
    specialist: Specialist
    partner: str
    day: datetime.date  # a working day in the future

    @property
    def company(self):
        return self.tenant.company


def make_salon(tenant, days=14) -> Salon:
    company = tenant.company
    category = ServiceCategory.objects.create(company=company, chain=tenant.chain, title="Стрижки")
    service = Service.objects.create(
        company=company,
        chain=tenant.chain,
        category=category,
        title="API cut",
        duration=60,
        price_min=1500,
        price_max=2000,
    )
    specialist = Specialist.objects.create(chain=tenant.chain, name="Анна", specialization="Стилист")
    specialist.companies.add(company)
    SpecialistService.objects.create(chain=tenant.chain, specialist=specialist, service=service)
    today = timezone.now().astimezone(company.tz).date()
    WorkInterval.objects.bulk_create(
        WorkInterval(
            chain=tenant.chain,
            company=company,
            specialist=specialist,
            date=today + datetime.timedelta(days=n),
            start=datetime.time(10),
            end=datetime.time(18),
        )
        for n in range(days)
    )
    _token, raw = issue_partner_token(chain=tenant.chain, name="Tests")
    return Salon(tenant, service, specialist, raw, today + datetime.timedelta(days=2))


@pytest.fixture
def salon(tenant_a) -> Salon:
    return make_salon(tenant_a)


@pytest.fixture
def salon_b(tenant_b) -> Salon:
    return make_salon(tenant_b)


def user_token(salon, user) -> str:
    from frontdesk.api.models import PartnerToken, hash_token

    partner = PartnerToken.unscoped.get(token_hash=hash_token(salon.partner))
    return issue_user_token(partner=partner, user=user)


class ApiClient:
    """Django's test client with the headers a YCLIENTS client sends."""

    def __init__(self, partner: str | None, user: str | None = None, language: str = "en"):
        self.client = Client()
        self.headers = {"Accept": ACCEPT, "Accept-Language": language}
        if partner is not None:
            self.headers["Authorization"] = f"Bearer {partner}" + (f", User {user}" if user else "")

    def call(self, method, path, body=None, raw_body=None, **params):
        kwargs = {"headers": self.headers}
        if raw_body is not None:
            kwargs.update(data=raw_body, content_type="application/json")
        elif body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        if params:
            if method == "get":
                kwargs["data"] = params
            else:
                from urllib.parse import urlencode

                path = f"{path}?{urlencode(params, doseq=True)}"
        return getattr(self.client, method)(path, **kwargs)

    def get(self, path, **params):
        return self.call("get", path, **params)

    def post(self, path, body=None, **kw):
        return self.call("post", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.call("put", path, body, **kw)

    def delete(self, path, **kw):
        return self.call("delete", path, **kw)


@pytest.fixture
def partner_client(salon) -> ApiClient:
    return ApiClient(salon.partner)


@pytest.fixture
def crm_client(salon, alice) -> ApiClient:
    return ApiClient(salon.partner, user_token(salon, alice))
