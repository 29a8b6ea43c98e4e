"""The per-client facts behind the Clients and Churn reports (`analytics.ClientVisit`): the reports
read them unless a filter needs the records, the journal's events keep them, and the maintainer's
commands rebuild and check them."""

import dataclasses
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase

from frontdesk.analytics import client_facts
from frontdesk.analytics.client_facts import churn_code
from frontdesk.analytics.models import ClientMonth, ClientVisit
from frontdesk.analytics.overview import Period
from frontdesk.analytics.reports.base import Filters
from frontdesk.analytics.reports.clients import FIGURES, _figures_from_records
from frontdesk.analytics.reports.retention import _churn_from_facts, _churn_from_records, month_starts
from frontdesk.analytics.tests.test_client_reports import D, build, came, moment, person
from frontdesk.analytics.tests.test_client_reports import salon as salon  # noqa: F401  (the fixture)
from frontdesk.clients.models import ClientCategory
from frontdesk.scheduling.models import Record, RecordStatus

pytestmark = pytest.mark.django_db


def test_the_clients_report_counts_the_same_from_the_facts_and_from_the_records(tenant_a, salon):
    # given: clients of two branches, one of them in a category, with visits that make each figure
    branches, _services, (first, second, other) = salon
    vip = ClientCategory.objects.create(chain=tenant_a.chain, title="VIP", colour="#f59e0b")
    regular, guest, newcomer = (person(tenant_a, name) for name in ("Постоянная", "Гостья", "Новая"))
    regular.categories.add(vip)
    for day in (D(2025, 10, 1), D(2025, 10, 15), D(2025, 11, 1), D(2026, 3, 10)):
        came(branches[0], first, regular, day)
    came(branches[1], other, guest, D(2026, 2, 27))
    came(branches[0], second, guest, D(2026, 3, 2))
    came(branches[0], first, newcomer, D(2026, 3, 20))
    now = moment(D(2026, 4, 5))

    for companies in ([branches[0]], branches):
        for extra in ({}, {"client_category": vip}):
            # when: the report reads the facts; the records' path (a specialist filter's) is the reference
            table = build("clients", companies, D(2026, 2, 25), D(2026, 3, 31), now, **extra).tables[0]
            filters = Filters(
                companies=tuple(companies),
                period=Period(D(2026, 2, 25), D(2026, 3, 31)),
                chain=tenant_a.chain,
                now=now,
                **extra,
            )
            _days, per_bucket, total = _figures_from_records(filters)

            # then
            assert table.totals[1:] == [len(total[name]) for name in FIGURES]
            assert [row[1:] for row in table.rows] == [
                [len(figures[name]) for name in FIGURES] for figures in per_bucket.values()
            ]
            # Churn over the months around them, the same way.
            months = month_starts(D(2025, 10, 1), D(2026, 4, 30))
            zones = {company.pk: company.tz for company in companies}
            wide = dataclasses.replace(filters, period=Period(months[0], D(2026, 4, 30)))
            assert _churn_from_facts(wide, months) == _churn_from_records(wide, zones, months)
    vip_only = build("clients", [branches[0]], D(2026, 3, 1), D(2026, 3, 31), now, client_category=vip).tables[0]
    assert vip_only.totals[1:] == [1, 0, 1, 0, 1]


@pytest.mark.parametrize(
    ("key", "extra", "queries"),
    [
        ("clients", {}, 3),
        ("clients", {"client_category": True}, 3),
        ("clients", {"specialist": True}, 2),  # the records: the zones and the records
        ("churn", {}, 1),
        ("churn", {"specialist": True}, 1),
    ],
)
def test_the_clients_and_churn_reports_take_a_fixed_number_of_queries(
    tenant_a, salon, django_assert_num_queries, key, extra, queries
):
    branches, _services, (first, _second, other) = salon
    vip = ClientCategory.objects.create(chain=tenant_a.chain, title="VIP", colour="#f59e0b")
    for n in range(8):
        client = person(tenant_a, f"Клиент {n}")
        client.categories.add(vip)
        for k in range(4):
            came(branches[n % 2], first if n % 2 == 0 else other, client, D(2025, 9 + k, 1 + n))
    chosen = {"client_category": vip, "specialist": first}
    arguments = {name: chosen[name] for name in extra}

    for companies in ([branches[0]], branches):
        with django_assert_num_queries(queries):
            build(key, companies, D(2025, 9, 3), D(2026, 2, 10), moment(D(2026, 7, 1)), **arguments)


