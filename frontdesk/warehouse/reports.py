"""The warehouse reports, read from the stock ledger: remains on a date, movements, sales of
goods, turnover and purchases per supplier. Read-only; the pages and workbooks are
`report_views.py` and `report_sheets.py`.

Every report covers a `Scope` — a branch or the whole network, and optionally one warehouse of it
— and reads each branch's own local dates: a period's moments are bounded per branch by its time
zone (`finance.reports.period_bounds`), so a network report over branches in two zones counts
each branch's day as that branch lives it. Where stock is matters, not who wrote the document: a
line counts in the branch of its warehouse (a transfer to another branch arrives there).

Queries are fixed whatever the number of rows; each function's docstring says how many. The
formulas are in docs/warehouse.md («Reports»)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Count, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from frontdesk.core.money import to_money
from frontdesk.finance.models import LineKind, SaleLine
from frontdesk.finance.reports import period_bounds
from frontdesk.payments.receipts import allocate
from frontdesk.warehouse.models import (
    QUANTITY,
    Goods,
    MovementKind,
    StockMove,
    StockRemain,
    Unit,
    Warehouse,
    title_contains,
)

ZERO = Decimal("0")
_QTY = DecimalField(**QUANTITY)
_MONEY = DecimalField(max_digits=14, decimal_places=2)
# What leaves the shelf for good, for turnover: sold, spent on work, written off (a client's
# return gives back to the sold quantity).
OUTFLOW_KINDS = (MovementKind.SALE, MovementKind.CONSUMPTION, MovementKind.WRITE_OFF)
PURCHASE_KINDS = (MovementKind.RECEIPT, MovementKind.SUPPLIER_RETURN)
SALES_BY = ("item", "category", "seller", "branch")


@dataclass(frozen=True)
class Scope:
    """The branches a report covers and their warehouses (archived ones too: their history
    counts). `warehouse` narrows it to one of them."""

    companies: tuple
    warehouses: dict  # id -> Warehouse, with its company

    @classmethod
    def of(cls, companies, warehouse: Warehouse | None = None) -> Scope:
        """One query: the warehouses of the branches (or the one asked for)."""
        companies = tuple(companies)
        rows = Warehouse.objects.filter(company__in=companies).select_related("company")
        if warehouse is not None:
            rows = rows.filter(pk=warehouse.pk)
        return cls(companies, {w.pk: w for w in rows})

    def warehouse_ids(self, companies=None) -> list[int]:
        ids = None if companies is None else {company.pk for company in companies}
        return [pk for pk, w in self.warehouses.items() if ids is None or w.company_id in ids]

    def zones(self) -> list[tuple]:
        """The branches grouped by time zone: a local day has one span per zone, so a network in
        one zone reads its period as one range (one index range per warehouse, not an OR)."""
        return _zones(self.companies)

    def period_q(self, first: datetime.date, last: datetime.date) -> Q:
        """Lines of the scope's warehouses within each branch's local days first..last."""
        found = Q(pk__in=[])
        for group in self.zones():
            start, end = period_bounds(first, last, group[0].tz)
            found |= Q(warehouse_id__in=self.warehouse_ids(group), occurred_at__gte=start, occurred_at__lt=end)
        return found

    def after_q(self, day: datetime.date) -> Q:
        """Lines of the scope's warehouses after the end of each branch's local `day`."""
        found = Q(pk__in=[])
        for group in self.zones():
            end = period_bounds(day, day, group[0].tz)[1]
            found |= Q(warehouse_id__in=self.warehouse_ids(group), occurred_at__gte=end)
        return found


def goods_filter(rows, *, category_ids=None, query: str = "", prefix: str = "goods__"):
    """Narrow rows to goods of the categories (ids, a folder with its sub-folders) and whose name
    or article holds `query`."""
    if category_ids:
        rows = rows.filter(**{f"{prefix}category_id__in": category_ids})
    if query:
        rows = rows.filter(title_contains(query, prefix) | Q(**{f"{prefix}article__icontains": query}))
    return rows


def unit_cost(quantity, value) -> Decimal | None:
    """The average cost of a row shown in a report: its value per unit, none when nothing is held."""
    return (value / quantity).quantize(Decimal("0.01")) if quantity and quantity > 0 else None


# ---------------------------------------------------------------- remains on a date
@dataclass
class RemainsReport:
    day: datetime.date
    today: bool
    rows: object  # a queryset of remains dicts, sorted by name: page it, then `resolve` the page
    total_value: Decimal
    categories: list  # (category title or "", value)
    later: dict = field(default_factory=dict)  # (warehouse, item) -> (quantity, value) after the day

    def resolve(self, rows):
        """The rows as they stood on the day: `held` and `worth` less what moved after it, with
        the average cost and the unit's name."""
        units = dict(Unit.choices)
        for row in rows:
            quantity, value = self.later.get((row["warehouse_id"], row["goods_id"]), (ZERO, ZERO))
            row["held"], row["worth"] = row["quantity"] - quantity, row["value"] - value
            row["average"] = unit_cost(row["held"], row["worth"])
            row["unit_label"] = units.get(row["unit"], row["unit"])
            yield row


