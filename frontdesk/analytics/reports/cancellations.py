"""Cancellations and no-shows with their reasons: how many and why (`Record.cancel_reason`, asked
in the journal, set by itself for a no-show, a client's own cancellation and an unpaid
prepayment), who cancelled (the client online, the salon, automatically), how long before the
start, and the no-show rate by specialist and by client category.

Records are counted by the local date they start, as every visits figure is. The no-show rate is
no-shows among the visits that were due (came or did not come), as in «Visits by status»; the
cancelled share is of every record booked. Records cancelled before reasons were kept count as
"not stated". A client in two categories counts in both.

Queries: four, whatever the period, branches or data."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from frontdesk.analytics.overview import CAME
from frontdesk.analytics.reports import base, periods
from frontdesk.analytics.reports.visits import STATUS_LABELS
from frontdesk.scheduling.models import CancelledBy, CancelReason, Record, RecordStatus

NOT_STATED = _("Not stated")
HOUR = datetime.timedelta(hours=1)

# How long before the start a cancellation came: (key, label, condition on the record).
LEAD_TIMES = (
    ("after", _("After the start"), Q(cancelled_at__gte=F("start"))),
    ("2h", _("Less than 2 hours before"), Q(cancelled_at__lt=F("start"), cancelled_at__gte=F("start") - 2 * HOUR)),
    (
        "24h",
        _("2 to 24 hours before"),
        Q(cancelled_at__lt=F("start") - 2 * HOUR, cancelled_at__gte=F("start") - 24 * HOUR),
    ),
    (
        "3d",
        _("1 to 3 days before"),
        Q(cancelled_at__lt=F("start") - 24 * HOUR, cancelled_at__gte=F("start") - 72 * HOUR),
    ),
    ("more", _("More than 3 days before"), Q(cancelled_at__lt=F("start") - 72 * HOUR)),
    ("unknown", _("Not recorded"), Q(cancelled_at__isnull=True)),
)


def _count(condition: Q | None = None) -> Count:
    # Distinct: a service-category filter joins the service lines, one row per line.
    return Count("id", distinct=True, filter=condition)


@base.register
class Cancellations(base.Report):
    key = "cancellations"
    title = _("Cancellations and no-shows")
    description = _(
        "Why visits did not take place: reasons, who cancelled and how long before, no-show rate by "
        "specialist and client category."
    )
    group = "visits"
    order = 30
    filters = frozenset({base.SPECIALIST, base.CATEGORY, base.SOURCE, base.CLIENT_CATEGORY})

    def build(self, filters: base.Filters) -> base.Result:
        records = Record.objects.filter(
            periods.in_period(filters.companies, filters.period, "start"), filters.records_q()
        )
        reasons = _by_reason(records)
        return base.Result(
            tables=[reasons, _by_whom_and_when(records), _by_specialist(records), _by_client_category(records)],
            chart=base.Chart(
                base.Chart.DOUGHNUT,
                [row[0] for row in reasons.rows],
                [base.Series(_("Cancellations and no-shows"), [row[1] for row in reasons.rows])],
            )
            if reasons.rows
            else None,
            notes=[
                _(
                    "Records by the day they start. No-show rate: no-shows among the visits that were due "
                    "(came or did not come); cancelled share: of all the records booked."
                ),
                _("Cancellations made before reasons were kept are counted as “not stated”."),
            ],
        )


def _by_reason(records) -> base.Table:
    """Cancellations and no-shows by reason, most frequent first (one query)."""
    counted = {
        row["cancel_reason"]: row
        for row in records.filter(status__in=RecordStatus.LOST)
        .values("cancel_reason")
        .annotate(
            cancelled=_count(Q(status=RecordStatus.CANCELLED)),
            no_show=_count(Q(status=RecordStatus.NO_SHOW)),
        )
        .order_by()
    }
    total = sum(row["cancelled"] + row["no_show"] for row in counted.values())
    labels = dict(CancelReason.choices)
    keyed = sorted(
        ((reason, row["cancelled"] + row["no_show"]) for reason, row in counted.items()), key=lambda kv: -kv[1]
    )
    rows = [[labels.get(reason) or NOT_STATED, n, base.share(n, total)] for reason, n in keyed]
    return base.Table(
        [
            base.Column("reason", _("Reason")),
            base.Column("count", _("Records"), base.COUNT),
            base.Column("share", _("Share"), base.SHARE),
        ],
        rows,
        totals=[_("Total"), total, 1 if total else None] if rows else None,
        title=_("By reason"),
        keys=[reason for reason, _n in keyed],
    )


def _by_whom_and_when(records) -> base.Table:
    """Cancellations (not no-shows) by who made them and how long before the start (one query)."""
    cancelled = Q(status=RecordStatus.CANCELLED)
    figures = records.aggregate(
        total=_count(cancelled),
        **{f"by_{who}": _count(cancelled & Q(cancelled_by=who)) for who in CancelledBy.values},
        **{f"lead_{key}": _count(cancelled & condition) for key, _label, condition in LEAD_TIMES},
    )
    total = figures["total"]
    unknown_who = total - sum(figures[f"by_{who}"] for who in CancelledBy.values)
    rows = [
        [label, figures[f"by_{who}"], base.share(figures[f"by_{who}"], total)] for who, label in CancelledBy.choices
    ]
    rows.append([_("Not recorded"), unknown_who, base.share(unknown_who, total)])
    rows += [
        [label, figures[f"lead_{key}"], base.share(figures[f"lead_{key}"], total)] for key, label, _c in LEAD_TIMES
    ]
    return base.Table(
        [
            base.Column("what", _("Who cancelled and how long before the start")),
            base.Column("count", STATUS_LABELS["cancelled"], base.COUNT),
            base.Column("share", _("Share"), base.SHARE),
        ],
        rows if total else [],
        title=_("Who cancelled, and when"),
        keys=[*CancelledBy.values, "by_unknown", *[f"lead_{key}" for key, _l, _c in LEAD_TIMES]] if total else None,
    )


def _by_specialist(records) -> base.Table:
    """Records, came, cancelled and no-shows per specialist (one query)."""
    rows, keys = [], []
    totals = dict.fromkeys(("total", "came", "cancelled", "no_show"), 0)
    for row in (
        records.values("specialist_id", "specialist__name")
        .annotate(
            total=_count(),
            came=_count(Q(status__in=CAME)),
            cancelled=_count(Q(status=RecordStatus.CANCELLED)),
            no_show=_count(Q(status=RecordStatus.NO_SHOW)),
        )
        .order_by("specialist__name", "specialist_id")
    ):
        for name in totals:
            totals[name] += row[name]
        rows.append(_specialist_row(row["specialist__name"], row))
        keys.append(row["specialist_id"])
    return base.Table(
        [
            base.Column("specialist", _("Specialist")),
            base.Column("records", _("Records"), base.COUNT),
            base.Column("came", _("Came"), base.COUNT),
            base.Column("cancelled", STATUS_LABELS["cancelled"], base.COUNT),
            base.Column("no_show", _("No-shows"), base.COUNT),
            base.Column("cancelled_share", _("Cancelled, share"), base.SHARE),
            base.Column("no_show_rate", _("No-show rate"), base.SHARE),
        ],
        rows,
        totals=_specialist_row(_("Total"), totals) if rows else None,
        title=_("By specialist"),
        keys=keys,
    )


def _specialist_row(label, row) -> list:
    return [
        label,
        row["total"],
        row["came"],
        row["cancelled"],
        row["no_show"],
        base.share(row["cancelled"], row["total"]),
        base.no_show_rate(row["came"], row["no_show"]),
    ]


def _by_client_category(records) -> base.Table:
    """Visits due, no-shows and the no-show rate per client category; clients in no category (and
    records without a client) on a line of their own (one query)."""
    rows, keys = [], []
    for row in (
        records.filter(status__in=(*CAME, RecordStatus.NO_SHOW))
        .values("client__categories", "client__categories__title")
        .annotate(came=_count(Q(status__in=CAME)), no_show=_count(Q(status=RecordStatus.NO_SHOW)))
        .order_by("client__categories__title", "client__categories")
    ):
        title = row["client__categories__title"] or _("No category")
        rows.append(
            [title, row["came"] + row["no_show"], row["no_show"], base.no_show_rate(row["came"], row["no_show"])]
        )
        keys.append(row["client__categories"])
    # The category-less line last.
    order = sorted(range(len(rows)), key=lambda i: keys[i] is None)
    return base.Table(
        [
            base.Column("category", _("Client category")),
            base.Column("due", _("Visits due"), base.COUNT),
            base.Column("no_show", _("No-shows"), base.COUNT),
            base.Column("no_show_rate", _("No-show rate"), base.SHARE),
        ],
        [rows[i] for i in order],
        title=_("No-shows by client category"),
        keys=[keys[i] for i in order],
    )
