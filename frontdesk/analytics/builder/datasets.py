"""The report builder's datasets: what a saved report may count and group by.

A dataset is a declared set of measures (ORM aggregates: a count, a sum, distinct clients, or the
ratio of two of them) and dimensions (a field to group by, with the field that names its value,
or a choice list; or the local date by day, week or month) over one table, with the condition
that puts a row on the branches and local dates of a report. `engine.run` turns a choice of them
into one grouped query and one totals query, whatever the number of branches or time zones.

A dataset is registered with `register_dataset`: goods and payroll plug in the same way once the
warehouse and payroll apps land (below analytics in the stack, so a module here declares their
datasets over their tables). `docs/analytics.md` lists what each figure counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontdesk.analytics import facts
from frontdesk.analytics.models import DayMoneyPart
from frontdesk.analytics.reports.base import CATEGORY, CLIENT_CATEGORY, COUNT, MINUTES, MONEY, SOURCE, SPECIALIST
from frontdesk.analytics.reports.periods import DAY, MONTH, WEEK
from frontdesk.clients.models import Client, ClientSource, Gender, Importance
from frontdesk.core.money import MoneySum
from frontdesk.finance.models import LineKind, PaymentMethod, SaleLine, SaleStatus, Transaction
from frontdesk.notifications.models import ChannelKind, Message, MessageEvent, MessageStatus
from frontdesk.scheduling.models import Record, RecordSource, RecordStatus


@dataclass(frozen=True)
class Measure:
    """A figure per group. `aggregate` builds the ORM aggregate; a ratio measure instead names two
    other measures of the dataset (`ratio=(numerator, denominator)`) and is their quotient (None
    when the denominator is 0), so an average is exact in every group and in the totals."""

    key: str
    label: Any
    kind: str = COUNT  # COUNT, MONEY or MINUTES
    aggregate: Callable[[], Any] | None = None
    ratio: tuple[str, str] | None = None


@dataclass(frozen=True)
class Dimension:
    """What rows are grouped by: `field` (an id or a stored value), named by `label_field` (read
    in the same query) or by `choices`; a date dimension has a `grain` instead and groups by the
    row's local date in its branch's time zone."""

    key: str
    label: Any
    field: str = ""
    label_field: str = ""
    choices: dict | None = None
    grain: str = ""

    @property
    def is_date(self) -> bool:
        return bool(self.grain)


DATE_DIMENSIONS = (
    Dimension("day", _("Day"), grain=DAY),
    Dimension("week", _("Week"), grain=WEEK),
    Dimension("month", _("Month"), grain=MONTH),
)


@dataclass(frozen=True)
class Dataset:
    """One table the builder reads. `company_prefix` reaches the row's branch and `time_field`
    through a relation ("sale__" for sale lines); None for chain-wide rows (clients), whose dates
    are read in the zone of the report's first branch. `filters` are the report filters that
    apply (the form refuses the others); `condition(filters)` turns the chosen ones into a Q."""

    key: str
    label: Any
    description: Any
    rows: Callable[[], Any]  # the base queryset (the chain and the period are added by the engine)
    time_field: str
    measures: tuple[Measure, ...]
    dimensions: tuple[Dimension, ...]
    company_prefix: str | None = ""
    filters: frozenset = frozenset()
    condition: Callable[[Any], Q] = field(default=lambda filters: Q())
    order: int = 100
    # A fact table's rows carry the branch's local date already (`time_field` is a DateField):
    # the period and the buckets are plain date comparisons, no time zone.
    local_date: bool = False
    # Run before the rows are read, e.g. to recompute the facts' stale days (`facts.refresh`).
    prepare: Callable[[Any], None] | None = None

    def measure(self, key: str) -> Measure | None:
        return next((m for m in self.measures if m.key == key), None)

    def dimension(self, key: str) -> Dimension | None:
        return next((d for d in (*DATE_DIMENSIONS, *self.dimensions) if d.key == key), None)

    @property
    def all_dimensions(self) -> tuple[Dimension, ...]:
        return (*DATE_DIMENSIONS, *self.dimensions)


_datasets: dict[str, Dataset] = {}


def register_dataset(dataset: Dataset) -> Dataset:
    if dataset.key in _datasets and _datasets[dataset.key] is not dataset:
        raise ValueError(f"two builder datasets are called {dataset.key!r}")
    keys = [m.key for m in dataset.measures] + [d.key for d in dataset.all_dimensions]
    if len(keys) != len(set(keys)):
        raise ValueError(f"the builder dataset {dataset.key!r} names a measure or dimension twice")
    for measure in dataset.measures:
        if measure.ratio and not all(dataset.measure(k) and dataset.measure(k).aggregate for k in measure.ratio):
            raise ValueError(f"the ratio {measure.key!r} names a measure {dataset.key!r} does not have")
    _datasets[dataset.key] = dataset
    return dataset


def get_dataset(key: str) -> Dataset | None:
    return _datasets.get(key)


def all_datasets() -> list[Dataset]:
    return sorted(_datasets.values(), key=lambda d: (d.order, d.key))


def _choices(text_choices) -> dict:
    return dict(text_choices.choices)


def _branch(prefix=""):
    return Dimension("branch", _("Branch"), f"{prefix}company_id", f"{prefix}company__name")


# ---------------------------------------------------------------- visits (records)
def _record_condition(filters) -> Q:
    return filters.records_q()


VISITS = register_dataset(
    Dataset(
        key="visits",
        label=_("Visits"),
        description=_(
            "Records by the local date they start, every status (group or filter by status). "
            "Value and time are the records' service lines at their booked price and length."
        ),
        rows=lambda: Record.objects.all(),
        time_field="start",
        measures=(
            Measure("records", _("Records"), COUNT, lambda: Count("id", distinct=True)),
            Measure("clients", _("Distinct clients"), COUNT, lambda: Count("client", distinct=True)),
            Measure("value", _("Value of services"), MONEY, lambda: Sum("lines__price")),
            Measure("minutes", _("Booked time"), MINUTES, lambda: Sum("lines__duration")),
            Measure("average_value", _("Average record value"), MONEY, ratio=("value", "records")),
        ),
        dimensions=(
            _branch(),
            Dimension("specialist", _("Specialist"), "specialist_id", "specialist__name"),
            Dimension("service", _("Service"), "lines__service_id", "lines__service__title"),
            Dimension("category", _("Service category"), "lines__service__category__title"),
            Dimension("source", _("Source"), "source", choices=_choices(RecordSource)),
            Dimension("status", _("Status"), "status", choices=_choices(RecordStatus)),
            Dimension("client_category", _("Client category"), "client__categories", "client__categories__title"),
        ),
        filters=frozenset({SPECIALIST, CATEGORY, SOURCE, CLIENT_CATEGORY}),
        condition=_record_condition,
        order=10,
    )
)


# ---------------------------------------------------------------- sale lines
def _sale_line_condition(filters) -> Q:
    condition = Q()
    if filters.specialist is not None:
        condition &= Q(record_service__record__specialist_id=filters.specialist.pk)
    if filters.source:
        condition &= Q(record_service__record__source=filters.source)
    if filters.client_category is not None:
        condition &= Q(sale__client__categories=filters.client_category.pk)
    if filters.category is not None:
        condition &= Q(service__category__title=filters.category.title)
    return condition


SALE_LINES = register_dataset(
    Dataset(
        key="sale_lines",
        label=_("Sale lines"),
        description=_(
            "What was sold at checkouts and at the counter, by the local date of the sale, at the "
            "line's price before a discount on the whole sale; fully refunded sales are left out."
        ),
        rows=lambda: SaleLine.objects.exclude(sale__status=SaleStatus.REFUNDED),
        time_field="created_at",
        company_prefix="sale__",
        measures=(
            Measure("lines", _("Lines"), COUNT, lambda: Count("id")),
            Measure("amount", _("Sold for"), MONEY, lambda: Sum("price")),
            Measure("sales", _("Sales"), COUNT, lambda: Count("sale", distinct=True)),
            Measure("clients", _("Distinct clients"), COUNT, lambda: Count("sale__client", distinct=True)),
            Measure("average_line", _("Average line price"), MONEY, ratio=("amount", "lines")),
            Measure("average_sale", _("Average sale"), MONEY, ratio=("amount", "sales")),
        ),
        dimensions=(
            _branch("sale__"),
            Dimension(
                "specialist",
                _("Specialist"),
                "record_service__record__specialist_id",
                "record_service__record__specialist__name",
            ),
            Dimension("service", _("Service"), "service_id", "service__title"),
            Dimension("category", _("Service category"), "service__category__title"),
            Dimension("kind", _("Line kind"), "kind", choices=_choices(LineKind)),
            Dimension(
                "client_category", _("Client category"), "sale__client__categories", "sale__client__categories__title"
            ),
        ),
        filters=frozenset({SPECIALIST, CATEGORY, SOURCE, CLIENT_CATEGORY}),
        condition=_sale_line_condition,
        order=20,
    )
)


# ---------------------------------------------------------------- payments (the money ledger)
PAYMENTS = register_dataset(
    Dataset(
        key="payments",
        label=_("Payments"),
        description=_(
            "Money rows of the cash desks and accounts by the local date the money moved: payments "
            "and refunds of sales, other income and expenses. Transfers between own accounts are left out."
        ),
        rows=lambda: Transaction.objects.filter(transfer__isnull=True),
        time_field="occurred_at",
        measures=(
            Measure("payments", _("Payments"), COUNT, lambda: Count("id")),
            Measure("net", _("Net amount"), MONEY, lambda: Sum("amount")),
            Measure("money_in", _("Money in"), MONEY, lambda: Sum("amount", filter=Q(amount__gt=0))),
            Measure("money_out", _("Money out"), MONEY, lambda: Sum(F("amount") * -1, filter=Q(amount__lt=0))),
            Measure(
                "sales_revenue", _("Revenue from sales"), MONEY, lambda: Sum("amount", filter=Q(sale__isnull=False))
            ),
            Measure("clients", _("Distinct clients"), COUNT, lambda: Count("sale__client", distinct=True)),
            Measure("average", _("Average amount"), MONEY, ratio=("net", "payments")),
        ),
        dimensions=(
            _branch(),
            Dimension("method", _("Payment method"), "method", choices=_choices(PaymentMethod)),
            Dimension("account", _("Account"), "account_id", "account__title"),
            Dimension("item", _("Payment item"), "item_id", "item__title"),
        ),
        order=30,
    )
)


# ---------------------------------------------------------------- revenue (the daily money facts)
def _refresh_money(filters) -> None:
    facts.refresh(filters.companies, filters.period.first, filters.period.last)


def _own_money(filters) -> Q:
    return Q(specialist_id=filters.specialist.pk) if filters.specialist is not None else Q()


REVENUE = register_dataset(
    Dataset(
        key="revenue",
        label=_("Revenue"),
        description=_(
            "Money for sales, net of refunds, by the local date it moved, split over what was sold in "
            "proportion to the lines' prices — the Revenue report's figures, by specialist, line kind "
            "and payment method."
        ),
        rows=lambda: DayMoneyPart.unscoped.all(),
        time_field="date",
        local_date=True,
        prepare=_refresh_money,
        measures=(
            Measure("revenue", _("Revenue"), MONEY, lambda: MoneySum(F("taken") + F("refunded"))),
            Measure("taken", pgettext_lazy("money column", "Paid"), MONEY, lambda: MoneySum("taken")),
            Measure("refunded", pgettext_lazy("money column", "Refunded"), MONEY, lambda: MoneySum("refunded")),
        ),
        dimensions=(
            _branch(),
            Dimension("specialist", _("Specialist"), "specialist_id", "specialist__name"),
            Dimension("kind", _("Line kind"), "kind", choices={**_choices(LineKind), "": _("Sales without lines")}),
            Dimension("method", _("Payment method"), "method", choices=_choices(PaymentMethod)),
        ),
        filters=frozenset({SPECIALIST}),
        condition=_own_money,
        order=25,
    )
)


# ---------------------------------------------------------------- clients (the base, network-wide)
def _client_condition(filters) -> Q:
    if filters.client_category is not None:
        return Q(categories=filters.client_category.pk)
    return Q()


CLIENTS = register_dataset(
    Dataset(
        key="clients",
        label=_("Clients"),
        description=_(
            "Client cards of the network by the date they were added (in this branch's time zone); "
            "visits and no-shows are each card's totals."
        ),
        rows=lambda: Client.objects.filter(erased_at__isnull=True),
        time_field="created_at",
        company_prefix=None,
        measures=(
            Measure("clients", _("Clients"), COUNT, lambda: Count("id", distinct=True)),
            Measure("visits", _("Completed visits"), COUNT, lambda: Sum("stats__visits")),
            Measure("no_shows", _("No-shows"), COUNT, lambda: Sum("stats__no_shows")),
        ),
        dimensions=(
            Dimension("source", _("How they found us"), "source", choices=_choices(ClientSource)),
            Dimension("gender", _("Gender"), "gender", choices={"": _("Not set"), **_choices(Gender)}),
            Dimension("importance", _("Importance"), "importance", choices=_choices(Importance)),
            Dimension("client_category", _("Client category"), "categories", "categories__title"),
        ),
        filters=frozenset({CLIENT_CATEGORY}),
        condition=_client_condition,
        order=40,
    )
)


# ---------------------------------------------------------------- messages (the outbox)
MESSAGES = register_dataset(
    Dataset(
        key="messages",
        label=_("Messages"),
        description=_("Messages of the outbox by the local date they were written: every channel and status."),
        rows=lambda: Message.objects.all(),
        time_field="created_at",
        measures=(
            Measure("messages", _("Messages"), COUNT, lambda: Count("id")),
            Measure("sent", pgettext_lazy("messages", "Sent"), COUNT, lambda: Count("id", filter=Q(status="sent"))),
            Measure(
                "failed", pgettext_lazy("messages", "Failed"), COUNT, lambda: Count("id", filter=Q(status="failed"))
            ),
            Measure("cost", _("Cost"), MONEY, lambda: Sum("cost")),
            Measure("clients", _("Distinct clients"), COUNT, lambda: Count("client", distinct=True)),
        ),
        dimensions=(
            _branch(),
            Dimension("channel", _("Channel"), "channel", choices=_choices(ChannelKind)),
            Dimension("event", _("Event"), "event", choices=_choices(MessageEvent)),
            Dimension("status", _("Status"), "status", choices=_choices(MessageStatus)),
        ),
        order=50,
    )
)