def remains_on(scope: Scope, day: datetime.date, *, today: datetime.date, category_ids=None, query: str = ""):
    """What the scope's warehouses held of each item at the end of the local `day`, with its value.

    Today (or later) it is `StockRemain`. For a past day each row is `StockRemain` less the lines
    after that day — the ledger's sum up to that moment, since `StockRemain` is the sum of all the
    lines (`verify_stock`; the property test compares with the plain sum). What moved after the
    day is read once, grouped per (warehouse, item): the cost grows with what moved since, not with
    the history. Rows that held nothing and were worth nothing on that day are left out. `rows`
    are remains dicts sorted by the item's name, for a paginator; `resolve` a page. Queries: a
    page costs a count and one query, the totals two more; a past day two more (the lines after
    it and the remains rows they touch)."""
    is_today = day >= today
    remains = goods_filter(
        StockRemain.objects.filter(warehouse_id__in=scope.warehouse_ids()), category_ids=category_ids, query=query
    )
    rows = remains.exclude(quantity=0, value=0)
    later: dict = {}
    if not is_today:
        moved = goods_filter(StockMove.objects.filter(scope.after_q(day)), category_ids=category_ids, query=query)
        later = {
            (w, g): (q, v)
            for w, g, q, v in moved.values_list("warehouse_id", "goods_id")
            .annotate(q=Sum("quantity"), v=Sum("value"))
            .order_by()
        }
        # Rows empty today that held something on the day come in; rows that held nothing on the
        # day (everything they have came after it) go out.
        touched = remains.filter(goods_id__in={g for _w, g in later}).values_list(
            "pk", "warehouse_id", "goods_id", "quantity", "value"
        )
        empty_then, held_then = [], []
        for pk, w, g, quantity, value in touched:
            moved_q, moved_v = later.get((w, g), (None, None))
            if moved_q is None:
                continue
            if quantity == moved_q and value == moved_v:
                empty_then.append(pk)
            elif quantity == 0 and value == 0:
                held_then.append(pk)
        rows = remains.filter(~Q(quantity=0, value=0) | Q(pk__in=held_then)).exclude(pk__in=empty_then)
    listed = rows.values(
        "warehouse_id",
        "goods_id",
        "quantity",
        "value",
        warehouse_title=F("warehouse__title"),
        title=F("goods__title"),
        article=F("goods__article"),
        category=F("goods__category__title"),
        unit=F("goods__writeoff_unit"),
    ).order_by("goods__title", "goods_id", "warehouse_id")
    total = (remains.aggregate(v=Sum("value"))["v"] or ZERO) - sum((v for _q, v in later.values()), ZERO)
    by_category = _category_values(remains, None if is_today else scope.after_q(day), category_ids, query)
    return RemainsReport(
        day=day, today=is_today, rows=listed, total_value=to_money(total), categories=by_category, later=later
    )


def _category_values(remains, after: Q | None, category_ids, query) -> list:
    """Value per category on the day: the remains' less the lines after it. Two queries (one today)."""
    values: dict = defaultdict(lambda: ZERO)
    for title, value in remains.values_list("goods__category__title").annotate(v=Sum("value")).order_by():
        values[title or ""] += value or ZERO
    if after is not None:
        later = goods_filter(StockMove.objects.filter(after), category_ids=category_ids, query=query)
        for title, value in later.values_list("goods__category__title").annotate(v=Sum("value")).order_by():
            values[title or ""] -= value or ZERO
    return sorted(((title, to_money(v)) for title, v in values.items() if v), key=lambda p: (p[0] == "", p[0]))


