"""The demo journal: realistic records around today, and nothing when the staff part is absent."""

import datetime
import random

from frontdesk.clients.models import Client
from frontdesk.core.scopes import scope
from frontdesk.scheduling.demo import _demo_clients, book_demo_records
from frontdesk.scheduling.models import Record
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.tenancy.demo import create_demo


def test_the_demo_books_records_in_both_branches(db):
    demo = create_demo()
    with scope(demo.chain):
        assert {r.company_id for r in Record.objects.all()} == {c.pk for c in demo.companies}
        assert Client.objects.count() >= 20


def test_the_journal_demo_step_without_specialists_books_nothing(tenant_a):
    from frontdesk.scheduling.demo import demo_records
    from frontdesk.tenancy.demo import Demo

    demo = Demo(
        chain=tenant_a.chain,
        companies=tenant_a.companies,
        owner=tenant_a.owner,
        admin=tenant_a.owner,
        specialist_users=[],
    )
    with scope(tenant_a.chain):
        demo_records(demo)
        assert Record.objects.count() == 0


def test_the_demo_books_a_lived_in_month_with_mixed_statuses_and_sources(tenant_a):
    company = tenant_a.company
    today = datetime.date(2026, 3, 16)
    with scope(company.chain):
        haircut = make_service(company, "Женская стрижка", duration=60)
        manicure = make_service(company, "Маникюр с покрытием", duration=90, buffer_after=15)
        masters = [make_specialist(company, name, [haircut, manicure]) for name in ("Анна", "Мария")]
        for offset in range(-14, 15):
            for master in masters:
                add_shift(master, company, today + datetime.timedelta(days=offset), "10:00", "20:00")
        rng = random.Random(1)
        clients = _demo_clients(company.chain, rng)
        booked = book_demo_records(company, rng, clients, today)
        records = Record.objects.filter(company=company)
        assert booked == records.count() > 50
        assert {r.client.name.split()[0] for r in records.select_related("client")} & {"Анастасия", "Елена", "Ирина"}
        past = set(records.filter(start__date__lt=today).values_list("status", flat=True))
        future = set(
            records.filter(start__date__gt=today + datetime.timedelta(days=1)).values_list("status", flat=True)
        )
        assert {"completed", "no_show", "cancelled"} <= past
        assert future <= {"booked", "confirmed", "cancelled"} and "booked" in future
        assert {"admin", "online"} <= set(records.values_list("source", flat=True))
