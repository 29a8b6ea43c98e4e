"""Per-client totals (visits, no-shows, spend, first and last visit, usual interval) kept in
`ClientStats`, so that the client list filters and sorts through indexes.

The table belongs to the client base (`frontdesk.clients`), but the totals are counted from the
records, which the journal owns; the client base may not read them (it sits below). So the
journal keeps the table: `refresh_client_stats(client_ids)` recomputes the rows of the given
clients from their records with two aggregate queries and writes them in the caller's
transaction. It runs on every event the journal sends about a record (`signals.py`: every way a
record is booked, moved, changes status or client, or its lines change goes through a model save
or delete, and each becomes an event) and on `clients.client_merged` (the merge moves records
with a queryset update, which sends no event). `manage.py verify_client_stats` recomputes all and
reports (or fixes) differences.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Max, Min, Q

from frontdesk.clients.lost import lost_after
from frontdesk.clients.models import Client, ClientStats
from frontdesk.clients.models import Client as _Client
from frontdesk.clients.models import ClientStats as _ClientStats
from frontdesk.clients.signals import client_merged
from frontdesk.core.money import MoneySum
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.scheduling.models import Record as _Record
from frontdesk.scheduling.models import RecordService as _RecordService
from frontdesk.scheduling.signals import (
    record_booked,
    record_client_changed,
    record_deleted,
    record_lines_changed,
    record_moved,
    record_status_changed,
)

COMPLETED = RecordStatus.COMPLETED
BATCH = 2000
FIELDS = ("visits", "no_shows", "spend", "first_visit", "last_visit", "interval_days", "lost_after")


def compute_stats(client_ids: Iterable[int], apps=None) -> dict[int, ClientStats]:
    """Fresh totals of the given (existing) clients, as unsaved ClientStats rows. `apps`: the
    historical models of a migration (the backfill), else the current ones."""
    Client, ClientStats, Record, RecordService = _models(apps)
    ids = sorted({pk for pk in client_ids if pk is not None})
    result: dict[int, ClientStats] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        chains = dict(Client._base_manager.filter(pk__in=chunk).values_list("pk", "chain_id"))
        done = Q(status=COMPLETED)
        records = {
            row["client_id"]: row
            for row in Record._base_manager.filter(client_id__in=list(chains))
            .order_by()
            .values("client_id")
            .annotate(
                visits=Count("visit_id", distinct=True, filter=done),
                no_shows=Count("id", filter=Q(status=RecordStatus.NO_SHOW)),
                first_visit=Min("start", filter=done),
                last_visit=Max("start", filter=done),
            )
        }
        spend = dict(
            RecordService._base_manager.filter(record__client_id__in=list(chains), record__status=COMPLETED)
            .order_by()
            .values("record__client_id")
            .annotate(s=MoneySum("price"))
            .values_list("record__client_id", "s")
        )
        for pk, chain_id in chains.items():
            row = records.get(pk, {})
            stats = ClientStats(
                client_id=pk,
                chain_id=chain_id,
                visits=row.get("visits") or 0,
                no_shows=row.get("no_shows") or 0,
                spend=(spend.get(pk) or Decimal("0")).quantize(Decimal("0.01")),
                first_visit=row.get("first_visit"),
                last_visit=row.get("last_visit"),
            )
            if stats.visits >= 2 and stats.first_visit and stats.last_visit:
                seconds = (stats.last_visit - stats.first_visit).total_seconds() / (stats.visits - 1)
                stats.interval_days = round(seconds / 86400, 2)
                stats.lost_after = lost_after(stats.visits, stats.first_visit, stats.last_visit)
            result[pk] = stats
    return result


def _models(apps):
    if apps is None:
        return _Client, _ClientStats, _Record, _RecordService
    return (
        apps.get_model("clients", "Client"),
        apps.get_model("clients", "ClientStats"),
        apps.get_model("scheduling", "Record"),
        apps.get_model("scheduling", "RecordService"),
    )


def refresh_client_stats(client_ids: Iterable[int], apps=None) -> None:
    """Recompute and store the totals of these clients (inside the caller's transaction)."""
    ClientStats = _models(apps)[1]
    fresh = list(compute_stats(client_ids, apps).values())
    if fresh:
        ClientStats.objects.bulk_create(
            fresh, batch_size=500, update_conflicts=True, unique_fields=["client"], update_fields=FIELDS
        )


def differences(stored: ClientStats | None, fresh: ClientStats) -> dict:
    """{field: (stored, fresh)} where the cached row disagrees with a recomputation."""
    out = {}
    for name in FIELDS:
        have = getattr(stored, name) if stored is not None else ClientStats._meta.get_field(name).get_default()
        want = getattr(fresh, name)
        if isinstance(want, float) or isinstance(have, float):
            same = have is not None and want is not None and abs(have - want) < 0.01
            same = same or (have is None and want is None)
        else:
            same = have == want
        if not same:
            out[name] = (have, want)
    return out


def backfill(apps, schema_editor):
    """The migration's first fill of the cache."""
    Client = apps.get_model("clients", "Client")
    ids = list(Client._base_manager.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        refresh_client_stats(ids[start : start + BATCH], apps)


def verify(chain_id: int | None = None, *, fix: bool = False) -> list[tuple[int, dict]]:
    """Every client whose cached totals differ from a recomputation: [(client id, differences)]."""
    clients = Client._base_manager.order_by("pk")
    if chain_id is not None:
        clients = clients.filter(chain_id=chain_id)
    ids = list(clients.values_list("pk", flat=True))
    wrong = []
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        fresh = compute_stats(chunk)
        stored = ClientStats.objects.in_bulk(chunk)
        bad = [(pk, diff) for pk in chunk if (diff := differences(stored.get(pk), fresh[pk]))]
        wrong.extend(bad)
        if fix and bad:
            refresh_client_stats([pk for pk, _diff in bad])
    return wrong


# ---------------------------------------------------------------- keeping it up to date
# Inside the transaction of the change: the totals are never seen out of step with the records.
def _record_changed(record, **previous):
    refresh_client_stats([record.client_id])


def _client_changed(record, previous_client_id):
    refresh_client_stats([record.client_id, previous_client_id])


def _line_changed(line):
    record = line._state.fields_cache.get("record")
    if record is not None:
        client_id = record.client_id
    else:
        client_id = Record._base_manager.filter(pk=line.record_id).values_list("client_id", flat=True).first()
    if client_id is not None:
        refresh_client_stats([client_id])


def _clients_merged(client, merged_client_id):
    # The merge moved the duplicate's records to `client` with a queryset update: no record event.
    refresh_client_stats([client.pk])


def connect() -> None:
    """Called once, from SchedulingConfig.ready()."""
    for event in (record_booked, record_moved, record_status_changed, record_deleted):
        event.listen(_record_changed)
    record_client_changed.listen(_client_changed)
    record_lines_changed.listen(_line_changed)
    client_merged.listen(_clients_merged)
