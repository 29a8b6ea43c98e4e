"""The fixed cast of every test, across two networks (tenants):

- alice: owner of network A ("Лаванда"), branches A1 and A2
- amy: administrator in branch A1 only
- sam: specialist in branch A1, own records only
- bob: owner of network B ("Барбер Бро"), branch B1 — the outsider for isolation tests
"""

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client

from frontdesk.accounts.models import Membership, User
from frontdesk.accounts.permissions import Role
from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.tenancy.models import Chain, Company
from frontdesk.tenancy.services import save_opening_hours

PASSWORD = "correct-horse-battery"


@dataclass
class Tenant:
    chain: Chain
    companies: list[Company]
    owner: User

    @property
    def company(self) -> Company:
        return self.companies[0]


def make_tenant(chain_name: str, owner_email: str, owner_phone: str, branches: list[str]) -> Tenant:
    with scopes_disabled():
        chain = Chain.objects.create(name=chain_name)
        owner = User.objects.create_user(
            email=owner_email,
            password=PASSWORD,
            name=owner_email.split("@")[0].title(),
            phone=owner_phone,
            language="en",
        )
        companies = []
        for name in branches:
            company = Company.objects.create(chain=chain, name=name, timezone="Europe/Moscow", onboarded=True)
            save_opening_hours(company, {d: (datetime.time(9), datetime.time(21)) for d in range(7)})
            companies.append(company)
        Membership.objects.create(chain=chain, user=owner, role=Role.OWNER, all_companies=True)
    return Tenant(chain=chain, companies=companies, owner=owner)


def add_member(tenant: Tenant, email: str, role: str, companies=None, **extra) -> User:
    with scopes_disabled():
        user = User.objects.create_user(email=email, password=PASSWORD, name=email.split("@")[0].title(), language="en")
        membership = Membership.objects.create(chain=tenant.chain, user=user, role=role, **extra)
        membership.companies.set(companies if companies is not None else [tenant.company])
    return user


@pytest.fixture
def one_ratelimit_window(monkeypatch):
    """Every hit of the test falls in one window of the fixed-window rate limits: a slow run must
    not straddle a window's end and see its count start again."""
    from frontdesk.core import ratelimit

    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_000.0)


@pytest.fixture(autouse=True)
def unscoped_test_body(request):
    """Test code itself sets up and inspects data across tenants; requests still enter their own
    scope through the middleware, so isolation is tested where it lives."""
    with scopes_disabled():
        yield


@pytest.fixture
def tenant_a(db) -> Tenant:
    return make_tenant("Лаванда", "alice@example.com", "+79000000001", ["Лаванда Арбат", "Лаванда Сокол"])


@pytest.fixture
def tenant_b(db) -> Tenant:
    return make_tenant("Барбер Бро", "bob@example.com", "+79000000002", ["Барбер Бро Центр"])


@pytest.fixture
def alice(tenant_a) -> User:
    return tenant_a.owner


@pytest.fixture
def bob(tenant_b) -> User:
    return tenant_b.owner


@pytest.fixture
def amy(tenant_a) -> User:
    return add_member(tenant_a, "amy@example.com", Role.ADMINISTRATOR)


@pytest.fixture
def sam(tenant_a) -> User:
    return add_member(tenant_a, "sam@example.com", Role.SPECIALIST, own_records_only=True)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="frontdesk.accounts.backends.EmailOrPhoneBackend")
    return client


@pytest.fixture
def in_scope():
    """`with in_scope(chain):` — run service code as a request of that chain would."""
    return scope


@pytest.fixture
def sent_on_commit(django_capture_on_commit_callbacks):
    """`with sent_on_commit():` runs what the block's transactions left for after commit (mail,
    SMS) when the block ends, as a real commit would; the test's own transaction never commits."""

    def factory():
        return django_capture_on_commit_callbacks(execute=True)

    return factory
