"""The per-client facts of the clients reports, kept up to date by the journal's record events and
rebuilt at will: `analytics.ClientMonth` (one row per client and month with a visit: the retention
cohorts) and `analytics.ClientVisit` (one row per completed visit: clients — new, returning, lost,
reactivated — and churn).

Why facts: the cohort table of 24 months reads every completed record of the clients who first
came in those months, and Clients and Churn read every completed record of their period and
replay each client's history — ~520,000 rows and seconds on the client-base benchmark at full size,
where an owner expects the page in well under a second (`docs/analytics.md`). Stored per client,
each figure is an aggregate over an index.

When: after the commit of each change (`DomainEvent.listen(after_commit=True)`), not inside it as
`ClientStats` is, so that a booking or a checkout costs the journal no extra query; the price is
that a crash between a commit and its listener leaves a client's rows stale until `manage.py
rebuild_client_facts` (whose `--check` lists them; `verify_analytics` reports them too). A branch's
time zone change re-dates visits and also needs the rebuild (`rebuild_analytics` runs it).

How: `refresh(client_ids)` recomputes the given clients from their completed records — the same
history `reports/client_history.py` reads (a visit's day is its earliest completed record's local
date in its branch's zone; lapses by the lost rule replayed over it) — deleting and writing their
rows: per batch of clients, the reads, one plain delete and one multi-row insert per table.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import connection, connections, transaction
from django.db.models import Value

from frontdesk.analytics.models import ClientDay, ClientMonth, ClientVisit
from frontdesk.analytics.reports import periods
from frontdesk.analytics.reports.client_history import group_visits, lapses
from frontdesk.analytics.reports.retention import CHURN_DAYS, add_months
from frontdesk.clients.models import Client, ClientStats
from frontdesk.clients.signals import client_merged
from frontdesk.core import events
from frontdesk.core.scopes import scopes_disabled
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.scheduling.signals import (
    record_booked,
    record_client_changed,
    record_deleted,
    record_moved,
    record_status_changed,
)
from frontdesk.tenancy.models import Company

BATCH = 2000
MODELS = (ClientMonth, ClientVisit, ClientDay)
COMPARED = ("month", "cohort", "first_company_id", "first_day", "here_day", "any_day", "back_here", "back_any")
VISIT_COMPARED = (
    "company_id",
    "day",
    "first_day",
    "prev_any",
    "prev_here",
    "fresh_any",
    "fresh_here",
    "new_in",
    "churn_any",
    "churn_here",
    "lost_at",
    "lost_day",
    "back_from",
)
DAY_COMPARED = ("company_id", "day", "first_at", "prev_any", "prev_here")
GRAINS = ((periods.DAY, ClientVisit.DAY), (periods.WEEK, ClientVisit.WEEK), (periods.MONTH, ClientVisit.MONTH))


@dataclass
class ClientFacts:
    """A client's rows of the three tables (unsaved)."""

    months: list[ClientMonth] = field(default_factory=list)
    visits: list[ClientVisit] = field(default_factory=list)
    days: list[ClientDay] = field(default_factory=list)


def compute(client_ids: Iterable[int]) -> dict[int, ClientFacts]:
    """Fresh rows (unsaved) of the given clients; a client with no completed visit has none.
    Two queries per batch of 2,000 clients."""
    ids = sorted({pk for pk in client_ids if pk is not None})
    out: dict[int, ClientFacts] = {pk: ClientFacts() for pk in ids}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = list(
            Record._base_manager.filter(client_id__in=chunk, status=RecordStatus.COMPLETED)
            .order_by()
            .values_list("client_id", "visit_id", "start", "company_id", Value(True), "chain_id")
        )
        companies = {row[3] for row in rows}
        zones = {
            pk: ZoneInfo(zone)
            for pk, zone in Company._base_manager.filter(pk__in=companies).values_list("pk", "timezone")
        }
        chains = {row[0]: row[5] for row in rows}
        histories = group_visits((row[:5] for row in rows), zones)
        days = _day_rows(rows, zones)
        for client_id, visits in histories.items():
            out[client_id] = ClientFacts(
                _rows(chains[client_id], client_id, visits),
                _visit_rows(chains[client_id], client_id, visits, zones),
                days[client_id],
            )
    return out


def _day_rows(rows, zones) -> dict[int, list[ClientDay]]:
    """{client id: `ClientDay` rows} from the completed records' (client, visit, start, branch, _,
    network) rows: one per branch and local date with a record, linked in (day, branch) order."""
    dates: dict[int, set] = {}
    first_at: dict[int, datetime.datetime] = {}
    chains: dict[int, int] = {}
    for client_id, _visit_id, start, company_id, _match, chain_id in rows:
        dates.setdefault(client_id, set()).add((start.astimezone(zones[company_id]).date(), company_id))
        first_at[client_id] = min(first_at.get(client_id, start), start)
        chains[client_id] = chain_id
    out: dict[int, list[ClientDay]] = {}
    for client_id, keys in dates.items():
        before_any, before_here, days = None, {}, []
        for day, company_id in sorted(keys):
            days.append(
                ClientDay(
                    chain_id=chains[client_id],
                    client_id=client_id,
                    company_id=company_id,
                    day=day,
                    first_at=first_at[client_id],
                    prev_any=before_any,
                    prev_here=before_here.get(company_id),
                )
            )
            before_any, before_here[company_id] = day, day
        out[client_id] = days
    return out


