"""Small builders for staff tests: catalogue rows and specialists in a tenant's branch."""

import datetime
from decimal import Decimal

from frontdesk.catalog.models import Position, Service, ServiceCategory
from frontdesk.staff.models import Specialist


def make_service(company, title="Стрижка", category="Волосы", **extra):
    cat, _ = ServiceCategory.objects.get_or_create(company=company, title=category, defaults={"chain": company.chain})
    extra.setdefault("price_min", Decimal("1500"))
    extra.setdefault("price_max", Decimal("2500"))
    return Service.objects.create(company=company, chain=company.chain, category=cat, title=title, **extra)


def make_position(company, title="Парикмахер"):
    return Position.objects.create(company=company, chain=company.chain, title=title)


def make_specialist(company, name="Анна", **extra):
    specialist = Specialist.objects.create(chain=company.chain, name=name, **extra)
    specialist.companies.set([company])
    return specialist


def month_days(first: datetime.date):
    days = []
    day = first
    while day.month == first.month:
        days.append(day)
        day += datetime.timedelta(days=1)
    return days