# ---------------------------------------------------------------- movements for a period
def movements(scope: Scope, first, last, *, kind: str = "", category_ids=None, query: str = "", supplier=None):
    """Every line moved in the scope's warehouses over the local days first..last, newest first,
    with its document, the supplier, the sale and who wrote it (one query for a page, plus the
    count). `movement_totals` sums them by kind."""
    rows = StockMove.objects.filter(scope.period_q(first, last))
    if kind:
        rows = rows.filter(document__kind=kind)
    if supplier is not None:
        rows = rows.filter(document__supplier=supplier)
    rows = goods_filter(rows, category_ids=category_ids, query=query)
    return rows.select_related(
        "document", "document__supplier", "document__created_by", "goods", "warehouse", "warehouse__company"
    ).order_by("-occurred_at", "-id")


def movement_totals(lines) -> list[dict]:
    """Per kind: lines, value in and value out. One query."""
    found = (
        lines.order_by()
        .values("document__kind")
        .annotate(
            value_in=Coalesce(Sum("value", filter=Q(quantity__gt=0)), Value(ZERO), output_field=_MONEY),
            value_out=Coalesce(Sum("value", filter=Q(quantity__lt=0)), Value(ZERO), output_field=_MONEY),
        )
    )
    labels = dict(MovementKind.choices)
    return sorted(({"kind": labels[row["document__kind"]], **row} for row in found), key=lambda row: str(row["kind"]))


def cause(line: StockMove) -> str:
    """Who or what moved the line, in words: the supplier and their document, the sale, the
    reason of a write-off, the stocktaking."""
    doc = line.document
    if doc.kind in PURCHASE_KINDS and doc.supplier_id:
        text = doc.supplier.name
        if doc.supplier_document:
            text += " · " + _("document No. %(number)s") % {"number": doc.supplier_document}
        return text
    if doc.sale_id:
        return _("Sale #%(number)s") % {"number": doc.sale_id}
    if doc.kind == MovementKind.TRANSFER:
        return _("Transfer in") if line.quantity > 0 else _("Transfer out")
    if doc.kind == MovementKind.ADJUSTMENT:
        return _("Stocktaking")
    return doc.reason or doc.comment


# ---------------------------------------------------------------- sales of goods
@dataclass
class SalesRow:
    key: object
    label: str
    quantity: Decimal = ZERO  # in sale units, net of returns
    revenue: Decimal = ZERO
    cost: Decimal = ZERO

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost

    @property
    def margin_share(self) -> Decimal | None:
        return (self.margin / self.revenue * 100).quantize(Decimal("0.1")) if self.revenue else None


@dataclass
class SalesReport:
    by: str
    rows: list[SalesRow]
    total: SalesRow = field(default_factory=lambda: SalesRow(None, ""))

    def chart(self) -> dict:
        """The first ten rows by revenue as a bar chart (core/charts.js draws it)."""
        top = sorted(self.rows, key=lambda r: -r.revenue)[:10]
        return {
            "type": "bar",
            "values": "money",
            "labels": [r.label for r in top],
            "series": [
                {"label": _("Revenue"), "data": [float(r.revenue) for r in top]},
                {"label": _("Margin"), "data": [float(r.margin) for r in top]},
            ],
        }


