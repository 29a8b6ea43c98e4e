import datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from frontdesk.core import sms
from frontdesk.core.scopes import scope
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist


@pytest.fixture(autouse=True)
def clean_outbox():
    sms.outbox.clear()
    cache.clear()
    # Service-level messages are read in English; pages pick their language per request.
    with translation.override("en"):
        yield
    sms.outbox.clear()


@pytest.fixture
def salon(tenant_a):
    """Branch A1 with a haircut and a manicure, Anna (both) and Boris (haircut), working 10–13
    in three days."""
    company = tenant_a.company
    day = timezone.localdate() + datetime.timedelta(days=3)
    with scope(company.chain):
        haircut = make_service(company, "Стрижка", duration=60, price=1500)
        manicure = make_service(company, "Маникюр", duration=60, price=1200)
        anna = make_specialist(company, "Анна", [haircut, manicure])
        boris = make_specialist(company, "Борис", [haircut])
        add_shift(anna, company, day, "10:00", "13:00")
        add_shift(boris, company, day, "10:00", "13:00")
    return SimpleNamespace(
        company=company, chain=tenant_a.chain, haircut=haircut, manicure=manicure, anna=anna, boris=boris, day=day
    )


def at(company, day, hhmm):
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm), tzinfo=company.tz)