def test_the_facts_follow_the_journal_and_the_rebuild_and_check_commands(tenant_a, salon):
    branches, _services, (first, *_rest) = salon
    client = person(tenant_a, "А")
    for day in (D(2026, 1, 10), D(2026, 1, 20), D(2026, 1, 30)):
        came(branches[0], first, client, day)
    late = came(branches[0], first, client, D(2026, 4, 20), status=RecordStatus.BOOKED)
    march = (D(2026, 3, 1), D(2026, 3, 31), moment(D(2026, 5, 1)))
    # 30 days after the last visit (1 March) the regular is lost; the booking is not a visit yet.
    assert build("clients", [branches[0]], *march).tables[0].totals[4] == 1
    assert ClientVisit.objects.filter(client=client).count() == 3

    # Checked out in another transaction: the listener rewrites the client's rows after the commit.
    late.status = RecordStatus.COMPLETED
    with TestCase.captureOnCommitCallbacks(execute=True):
        late.save()
    april = build("clients", [branches[0]], D(2026, 4, 1), D(2026, 4, 30), moment(D(2026, 5, 1))).tables[0]
    assert april.totals[1:] == [1, 0, 1, 0, 1]  # came back after having been lost

    # A queryset update sends no event: the facts still hold the visits until a rebuild.
    Record.objects.filter(client=client).update(status=RecordStatus.CANCELLED)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_analytics", stdout=out)
    assert f"client {client.pk}: the clients reports' facts differ from the records" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("rebuild_client_facts", "--check", stdout=io.StringIO())

    call_command("rebuild_analytics", chain=tenant_a.chain.pk, stdout=io.StringIO())

    call_command("rebuild_client_facts", "--check", stdout=io.StringIO())
    assert not ClientVisit.objects.filter(client=client).exists()
    assert build("clients", [branches[0]], *march).tables[0].totals[1:] == [0, 0, 0, 0, 0]


def test_churn_reads_a_visit_as_the_last_before_up_to_three_month_starts():
    # A visit on 15 January, nothing after: the last visit in the 90 days before 1 February,
    # 1 March and 1 April (15 January + 90 days = 15 April), and churned in each.
    assert divmod(churn_code(D(2026, 1, 15), None), 4) == (3, 3)
    # The next visit on 10 March: active before February and March; churned in none of them
    # (10 March is within 90 days of both), April finds the March visit the last one.
    assert divmod(churn_code(D(2026, 1, 15), D(2026, 3, 10)), 4) == (2, 0)
    # The next visit on 10 June: churned before February (+ 90 days: 2 May) and March (30 May),
    # not before April (30 June).
    assert divmod(churn_code(D(2026, 1, 15), D(2026, 6, 10)), 4) == (3, 2)
    # Two visits on one day: the first is never the last one before a month start.
    assert churn_code(D(2026, 1, 15), D(2026, 1, 15)) == 0


def test_migrate_builds_the_facts_of_an_upgraded_installation_whose_tables_start_empty(tenant_a, salon):
    # given: visits made before the facts' tables existed (the tables are empty, as after the upgrade)
    branches, _services, (first, *_rest) = salon
    client = person(tenant_a, "А")
    for day in (D(2026, 1, 10), D(2026, 1, 20), D(2026, 1, 30)):
        came(branches[0], first, client, day)
    ClientVisit.objects.all().delete()
    ClientMonth.objects.all().delete()
    assert (
        build("clients", [branches[0]], D(2026, 1, 1), D(2026, 1, 31), moment(D(2026, 2, 1))).tables[0].totals[1] == 0
    )

    # when: the maintainer runs migrate (nothing left to migrate: only its post-migrate steps run)
    call_command("migrate", verbosity=0)

    # then: the Clients report counts the client again, and a second migrate builds nothing more
    assert (
        build("clients", [branches[0]], D(2026, 1, 1), D(2026, 1, 31), moment(D(2026, 2, 1))).tables[0].totals[1] == 1
    )
    assert ClientVisit.objects.filter(client=client).count() == 3
    assert ClientMonth.objects.filter(client=client).exists()
    assert client_facts.build_missing() == 0