def _rows(chain_id, client_id, visits) -> list[ClientMonth]:
    first = visits[0]
    later_here = [v.day for v in visits if v.company_id == first.company_id and v.day > first.day]
    later_any = [v.day for v in visits if v.day > first.day]
    months: dict = {}
    for visit in visits:
        month = visit.day.replace(day=1)
        here, anywhere = months.get(month, (None, None))
        if visit.company_id == first.company_id and (here is None or visit.day < here):
            here = visit.day
        if anywhere is None or visit.day < anywhere:
            anywhere = visit.day
        months[month] = (here, anywhere)
    common = {
        "chain_id": chain_id,
        "client_id": client_id,
        "cohort": first.day.replace(day=1),
        "first_company_id": first.company_id,
        "first_day": first.day,
        "back_here": (min(later_here) - first.day).days if later_here else None,
        "back_any": (min(later_any) - first.day).days if later_any else None,
    }
    return [
        ClientMonth(month=month, here_day=here, any_day=anywhere, **common)
        for month, (here, anywhere) in sorted(months.items())
    ]


def _visit_rows(chain_id, client_id, visits, zones) -> list[ClientVisit]:
    """One `ClientVisit` per visit (the model's docstring says what each column holds)."""
    first_day = visits[0].day
    rows = {
        id(visit): ClientVisit(
            chain_id=chain_id,
            client_id=client_id,
            company_id=visit.company_id,
            day=visit.day,
            first_day=first_day,
            new_in=sum(
                bit for grain, bit in GRAINS if periods.bucket(first_day, grain) == periods.bucket(visit.day, grain)
            ),
        )
        for visit in visits
    }
    ordered = sorted(visits, key=lambda visit: (visit.day, visit.moment))
    _link(ordered, rows, "any")
    for company_id in {visit.company_id for visit in visits}:
        _link([visit for visit in ordered if visit.company_id == company_id], rows, "here")
    for lapse in lapses(visits, zones):
        rows[id(lapse.before)].lost_at = lapse.moment
        rows[id(lapse.before)].lost_day = lapse.day
        if lapse.after is not None:
            rows[id(lapse.after)].back_from = lapse.moment
    return [rows[id(visit)] for visit in ordered]


def _link(ordered, rows, scope: str) -> None:
    """Fill a scope's `prev_*`, `fresh_*` and `churn_*` from its visits in (day, moment) order."""
    for index, visit in enumerate(ordered):
        before = ordered[index - 1].day if index else None
        after = ordered[index + 1].day if index + 1 < len(ordered) else None
        row = rows[id(visit)]
        setattr(row, f"prev_{scope}", before)
        fresh = sum(bit for grain, bit in GRAINS if before is None or before < periods.bucket(visit.day, grain))
        setattr(row, f"fresh_{scope}", fresh)
        setattr(row, f"churn_{scope}", churn_code(visit.day, after))


def churn_code(day: datetime.date, following: datetime.date | None) -> int:
    """4 × A + C for a visit on `day` whose next visit in its scope is on `following` (None: none).
    For the month starts after `day` that are at most 90 days after it (three at most), this visit
    is the client's last in the 90 days before the month began when the next one is on or after
    the month's start (A counts those months: they come first), and the client churned that month
    when the next one is 90 days or more after the start (C; C ≤ A)."""
    window = datetime.timedelta(days=CHURN_DAYS)
    active = churned = 0
    month = add_months(day.replace(day=1), 1)
    while month <= day + window:
        active += following is None or following >= month
        churned += following is None or following >= month + window
        month = add_months(month, 1)
    return 4 * active + churned


def refresh(client_ids: Iterable[int]) -> None:
    """Rewrite the rows of these clients from their records, in one transaction: per batch of
    2,000 clients, the reads of `compute`, then one plain delete and one multi-row insert per
    table."""
    fresh = compute(client_ids)
    ids = list(fresh)
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            # Plain SQL, not QuerySet.delete(): the event log's post_delete receiver listens to
            # every model, so Django loads each row as an instance before deleting it (25 of the
            # 70 s of a 2,000-client batch in a profile under load).
            chunk = ids[start : start + BATCH]
            for model in MODELS:
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table} WHERE client_id IN ({', '.join(['%s'] * len(chunk))})", chunk)
        _insert(ClientMonth, [row for rows in fresh.values() for row in rows.months])
        _insert(ClientVisit, [row for rows in fresh.values() for row in rows.visits])
        _insert(ClientDay, [row for rows in fresh.values() for row in rows.days])


def _insert(model, rows) -> None:
    """The rows in one executemany of plain values. Not `bulk_create`: profiled on the
    client-base benchmark (2,000 clients, 14,000 rows), it spent 70 % of a rebuild compiling each
    value through the fields; a rebuild of 200,000 clients took tens of minutes for it."""
    if not rows:
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    values = [
        tuple(field.get_db_prep_value(getattr(row, field.attname), connection) for field in fields) for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})", values)


