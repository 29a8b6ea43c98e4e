"""Clients' completed visits in time order, for the reports that follow a client over time (new,
returning, lost and reactivated clients; retention cohorts; churn).

A **visit** is a `Visit` with at least one completed record: its moment is the earliest start of
those records, its branch is the visit's branch, and its **day** is the local date of that moment
in the branch's own zone. A client's history is network-wide (cards are), so "first visit" and
"lost" mean the same here as on the client card and in the client list: `ClientStats.first_visit`
and the one lost rule of `frontdesk/clients/lost.py`.

**Lost** is that rule replayed over the history: after each visit the client's lost moment is
`lost_after(visits so far, first visit, latest start so far)` — what `ClientStats.lost_after` was
at that time; a client is lost when that moment has passed by now and the next visit (if any) came
after it, and the visit that ends the gap is a **reactivation**. A lost moment is dated in the zone
of the branch of the visit before it.

Every read here is one query over `Record` (plus one for the branches' zones); the rest is done in
Python over the rows read, which is exact across time zones and summer time but reads every
completed record in the range. The reports read it only for what the per-client facts cannot
serve (a specialist or source filter); otherwise they read the facts `client_facts` derives from
these same histories (`fact_rows`; `docs/analytics.md` gives the figures).
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import BooleanField, Case, Q, Value, When

from frontdesk.analytics.models import ClientVisit
from frontdesk.analytics.overview import _local_bounds
from frontdesk.clients.lost import lost_after
from frontdesk.clients.models import Client
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.tenancy.models import Company


@dataclass
class Visit:
    moment: datetime.datetime  # the earliest start of the visit's completed records
    latest: datetime.datetime  # the latest start of them
    company_id: int
    day: datetime.date  # the moment's local date in the branch's zone
    matches: bool  # one of its completed records passes the report's record filters


@dataclass(frozen=True)
class Lapse:
    """A client became lost: `moment` by the lost rule, dated `day` in the zone of `before`'s
    branch; `after` is the visit that ended it (None: not back yet)."""

    moment: datetime.datetime
    day: datetime.date
    before: Visit
    after: Visit | None


def network_zones(chain) -> dict[int, ZoneInfo]:
    """{branch id: its zone} for every branch of the network. One query."""
    return {pk: ZoneInfo(zone) for pk, zone in Company.objects.filter(chain=chain).values_list("pk", "timezone")}


def utc_range(zones, first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The instants that hold the local dates first…last in any of these zones."""
    bounds = [_local_bounds(first, last, zone.key) for zone in set(zones)]
    return min(b[0] for b in bounds), max(b[1] for b in bounds)


def fact_rows(filters) -> tuple:
    """(the `ClientVisit` rows a report reads, the scope of their columns: "here" or "any").

    The section reads one branch or the whole network, never another subset (as the retention
    cohorts): one branch reads its own rows and the `*_here` columns, the network every row and
    the `*_any` columns. A branch's rows are found by the branch alone, so that the covering
    index (company, day, …) answers without a lookup of the row. The client category keeps its
    clients (a subquery: one look-up of the category's clients, not a join per row)."""
    if len(filters.companies) == 1:
        rows, scope = ClientVisit.objects.filter(company_id=filters.companies[0].pk), "here"
    else:
        rows, scope = ClientVisit.objects.filter(chain=filters.chain), "any"
    if filters.client_category is not None:
        members = Client.categories.through.objects.filter(clientcategory_id=filters.client_category.pk)
        rows = rows.filter(client_id__in=members.values("client_id"))
    return rows, scope


def read_visits(filters, zones: dict[int, ZoneInfo], condition: Q) -> dict[int, list[Visit]]:
    """{client id: completed visits in time order} of the network's clients matching `condition`
    (a condition on `Record`) and the report's client category. `Visit.matches` says whether one
    of the visit's completed records passes the report's specialist and source filters. One query."""
    records = Record.objects.filter(condition, chain=filters.chain, status=RecordStatus.COMPLETED, client__isnull=False)
    if filters.client_category is not None:
        records = records.filter(client__categories=filters.client_category.pk)
    record_filters = dataclasses.replace(filters, client_category=None, category=None).records_q()
    if record_filters:
        matches = Case(When(record_filters, then=Value(True)), default=Value(False), output_field=BooleanField())
    else:
        matches = Value(True, output_field=BooleanField())
    rows = (
        records.annotate(matches=matches)
        .order_by()
        .values_list("client_id", "visit_id", "start", "company_id", "matches")
    )
    return group_visits(rows.iterator(chunk_size=5000), zones)


def group_visits(rows, zones: dict[int, ZoneInfo]) -> dict[int, list[Visit]]:
    """{client id: visits in time order} from completed records' (client id, visit id, start,
    branch id, matches) rows."""
    by_visit: dict[int, list] = {}
    for client_id, visit_id, start, company_id, match in rows:
        known = by_visit.get(visit_id)
        if known is None:
            by_visit[visit_id] = [client_id, start, start, company_id, bool(match)]
        else:
            known[1] = min(known[1], start)
            known[2] = max(known[2], start)
            known[4] = known[4] or bool(match)
    histories: dict[int, list[Visit]] = {}
    for client_id, moment, latest, company_id, match in by_visit.values():
        day = moment.astimezone(zones[company_id]).date()
        histories.setdefault(client_id, []).append(Visit(moment, latest, company_id, day, match))
    for visits in histories.values():
        visits.sort(key=lambda visit: visit.moment)
    return histories


def lapses(visits: list[Visit], zones: dict[int, ZoneInfo], now: datetime.datetime | None = None) -> list[Lapse]:
    """Every time this history's client became lost by `now` (the rule of `clients/lost.py`); with
    no `now`, every lapse the history holds, passed or still to come (what the per-client facts
    store: whether a lapse has happened is decided when a report is read)."""
    out = []
    latest = None
    for index, visit in enumerate(visits):
        latest = visit.latest if latest is None else max(latest, visit.latest)
        moment = lost_after(index + 1, visits[0].moment, latest)
        if moment is None:
            continue
        # Lost by now: a moment still to come is no lapse, whatever is booked after it.
        if now is not None and moment >= now:
            continue
        following = visits[index + 1] if index + 1 < len(visits) else None
        if following is not None and following.moment <= moment:
            continue
        out.append(Lapse(moment, moment.astimezone(zones[visit.company_id]).date(), visit, following))
    return out
