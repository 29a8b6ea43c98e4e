"""The cached client totals (ClientStats) always equal a recomputation from the records, whatever
happens to the records; the list's filters, search and the verify command read and check them."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.clients.models import Client, ClientStats
from frontdesk.clients.services import merge_clients
from frontdesk.clients.tests.factories import make_client, make_record, make_service, make_specialist
from frontdesk.core.scopes import scope
from frontdesk.scheduling import client_stats as stats
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.scheduling.services import TRANSITIONS, book_visit, move_record, set_record_status
from frontdesk.tenancy.models import Company
from frontdesk.testing.fixtures import client_for

TZ = ZoneInfo("Europe/Moscow")
NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=TZ)


class Rollback(Exception):
    pass


operation = st.one_of(
    st.tuples(st.just("book"), st.integers(0, 2), st.integers(-400, 30), st.integers(1, 2)),
    st.tuples(st.just("status"), st.integers(0, 50), st.integers(0, 10)),
    st.tuples(st.just("finish"), st.integers(0, 50)),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(-30, 30)),
    st.tuples(st.just("merge"), st.integers(0, 2), st.integers(0, 2)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=1, max_size=12))
def test_client_totals_always_equal_a_fresh_recount(tenant_a, operations):
    company = Company.objects.get(pk=tenant_a.company.pk)
    try:
        with transaction.atomic(), scope(company.chain):
            cut = make_service(company, "Стрижка", price=1500)
            colour = make_service(company, "Окрашивание", price=4000)
            anna = make_specialist(company, "Анна", [cut, colour])
            clients = [
                make_client(tenant_a, name=f"Клиент {n}", phone=f"+7900111000{n}", email=f"c{n}@example.com")
                for n in range(3)
            ]
            for op in operations:
                records = list(Record.objects.order_by("pk"))
                if op[0] == "book":
                    _kind, who, day, services = op
                    client = clients[who]
                    if client.pk is None:
                        continue
                    segments = [Segment(cut.pk, anna.pk)] + ([Segment(colour.pk, anna.pk)] if services == 2 else [])
                    start = (NOW + datetime.timedelta(days=day)).replace(hour=10, minute=0)
                    book_visit(company=company, segments=segments, start=start, client=client, overbook=True, now=NOW)
                elif op[0] == "status" and records:
                    record = records[op[1] % len(records)]
                    allowed = sorted(TRANSITIONS.get(record.status, ()))
                    if allowed:
                        set_record_status(record, allowed[op[2] % len(allowed)])
                elif op[0] == "finish" and records:
                    record = records[op[1] % len(records)]
                    if record.status in (RecordStatus.BOOKED, RecordStatus.CONFIRMED):
                        set_record_status(set_record_status(record, RecordStatus.ARRIVED), RecordStatus.COMPLETED)
                elif op[0] == "move" and records:
                    record = records[op[1] % len(records)]
                    if record.status in (RecordStatus.BOOKED, RecordStatus.CONFIRMED, RecordStatus.ARRIVED):
                        move_record(record, start=record.start + datetime.timedelta(days=op[2]), overbook=True)
                elif op[0] == "merge":
                    target, source = clients[op[1]], clients[op[2]]
                    if target.pk and source.pk and target.pk != source.pk:
                        merge_clients(target, source)
                        source.pk = None
                assert stats.verify(company.chain_id) == []
            alive = [c.pk for c in clients if c.pk]
            fresh = stats.compute_stats(alive)
            stored = ClientStats.objects.in_bulk(alive)
            for pk in alive:
                assert stats.differences(stored.get(pk), fresh[pk]) == {}
            raise Rollback
    except Rollback:
        pass


def _history(tenant, client, days_ago, status=RecordStatus.COMPLETED, price=2000):
    service = make_service(tenant.company, f"Услуга {len(days_ago)}")
    specialist = make_specialist(tenant.company, "Анна", [service])
    for n, days in enumerate(days_ago):
        make_record(
            tenant.company,
            client,
            specialist,
            service,
            timezone.now() - datetime.timedelta(days=days, hours=n),
            status=status,
            price=price,
        )


def test_verify_client_stats_reports_and_fixes_wrong_totals(tenant_a):
    client = make_client(tenant_a)
    _history(tenant_a, client, [10, 40, 70])
    row = ClientStats.objects.get(client=client)
    assert (row.visits, row.spend) == (3, 6000)
    ClientStats.objects.filter(client=client).update(visits=7, spend=1)
    with pytest.raises(CommandError):
        call_command("verify_client_stats", stdout=StringIO())
    out = StringIO()
    call_command("verify_client_stats", "--fix", stdout=out)
    assert f"client {client.pk}: visits: 7 ≠ 3" in out.getvalue()
    assert ClientStats.objects.get(client=client).visits == 3
    out = StringIO()
    call_command("verify_client_stats", stdout=out)
    assert "All client totals match" in out.getvalue()


def test_deleting_a_record_updates_the_totals(tenant_a):
    client = make_client(tenant_a)
    _history(tenant_a, client, [10, 40])
    Record.objects.filter(client=client).order_by("start").first().delete()
    row = ClientStats.objects.get(client=client)
    assert (row.visits, row.spend) == (1, 2000)


def test_lost_clients_are_regulars_past_one_and_a_half_usual_intervals(tenant_a, alice):
    lost = make_client(tenant_a, name="Ушедшая", phone="+79000000001")
    _history(tenant_a, lost, [100, 130, 160])  # usual 30 days, gone 100
    regular = make_client(tenant_a, name="Постоянная", phone="+79000000002")
    _history(tenant_a, regular, [5, 35, 65])
    url = reverse("clients:list", kwargs={"company_id": tenant_a.company.pk})
    response = client_for(alice).get(url, {"lost": "on"})
    assert "Ушедшая" in response.content.decode()
    assert "Постоянная" not in response.content.decode()


def test_a_client_who_came_three_times_in_a_week_is_not_lost_two_days_later(tenant_a, alice):
    # A course of three visits a day apart: 1.5 usual intervals is a day and a half, but
    # nobody is lost before 30 days without a visit — in the list, its segments and the card alike.
    course = make_client(tenant_a, name="Курс", phone="+79000000003")
    _history(tenant_a, course, [4, 3, 2])
    gone = make_client(tenant_a, name="Пропала", phone="+79000000004")
    _history(tenant_a, gone, [40, 37, 34])
    browser = client_for(alice)
    listed = browser.get(reverse("clients:list", kwargs={"company_id": tenant_a.company.pk}), {"lost": "on"})
    names = [c.name for c in listed.context["page"].object_list]
    assert names == ["Пропала"]
    assert "at least 30 days" in listed.content.decode()  # the rule is told where it is used

    def card(client):
        url = reverse("clients:card", kwargs={"company_id": tenant_a.company.pk, "client_id": client.pk})
        return browser.get(url).content.decode()

    assert 'data-testid="client-lost"' not in card(course)
    assert 'data-testid="client-lost"' in card(gone)
    assert stats.verify(tenant_a.chain.pk) == []


def test_search_finds_a_client_by_digits_from_the_middle_of_the_phone(tenant_a, alice):
    make_client(tenant_a, name="Ирина", phone="+79161234567")
    other = make_client(tenant_a, name="Ольга", phone="+79035550000")
    url = reverse("clients:search", kwargs={"company_id": tenant_a.company.pk})
    owner = client_for(alice)
    assert "Ирина" in owner.get(url, {"q": "612345"}).content.decode()
    assert "Ирина" not in owner.get(url, {"q": "555"}).content.decode()
    # The search index follows changes of the card.
    other.phone = "+79037770000"
    other.name = "Ольга Смирнова"
    other.save()
    assert "Ольга" in owner.get(url, {"q": "777"}).content.decode()
    assert "Ольга" not in owner.get(url, {"q": "555"}).content.decode()
    assert "Ольга" in owner.get(url, {"q": "смирн"}).content.decode()
    Client.objects.filter(pk=other.pk).delete()
    assert "Ольга" not in owner.get(url, {"q": "777"}).content.decode()


def test_the_list_says_more_than_1000_instead_of_counting_every_match(tenant_a, alice, monkeypatch):
    from frontdesk.clients import views

    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 2)
    for n in range(4):
        make_client(tenant_a, name=f"Анна {n}", phone=f"+7900555000{n}")
    url = reverse("clients:list", kwargs={"company_id": tenant_a.company.pk})
    owner = client_for(alice)
    assert "More than 1,000 clients" in owner.get(url, {"q": "5550"}).content.decode()
    assert "4 clients" in owner.get(url).content.decode()


def test_the_card_still_shows_its_changes_after_many_openings(tenant_a, alice):
    from frontdesk.core.audit import log_action

    client = make_client(tenant_a)
    for _n in range(101):
        log_action(client, code="client.viewed")
    url = reverse("clients:card", kwargs={"company_id": tenant_a.company.pk, "client_id": client.pk})
    assert "Card created" in client_for(alice).get(url).content.decode()
