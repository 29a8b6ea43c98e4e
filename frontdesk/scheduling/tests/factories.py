"""Small builders for scheduling tests: a branch with services, specialists and shifts."""

import datetime

from frontdesk.catalog.models import Resource, Service, ServiceCategory
from frontdesk.staff.models import Specialist, SpecialistService, WorkInterval


def make_service(company, title="Стрижка", duration=60, buffer_before=0, buffer_after=0, price=1500, resources=()):
    category, _ = ServiceCategory.objects.get_or_create(company=company, chain=company.chain, title="Услуги")
    service = Service.objects.create(
        company=company,
        chain=company.chain,
        category=category,
        title=title,
        duration=duration,
        buffer_before=buffer_before,
        buffer_after=buffer_after,
        price_min=price,
        price_max=price,
    )
    service.resources.set(resources)
    return service


def make_resource(company, title="Кабинет", capacity=1):
    return Resource.objects.create(company=company, chain=company.chain, title=title, capacity=capacity)


def make_specialist(company, name="Мастер", services=(), durations=None):
    specialist = Specialist.objects.create(chain=company.chain, name=name)
    specialist.companies.add(company)
    for service in services:
        SpecialistService.objects.create(
            chain=company.chain, specialist=specialist, service=service, duration=(durations or {}).get(service.pk)
        )
    return specialist


def add_shift(specialist, company, day, start="10:00", end="19:00"):
    return WorkInterval.objects.create(
        company=company,
        chain=company.chain,
        specialist=specialist,
        date=day,
        start=datetime.time.fromisoformat(start),
        end=datetime.time.fromisoformat(end),
    )


def make_group_event(company, start=None, capacity=10):
    """A yoga class next month (a group service, a trainer), for pages and the isolation matrix."""
    from django.utils import timezone

    from frontdesk.scheduling.models import GroupEvent

    service = make_service(company, "Йога", duration=60)
    service.is_group, service.capacity = True, capacity
    service.save()
    trainer = make_specialist(company, "Тренер", [service])
    start = start or (timezone.now() + datetime.timedelta(days=30)).replace(microsecond=0)
    return GroupEvent.objects.create(
        company=company,
        chain=company.chain,
        service=service,
        specialist=trainer,
        start=start,
        end=start + datetime.timedelta(minutes=60),
        capacity=capacity,
    )


def make_waitlist_entry(company, phone="+79005550000"):
    from django.utils import timezone

    from frontdesk.clients.models import Client
    from frontdesk.scheduling.models import WaitlistEntry

    client, _ = Client.objects.get_or_create(chain=company.chain, phone=phone, defaults={"name": "Ждущий"})
    today = timezone.now().date()
    return WaitlistEntry.objects.create(
        company=company,
        chain=company.chain,
        client=client,
        service=make_service(company, "Маникюр", duration=60),
        date_from=today,
        date_to=today + datetime.timedelta(days=14),
    )
