"""The demo network. Each module adds its part through `register_demo_step`, so that one command
builds a realistic salon network for trying the product and for the benchmarks' fixtures."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from frontdesk.accounts.models import Membership, User
from frontdesk.accounts.permissions import Role
from frontdesk.core.context import Source, acting_as
from frontdesk.core.scopes import scope
from frontdesk.tenancy.models import BusinessType, Chain, Company
from frontdesk.tenancy.services import save_opening_hours

DEMO_PASSWORD = "frontdesk-demo"
OWNER_EMAIL = "owner@demo.frontdesk.local"
ADMIN_EMAIL = "admin@demo.frontdesk.local"
SPECIALIST_EMAIL = "master@demo.frontdesk.local"

SPECIALISTS = [
    ("Анна Смирнова", "+79160000101"),
    ("Мария Иванова", "+79160000102"),
    ("Екатерина Кузнецова", "+79160000103"),
    ("Ольга Попова", "+79160000104"),
    ("Дмитрий Соколов", "+79160000105"),
    ("Наталья Лебедева", "+79160000106"),
    ("Светлана Козлова", "+79160000107"),
    ("Алексей Новиков", "+79160000108"),
]


@dataclass
class Demo:
    chain: Chain
    companies: list[Company]
    owner: User
    admin: User
    specialist_users: list[User]
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (who, email, password)


_steps: list[tuple[int, Callable[[Demo], None]]] = []


def register_demo_step(order: int):
    """Decorator for a module's demo step: `fn(demo)` runs inside the demo chain's scope."""

    def decorator(fn):
        _steps.append((order, fn))
        return fn

    return decorator


_infos: list[Callable[[Chain], list[str]]] = []


def register_demo_info(fn):
    """Decorator for lines a module adds to what `demo_data` prints on every run (e.g. the API
    token); `fn(chain)` runs inside the demo chain's scope and returns the lines."""
    _infos.append(fn)
    return fn


def demo_info_lines() -> list[str]:
    membership = Membership.unscoped.filter(user__email=OWNER_EMAIL, role=Role.OWNER).first()
    if membership is None:
        return []
    lines = []
    with acting_as(None, Source.SYSTEM), scope(membership.chain_id):
        for fn in _infos:
            lines.extend(fn(membership.chain))
    return lines


def demo_exists() -> bool:
    return User.objects.filter(email=OWNER_EMAIL).exists()


def create_demo() -> Demo:
    with acting_as(None, Source.SYSTEM):
        return _create_demo()


def _create_demo() -> Demo:
    chain = Chain.objects.create(name="Сеть салонов «Лаванда»")
    owner = User.objects.create_user(
        email=OWNER_EMAIL,
        password=DEMO_PASSWORD,
        name="Ирина Волкова",
        phone="+79160000001",
        email_confirmed_at=timezone.now(),
    )
    admin = User.objects.create_user(
        email=ADMIN_EMAIL,
        password=DEMO_PASSWORD,
        name="Юлия Морозова",
        phone="+79160000002",
        email_confirmed_at=timezone.now(),
    )
    with scope(chain):
        hours = {day: (datetime.time(9), datetime.time(21)) for day in range(7)}
        companies = []
        for name, address in [
            ("Лаванда на Арбате", "ул. Арбат, 24"),
            ("Лаванда на Соколе", "Ленинградский пр-т, 74"),
        ]:
            company = Company.objects.create(
                chain=chain,
                name=name,
                business_type=BusinessType.BEAUTY_SALON,
                country="Россия",
                city="Москва",
                address=address,
                timezone="Europe/Moscow",
                phone="+74950000000",
                email="salon@demo.frontdesk.local",
                site="https://lavanda.example",
                onboarded=True,
                description="Стрижки, окрашивание, маникюр, косметология и массаж.",
            )
            save_opening_hours(company, hours)
            companies.append(company)
        Membership.objects.create(chain=chain, user=owner, role=Role.OWNER, all_companies=True)
        admin_membership = Membership.objects.create(chain=chain, user=admin, role=Role.ADMINISTRATOR)
        admin_membership.companies.set([companies[0]])
        specialist_users = []
        for index, (name, phone) in enumerate(SPECIALISTS):
            email = SPECIALIST_EMAIL if index == 0 else f"master{index + 1}@demo.frontdesk.local"
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, name=name, phone=phone, email_confirmed_at=timezone.now()
            )
            membership = Membership.objects.create(chain=chain, user=user, role=Role.SPECIALIST, own_records_only=True)
            membership.companies.set([companies[index % 2]])
            specialist_users.append(user)
        demo = Demo(chain=chain, companies=companies, owner=owner, admin=admin, specialist_users=specialist_users)
        demo.logins = [
            ("owner", OWNER_EMAIL, DEMO_PASSWORD),
            ("administrator", ADMIN_EMAIL, DEMO_PASSWORD),
            ("specialist", SPECIALIST_EMAIL, DEMO_PASSWORD),
        ]
        for _order, step in sorted(_steps, key=lambda item: item[0]):
            step(demo)
    return demo
