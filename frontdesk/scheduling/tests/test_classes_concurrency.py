"""Real threads racing for the last places of a class, and for the time of a new class."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from frontdesk.clients.models import Client
from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.classes import ClassPlan, add_participant, schedule_class
from frontdesk.scheduling.errors import SlotTaken
from frontdesk.scheduling.models import GroupEvent, Record
from frontdesk.scheduling.services import book_visit
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.scheduling.tests.test_classes import MONDAY, at
from frontdesk.testing.concurrency import race

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def yoga_class(tenant_a):
    company = tenant_a.company
    with scopes_disabled():
        yoga = make_service(company, "Йога", duration=60)
        yoga.is_group = True
        yoga.save()
        olga = make_specialist(company, "Ольга", [yoga])
        add_shift(olga, company, MONDAY, "09:00", "21:00")
    return company, yoga, olga


@pytest.mark.parametrize("seats", [1, 5])
def test_n_plus_five_clients_racing_for_n_places_get_exactly_n(yoga_class, seats):
    company, yoga, olga = yoga_class
    with scopes_disabled():
        with scope(company.chain):
            [event], _ = schedule_class(company, ClassPlan(yoga, olga, at(MONDAY, "18:00"), capacity=seats))
        clients = [
            Client.objects.create(chain=company.chain, name=f"Клиент {i}", phone=f"+7900200{i:04d}")
            for i in range(seats + 5)
        ]

    def attempt(i):
        with scope(company.chain):
            return add_participant(GroupEvent.objects.get(pk=event.pk), clients[i]).pk

    outcomes = race(seats + 5, attempt, (ValidationError, SlotTaken))
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, [o for o in outcomes if o[0] == "error"]
    assert kinds.count("ok") == seats and kinds.count("refused") == 5
    with scopes_disabled():
        assert Record.objects.filter(group_event=event).count() == seats


def test_a_class_and_records_racing_for_the_same_hour_never_overlap(yoga_class):
    company, yoga, olga = yoga_class
    with scopes_disabled():
        haircut = make_service(company, "Стрижка", duration=60)
        olga.services.add(haircut, through_defaults={"chain": company.chain})

    def attempt(i):
        with scope(company.chain):
            if i % 2:
                return (
                    "record",
                    book_visit(
                        company=company,
                        segments=[Segment(haircut.pk, olga.pk)],
                        start=at(MONDAY, "12:00") + datetime.timedelta(minutes=i),
                    )[0].pk,
                )
            return (
                "class",
                schedule_class(company, ClassPlan(yoga, olga, at(MONDAY, "12:00") + datetime.timedelta(minutes=i)))[0][
                    0
                ].pk,
            )

    outcomes = race(10, attempt, (ValidationError, SlotTaken))
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, [o for o in outcomes if o[0] == "error"]
    assert kinds.count("ok") == 1
    with scopes_disabled():
        assert Record.objects.count() + GroupEvent.objects.count() == 1
