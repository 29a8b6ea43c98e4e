"""A service that no working specialist of the branch performs: the catalogue warns about it,
can show only such services, and the booking engine offers no time for it."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from frontdesk.catalog.tests.factories import make_category, make_service
from frontdesk.core.scopes import scope
from frontdesk.scheduling.availability import Query, Segment, find_slots
from frontdesk.staff.models import Specialist, SpecialistService, WorkInterval
from frontdesk.testing import fixtures

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 1)
NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))


def client_for(user, language="en"):
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return fixtures.client_for(user)


def catalogue(client, company):
    return client.get(reverse("catalog:services", kwargs={"company_id": company.pk})).content.decode()


def specialist(company, name, services, **extra):
    person = Specialist.objects.create(chain=company.chain, name=name, **extra)
    person.companies.add(company)
    for service in services:
        SpecialistService.objects.create(chain=company.chain, specialist=person, service=service)
    return person


def row_of(html, service):
    start = html.index(f'<tr data-id="{service.pk}"')
    return html[start : html.index("</tr>", start)]


def test_the_catalogue_warns_about_services_nobody_performs(tenant_a, alice):
    a1, a2 = tenant_a.companies[:2]
    category = make_category(a1, "Стрижки")
    performed = make_service(category, "Женская стрижка")
    orphan = make_service(category, "Мужская стрижка")
    left_behind = make_service(category, "Детская стрижка")
    specialist(a1, "Анна", [performed])
    specialist(a1, "Ольга", [left_behind], is_dismissed=True, dismissed_on=DAY)
    # A specialist of another branch does not make the service bookable here.
    elsewhere = specialist(a2, "Вера", [])
    SpecialistService.objects.create(chain=tenant_a.chain, specialist=elsewhere, service=orphan)

    html = catalogue(client_for(alice), a1)
    assert 'data-testid="no-performer"' not in row_of(html, performed)
    assert 'data-performed="1"' in row_of(html, performed)
    for service in (orphan, left_behind):
        assert "Nobody performs this service" in row_of(html, service)
        assert 'data-performed="0"' in row_of(html, service)
    assert '<option value="unperformed">Nobody performs them (2)</option>' in html


def test_the_filter_can_be_opened_from_a_link(tenant_a, alice):
    make_service(make_category(tenant_a.company), "Стрижка")
    html = client_for(alice).get(
        reverse("catalog:services", kwargs={"company_id": tenant_a.company.pk}) + "?show=unperformed"
    )
    assert '<option value="unperformed" selected>Nobody performs it (1)</option>' in html.content.decode()


def test_the_warning_costs_no_extra_queries(tenant_a, alice, django_assert_max_num_queries):
    company = tenant_a.company
    staff = [specialist(company, f"Мастер {i}", []) for i in range(5)]
    for c in range(8):
        category = make_category(company, f"Категория {c}")
        for s in range(5):
            service = make_service(category, f"Услуга {c}-{s}")
            if s % 2:
                SpecialistService.objects.create(chain=company.chain, specialist=staff[s], service=service)
    client = client_for(alice)
    with django_assert_max_num_queries(14):
        html = catalogue(client, company)
    assert html.count('data-testid="no-performer"') == 8 * 3


def test_a_service_nobody_performs_has_no_free_times(tenant_a):
    company = tenant_a.company
    category = make_category(company, "Стрижки")
    performed = make_service(category, "Женская стрижка", duration=60)
    orphan = make_service(category, "Мужская стрижка", duration=60)
    left_behind = make_service(category, "Детская стрижка", duration=60)
    anna = specialist(company, "Анна", [performed])
    olga = specialist(company, "Ольга", [left_behind], is_dismissed=True, dismissed_on=DAY)
    for person in (anna, olga):
        WorkInterval.objects.create(
            chain=company.chain,
            company=company,
            specialist=person,
            date=DAY,
            start=datetime.time(10),
            end=datetime.time(19),
        )

    def slots(service):
        query = Query(company=company, segments=[Segment(service.pk)], date_from=DAY, date_to=DAY, now=NOW)
        with scope(company.chain):
            return find_slots(query)

    assert slots(performed)  # the day is open: the others are empty for want of a performer
    assert slots(orphan) == []
    assert slots(left_behind) == []


def test_the_warning_is_in_russian(tenant_a, alice):
    make_service(make_category(tenant_a.company), "Стрижка")
    html = catalogue(client_for(alice, "ru"), tenant_a.company)
    assert "Услугу никто не оказывает" in html
