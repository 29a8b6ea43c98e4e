"""Class occupancy: seats taken ÷ seats of the classes (group events) held in the period — per
class, per kind of class, per trainer, and over time."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from frontdesk.analytics.overview import CAME, FillRate, _in_period
from frontdesk.analytics.reports import base, periods
from frontdesk.scheduling.models import GroupEvent, GroupEventStatus, RecordStatus

# The list of single classes stops here; the summaries above it count every class.
LIST_LIMIT = 500


def classes(filters: base.Filters):
    """The classes starting on the period's local dates, not cancelled, with `seats_taken` (places
    of participants who are booked, confirmed, came or did not come — as the class's own page
    counts them) and `came`. One query."""
    events = GroupEvent.objects.filter(_in_period(filters.companies, filters.period, "start")).exclude(
        status=GroupEventStatus.CANCELLED
    )
    if filters.specialist is not None:
        events = events.filter(specialist_id=filters.specialist.pk)
    return (
        events.annotate(
            seats_taken=Count("records", filter=Q(records__status__in=RecordStatus.TAKING_A_SEAT)),
            came=Count("records", filter=Q(records__status__in=CAME)),
        )
        .select_related("service", "specialist", "company")
        .order_by("start", "id")
    )


def _summary_columns(first: base.Column) -> list[base.Column]:
    return [
        first,
        base.Column("classes", _("Classes"), base.COUNT),
        base.Column("seats", _("Places"), base.COUNT),
        base.Column("taken", _("Places taken"), base.COUNT),
        base.Column("came", _("Came"), base.COUNT),
        base.Column("occupancy", _("Occupancy"), base.SHARE),
    ]


def _summary(groups: dict, title, first: base.Column) -> base.Table:
    order = sorted(groups, key=lambda key: str(key))
    rows = [[key, *_figures(groups[key])] for key in order]
    total = [sum(values[i] for values in groups.values()) for i in range(4)]
    return base.Table(_summary_columns(first), rows, totals=[_("Total"), *_figures(total)], title=title, keys=order)


def _figures(values) -> list:
    count, seats, taken, came = values
    return [count, seats, taken, came, FillRate.of(taken, seats).rate]


@base.register
class ClassOccupancy(base.Report):
    key = "classes"
    title = _("Class occupancy")
    description = _("Places taken in group classes against the places they have: per class, kind of class and trainer.")
    group = "staff"
    order = 20
    filters = frozenset({base.SPECIALIST})

    def build(self, filters: base.Filters) -> base.Result:
        grain, days, labels = periods.axis(filters.period)
        by_kind: dict = defaultdict(lambda: [0, 0, 0, 0])
        by_trainer: dict = defaultdict(lambda: [0, 0, 0, 0])
        by_bucket: dict = defaultdict(lambda: [0, 0, 0, 0])
        listed = []
        for event in classes(filters):
            values = (1, event.capacity, event.seats_taken, event.came)
            local = event.start.astimezone(event.company.tz)
            for groups, key in (
                (by_kind, event.service.title),
                (by_trainer, event.specialist.name),
                (by_bucket, periods.bucket(local.date(), grain)),
            ):
                for index, value in enumerate(values):
                    groups[key][index] += value
            if len(listed) < LIST_LIMIT:
                listed.append(
                    [
                        date_format(local, "SHORT_DATETIME_FORMAT"),
                        event.service.title,
                        event.specialist.name,
                        *([event.company.name] if filters.network else []),
                        event.capacity,
                        event.seats_taken,
                        event.came,
                        FillRate.of(event.seats_taken, event.capacity).rate,
                    ]
                )
        chart = base.Chart(
            base.Chart.LINE,
            labels,
            [
                base.Series(
                    _("Occupancy"),
                    [FillRate.of(by_bucket[d][2], by_bucket[d][1]).rate if d in by_bucket else None for d in days],
                )
            ],
            kind_of_values=base.SHARE,
        )
        single = base.Table(
            [
                base.Column("start", _("Start")),
                base.Column("class", _("Class")),
                base.Column("trainer", _("Trainer")),
                *([base.Column("branch", _("Branch"))] if filters.network else []),
                base.Column("seats", _("Places"), base.COUNT),
                base.Column("taken", _("Places taken"), base.COUNT),
                base.Column("came", _("Came"), base.COUNT),
                base.Column("occupancy", _("Occupancy"), base.SHARE),
            ],
            listed,
            title=_("Each class"),
        )
        notes = [
            _(
                "A place is taken by a participant who is booked, confirmed, came or did not come; "
                "cancelled classes are not counted."
            )
        ]
        if len(listed) == LIST_LIMIT and sum(v[0] for v in by_kind.values()) > LIST_LIMIT:
            notes.append(_("Only the first %(limit)d classes are listed one by one.") % {"limit": LIST_LIMIT})
        return base.Result(
            tables=[
                _summary(by_kind, _("Kinds of class"), base.Column("class", _("Class"))),
                _summary(by_trainer, _("Trainers"), base.Column("trainer", _("Trainer"))),
                single,
            ],
            chart=chart,
            notes=notes,
        )
