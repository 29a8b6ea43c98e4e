"""The per-client facts behind the retention cohorts (`analytics.ClientMonth`), kept up to date by
the journal's record events and rebuilt at will.

Why facts: the cohort table of 24 months reads every completed record of the clients who first
came in those months — ~520,000 rows on the client-base benchmark at full size, seconds where the
target is 500 ms (`docs/analytics.md`). A client's rows are one per month with a visit, and the
table is one aggregate over them.

When: after the commit of each change (`DomainEvent.listen(after_commit=True)`), not inside it as
`ClientStats` is, so that a booking or a checkout costs the journal no extra query; the price is
that a crash between a commit and its listener leaves a client's rows stale until `manage.py
rebuild_client_facts` (whose `--check` lists them). A branch's time zone change re-dates visits and
also needs the rebuild.

How: `refresh(client_ids)` recomputes the given clients from their completed records — the same
history `reports/client_history.py` reads (a visit's day is its earliest completed record's local
date in its branch's zone) — deleting and writing their rows: four queries per batch of clients.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import DateField, Value

from frontdesk.analytics.models import ClientMonth
from frontdesk.analytics.reports.client_history import group_visits
from frontdesk.clients.signals import client_merged
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
COMPARED = ("month", "cohort", "first_company_id", "first_day", "here_day", "any_day", "back_here", "back_any")


def compute(client_ids: Iterable[int]) -> dict[int, list[ClientMonth]]:
    """Fresh rows (unsaved) of the given clients; a client with no completed visit has none.
    Two queries per batch of 2,000 clients."""
    ids = sorted({pk for pk in client_ids if pk is not None})
    out: dict[int, list[ClientMonth]] = {pk: [] for pk in ids}
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
        for client_id, visits in histories.items():
            out[client_id] = _rows(chains[client_id], client_id, visits)
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


def refresh(client_ids: Iterable[int]) -> None:
    """Rewrite the rows of these clients from their records, in one transaction: per batch of
    2,000 clients, two queries to read, one delete and one multi-row insert."""
    fresh = compute(client_ids)
    ids = list(fresh)
    table = connection.ops.quote_name(ClientMonth._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            # Plain SQL, not QuerySet.delete(): the event log's post_delete receiver listens to
            # every model, so Django loads each row as an instance before deleting it (25 of the
            # 70 s of a 2,000-client batch in a profile under load).
            chunk = ids[start : start + BATCH]
            cursor.execute(f"DELETE FROM {table} WHERE client_id IN ({', '.join(['%s'] * len(chunk))})", chunk)
        _insert([row for rows in fresh.values() for row in rows])


def _insert(rows: list[ClientMonth]) -> None:
    """The rows in one executemany of plain values. Not `bulk_create`: profiled on the
    client-base benchmark (2,000 clients, 14,000 rows), it spent 70 % of a rebuild compiling each
    value through the fields; a rebuild of 200,000 clients took tens of minutes for it."""
    if not rows:
        return
    fields = [field for field in ClientMonth._meta.concrete_fields if not field.primary_key]
    dates = [isinstance(field, DateField) for field in fields]
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(ClientMonth._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    values = [
        tuple(
            adapt(getattr(row, field.attname)) if is_date else getattr(row, field.attname)
            for field, is_date in zip(fields, dates, strict=True)
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})", values)


def _stored_differs(stored: list[ClientMonth], fresh: list[ClientMonth]) -> bool:
    def key(rows):
        return sorted(tuple(getattr(row, name) for name in COMPARED) for row in rows)

    return key(stored) != key(fresh)


def check(client_ids: Iterable[int]) -> list[int]:
    """The clients whose stored rows differ from a recomputation."""
    fresh = compute(client_ids)
    stored: dict[int, list] = {pk: [] for pk in fresh}
    for start in range(0, len(fresh), BATCH):
        chunk = list(fresh)[start : start + BATCH]
        for row in ClientMonth.objects.filter(client_id__in=chunk):
            stored[row.client_id].append(row)
    return [pk for pk in fresh if _stored_differs(stored[pk], fresh[pk])]


# ---------------------------------------------------------------- kept by the journal's events
def _record_changed(record, **previous):
    refresh([record.client_id])


def _client_changed(record, previous_client_id):
    refresh([record.client_id, previous_client_id])


def _clients_merged(client, merged_client_id):
    # The merge moved the duplicate's records with a queryset update (no record event); the
    # duplicate's own rows went with its card (CASCADE).
    refresh([client.pk])


def connect() -> None:
    """Called once, from AnalyticsConfig.ready()."""
    for event in (record_booked, record_moved, record_status_changed, record_deleted):
        event.listen(_record_changed, after_commit=True)
    record_client_changed.listen(_client_changed, after_commit=True)
    client_merged.listen(_clients_merged, after_commit=True)