def goods_sales(scope: Scope, first, last, *, by: str = "item", category_ids=None, query: str = "") -> SalesReport:
    """Goods sold in the scope's branches over the local days first..last (the day the goods left
    the shelf: the sale document's), grouped `by` item, category, seller or branch.

    Per sale line: quantity sold less returned; revenue = the line's share of what the sale
    charged (its total split over all its lines by their sums, `payments.receipts.allocate`, the
    receipts' rule) less the returned units' part; cost = what the sale's moves of the item carried
    out less what the client's returns brought back. Margin = revenue − cost. Four queries."""
    documents = StockMove.objects.filter(scope.period_q(first, last), document__kind=MovementKind.SALE)
    sale_ids = documents.values("document__sale_id")
    sale_lines = list(
        SaleLine.objects.filter(sale_id__in=sale_ids)
        .order_by("sale_id", "position", "id")
        .values(
            "id",
            "sale_id",
            "kind",
            "ref",
            "quantity",
            "returned",
            "amount",
            "seller_id",
            seller_name=F("seller__name"),
            total=F("sale__total"),
            company_id=F("sale__company_id"),
            company_name=F("sale__company__name"),
        )
    )
    costs: dict = defaultdict(lambda: ZERO)  # (sale, goods) -> cost carried out, net of returns
    for sale_id, goods_id, value in (
        StockMove.objects.filter(
            document__sale_id__in=sale_ids, document__kind__in=[MovementKind.SALE, MovementKind.CLIENT_RETURN]
        )
        .values_list("document__sale_id", "goods_id")
        .annotate(v=Sum("value"))
        .order_by()
    ):
        costs[(sale_id, goods_id)] -= value
    refs = {int(line["ref"]) for line in sale_lines if line["kind"] == LineKind.GOODS and str(line["ref"]).isdigit()}
    goods = {
        row["pk"]: row
        for row in goods_filter(Goods.objects.filter(pk__in=refs), category_ids=category_ids, query=query, prefix="")
        .values("pk", "title", "category_id", category_title=F("category__title"))
        .order_by()
    }
    report = SalesReport(by=by, rows=[])
    groups: dict = {}
    for sale_id, lines in _by_sale(sale_lines):
        shares = allocate(lines[0]["total"], [line["amount"] for line in lines])
        for line, share in zip(lines, shares, strict=True):
            item = goods.get(int(line["ref"])) if line["kind"] == LineKind.GOODS and line["ref"].isdigit() else None
            if item is None:
                continue
            kept = line["quantity"] - line["returned"]
            revenue = to_money(share * kept / line["quantity"])
            cost = to_money(costs.pop((sale_id, item["pk"]), ZERO))
            key, label = _group_key(by, line, item)
            row = groups.get(key) or groups.setdefault(key, SalesRow(key, label))
            for target in (row, report.total):
                target.quantity += kept
                target.revenue += revenue
                target.cost += cost
    report.rows = sorted(groups.values(), key=lambda r: (r.label == "", str(r.label).lower()))
    return report


def _by_sale(lines):
    current, bucket = None, []
    for line in lines:
        if line["sale_id"] != current and bucket:
            yield current, bucket
            bucket = []
        current = line["sale_id"]
        bucket.append(line)
    if bucket:
        yield current, bucket


def _group_key(by: str, line: dict, item: dict):
    if by == "category":
        return item["category_id"], item["category_title"] or _("Without a category")
    if by == "seller":
        return line["seller_id"], line["seller_name"] or _("Seller not given")
    if by == "branch":
        return line["company_id"], line["company_name"]
    return item["pk"], item["title"]


# ---------------------------------------------------------------- turnover
@dataclass
class TurnoverRow:
    goods_id: int
    title: str
    article: str
    unit: str
    opening: Decimal = ZERO
    opening_value: Decimal = ZERO
    closing: Decimal = ZERO
    average: Decimal = ZERO  # average stock, write-off units
    average_value: Decimal = ZERO
    outflow: Decimal = ZERO  # sold + consumed + written off − returned by clients
    days_of_stock: Decimal | None = None  # none when nothing went out

    @property
    def turns(self) -> Decimal | None:
        return (self.outflow / self.average).quantize(Decimal("0.01")) if self.average > 0 else None