def _key(rows, names):
    return sorted(tuple(getattr(row, name) for name in names) for row in rows)


def check(client_ids: Iterable[int]) -> list[int]:
    """The clients whose stored rows (of any of the three tables) differ from a recomputation. Five
    queries per batch of 2,000 clients."""
    fresh = compute(client_ids)
    stored: dict[int, ClientFacts] = {pk: ClientFacts() for pk in fresh}
    ids = list(fresh)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        for row in ClientMonth.objects.filter(client_id__in=chunk):
            stored[row.client_id].months.append(row)
        for row in ClientVisit.objects.filter(client_id__in=chunk):
            stored[row.client_id].visits.append(row)
        for row in ClientDay.objects.filter(client_id__in=chunk):
            stored[row.client_id].days.append(row)
    return [
        pk
        for pk in ids
        if _key(stored[pk].months, COMPARED) != _key(fresh[pk].months, COMPARED)
        or _key(stored[pk].visits, VISIT_COMPARED) != _key(fresh[pk].visits, VISIT_COMPARED)
        or _key(stored[pk].days, DAY_COMPARED) != _key(fresh[pk].days, DAY_COMPARED)
    ]


def _client_ids(chain_id: int | None) -> list[int]:
    with scopes_disabled():
        clients = Client._base_manager.order_by("pk")
        if chain_id:
            clients = clients.filter(chain_id=chain_id)
        return list(clients.values_list("pk", flat=True))


def rebuild(chain_id: int | None = None) -> int:
    """Rewrite the facts of every client (of one network) from the records, a batch of 2,000
    clients per transaction; returns the number of clients."""
    ids = _client_ids(chain_id)
    for start in range(0, len(ids), BATCH):
        refresh(ids[start : start + BATCH])
    return len(ids)


def build_missing(using="default", verbosity=1, **_kwargs) -> int:
    """After `migrate`: build the facts of every network whose clients have completed visits but
    no facts yet — an installation upgraded across the migrations that created the tables, which
    start empty (the events fill them only for clients who change). Runs the current code on the
    final schema, so it is a `post_migrate` step, not a data migration. Four queries when nothing is
    missing (a fresh database, every later `migrate`); returns the number of clients built."""
    if ClientDay._meta.db_table not in connections[using].introspection.table_names():
        return 0  # migrated backwards, below the newest table
    with scopes_disabled():
        # Built: rows in each table (a table added later starts empty for every network).
        built = set.intersection(
            *(set(model.objects.using(using).values_list("chain_id", flat=True).distinct()) for model in MODELS)
        )
        waiting = set(
            ClientStats.objects.using(using).filter(visits__gt=0).values_list("chain_id", flat=True).distinct()
        )
    clients = 0
    for chain_id in sorted(waiting - built):
        clients += rebuild(chain_id)
    if clients and verbosity:
        print(f"  analytics: built the clients reports' facts of {clients} client(s)")
    return clients


def differing(chain_id: int | None = None) -> tuple[int, list[int]]:
    """(clients checked, the clients whose stored facts differ from the records)."""
    ids = _client_ids(chain_id)
    wrong = []
    for start in range(0, len(ids), BATCH):
        wrong.extend(check(ids[start : start + BATCH]))
    return len(ids), wrong


# ---------------------------------------------------------------- kept by the journal's events
def _record_changed(record, **previous):
    refresh([record.client_id])


def _client_changed(record, previous_client_id):
    refresh([record.client_id, previous_client_id])


def _clients_merged(client, merged_client_id):
    # The merge moved the duplicate's records with a queryset update (no record event); the
    # duplicate's own rows went with its card (CASCADE).
    refresh([client.pk])


# Which clients each listener refreshes, from its payload (for `flush`).
_CLIENTS_OF = {
    _record_changed: lambda payload: [payload["record"].client_id],
    _client_changed: lambda payload: [payload["record"].client_id, payload["previous_client_id"]],
    _clients_merged: lambda payload: [payload["client"].pk],
}


def flush() -> None:
    """Refresh now, inside the current transaction, the clients whose after-commit refresh is
    still waiting for it to commit — so that a reader in the same transaction as the change (a
    job, a test) sees the facts as they will be. The refreshes still run after the commit. No
    query when nothing waits: always so for a request that changed nothing (every page of the
    overview), since the listeners ran when the change's own transaction committed."""
    ids = {
        client_id
        for listener, clients in _CLIENTS_OF.items()
        for payload in events.waiting(listener)
        for client_id in clients(payload)
    }
    if ids:
        refresh(ids)


def connect() -> None:
    """Called once, from AnalyticsConfig.ready()."""
    for event in (record_booked, record_moved, record_status_changed, record_deleted):
        event.listen(_record_changed, after_commit=True)
    record_client_changed.listen(_client_changed, after_commit=True)
    client_merged.listen(_clients_merged, after_commit=True)