def turnover(scope: Scope, first, last, *, category_ids=None, query: str = "") -> list[TurnoverRow]:
    """Per item held or moved in the scope over the local days first..last: the stock at the start
    and the end, the average stock (the mean of the stock at the end of each day of the period,
    quantity and value), the outflow, and days of stock = average stock ÷ (outflow ÷ days).
    Items that neither held nor moved anything are left out. Sorted by name.

    Queries: the remains, the lines since `first` per item, and the period's lines per item and
    local day — one per time zone among the branches (a network in one zone: three in all)."""
    days = (last - first).days + 1
    remains = goods_filter(
        StockRemain.objects.filter(warehouse_id__in=scope.warehouse_ids()), category_ids=category_ids, query=query
    )
    rows: dict[int, TurnoverRow] = {}
    for pk, title, article, unit, quantity, value in (
        remains.values_list("goods_id", "goods__title", "goods__article", "goods__writeoff_unit")
        .annotate(q=Sum("quantity"), v=Sum("value"))
        .order_by()
    ):
        rows[pk] = TurnoverRow(pk, title, article, unit, opening=quantity, opening_value=value)
    since = StockMove.objects.filter(scope.after_q(first - datetime.timedelta(days=1)))
    for pk, quantity, value in (
        goods_filter(since, category_ids=category_ids, query=query)
        .values_list("goods_id")
        .annotate(q=Sum("quantity"), v=Sum("value"))
        .order_by()
    ):
        row = rows[pk]  # a line always has its remains row (services.move writes both)
        row.opening -= quantity
        row.opening_value -= value
    # Sum over days of the stock at each day's end = opening × days + Σ line × (days it stayed).
    held = {pk: [row.opening * days, row.opening_value * days] for pk, row in rows.items()}
    for company_group in _zones(scope.companies):
        lines = goods_filter(
            StockMove.objects.filter(Scope(company_group, scope.warehouses).period_q(first, last)),
            category_ids=category_ids,
            query=query,
        )
        tz = company_group[0].tz
        for pk, day, quantity, value, out in (
            lines.annotate(day=TruncDate("occurred_at", tzinfo=tz))
            .values_list("goods_id", "day")
            .annotate(
                q=Sum("quantity"),
                v=Sum("value"),
                out=Coalesce(
                    Sum(
                        Case(
                            When(document__kind__in=OUTFLOW_KINDS, then=-F("quantity")),
                            When(document__kind=MovementKind.CLIENT_RETURN, then=-F("quantity")),
                            default=Value(ZERO),
                            output_field=_QTY,
                        )
                    ),
                    Value(ZERO),
                    output_field=_QTY,
                ),
            )
            .order_by()
        ):
            stayed = (last - day).days + 1
            row = rows[pk]
            row.closing += quantity
            row.outflow += out
            held[pk][0] += quantity * stayed
            held[pk][1] += value * stayed
    result = []
    for pk, row in rows.items():
        row.closing += row.opening
        row.average = (held[pk][0] / days).quantize(Decimal("0.001"))
        row.average_value = to_money(held[pk][1] / days)
        if row.outflow > 0:
            row.days_of_stock = (row.average * days / row.outflow).quantize(Decimal("0.1"))
        if row.opening or row.closing or row.outflow or held[pk][0]:
            result.append(row)
    return sorted(result, key=lambda r: (r.title.lower(), r.goods_id))


def _zones(companies) -> list[tuple]:
    groups: dict[str, list] = defaultdict(list)
    for company in companies:
        groups[company.timezone].append(company)
    return [tuple(group) for _zone, group in sorted(groups.items())]


# ---------------------------------------------------------------- purchases per supplier
def purchases(scope: Scope, first, last, *, supplier=None, category_ids=None, query: str = ""):
    """Receipt lines (and returns to suppliers, negative) in the scope over the local days
    first..last, oldest first: the date, the supplier and their document number, the item, the
    quantity, the price and the sum. One query for a page plus the count."""
    rows = StockMove.objects.filter(scope.period_q(first, last), document__kind__in=PURCHASE_KINDS)
    if supplier is not None:
        rows = rows.filter(document__supplier=supplier)
    rows = goods_filter(rows, category_ids=category_ids, query=query)
    return rows.select_related("document", "document__supplier", "goods", "warehouse", "warehouse__company").order_by(
        "occurred_at", "document_id", "id"
    )


def supplier_totals(lines) -> list[dict]:
    """Per supplier: receipts (documents), lines and the sum. One query."""
    return list(
        lines.order_by()
        .values(supplier_name=Coalesce(F("document__supplier__name"), Value(""), output_field=CharField()))
        .annotate(
            documents=Count("document_id", distinct=True),
            lines=Count("id"),
            value=Coalesce(Sum("value"), Value(ZERO), output_field=_MONEY),
        )
        .order_by("supplier_name")
    )
