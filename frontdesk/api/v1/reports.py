"""YCLIENTS' Z-report («Z-отчёт»): one day of a branch's sales — what was sold to whom by which
specialist and how it was paid, the totals, and the money per cash desk. Needs a user token
whose member may view finance in the branch (the same right as the cash report's page).

The money per cash desk is the finance cash report's (`finance.reports.cash_report`: each
account's net movement that day); the sales are those money moved for that day, money and
loyalty means (bonuses, certificates, abonements) alike; a sale's discount and payments are
split over its lines in proportion to their prices, as a receipt splits them
(`payments.receipts.allocate`). Fixed number of queries whatever the day holds."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Min, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from frontdesk.accounts.permissions import Level, Section
from frontdesk.api.auth import require_user
from frontdesk.api.routing import company_or_404, route
from frontdesk.api.v1.analytics import whole
from frontdesk.api.wire import invalid, ok, optional_int, parse_date
from frontdesk.finance.models import LineKind, MeansPayment, PaymentMethod, Sale, SaleLine, Transaction
from frontdesk.finance.reports import cash_report, day_bounds
from frontdesk.payments.receipts import allocate
from frontdesk.scheduling.models import Record
from frontdesk.staff.models import Specialist

router = Router(tags=["reports"])

ZERO = Decimal("0.00")
# Which list of a master's entry a line goes to; certificates and abonements are "others".
LIST_OF_KIND = {LineKind.SERVICE: "service", LineKind.GOODS: "good"}


@route(
    router,
    "GET",
    "/v1/reports/z_report/{company_id}",
    summary="Z-report of a day",
    description="Query: start_date (YYYY-MM-DD, the branch's date; today without it), master_id.",
)
def get_z_report(request, company_id: str, start_date: str | None = None, master_id: str | None = None):
    company = company_or_404(company_id)
    require_user(request, Section.FINANCE, Level.VIEW, company)
    tz = company.tz
    day = parse_date(start_date, "start_date") or timezone.now().astimezone(tz).date()
    master = optional_int(master_id, "master_id") or None
    if master and not Specialist.objects.filter(pk=master, companies=company).exists():
        raise invalid(_("No such specialist in this branch."), "master_id")
    start, end = day_bounds(day, tz)
    cash = cash_report([company], day, tz)
    payments: dict[int, list[tuple]] = defaultdict(list)
    for row in Transaction.objects.filter(
        company=company, sale__isnull=False, occurred_at__gte=start, occurred_at__lt=end
    ).values_list("sale_id", "amount", "method", "occurred_at"):
        payments[row[0]].append((row[1], ZERO, str(PaymentMethod(row[2]).label), row[3]))
    discounts: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for sale_id, amount, label, moment in MeansPayment.objects.filter(
        company=company, created_at__gte=start, created_at__lt=end
    ).values_list("sale_id", "amount", "label", "created_at"):
        payments[sale_id].append((ZERO, amount, label, moment))
        discounts[label] += amount
    lines = SaleLine.objects.select_related("record_service__record__specialist").order_by("position", "pk")
    sales = list(
        Sale.objects.filter(pk__in=list(payments))
        .select_related("client")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("pk")
    )
    starts = dict(
        Record.objects.filter(visit_id__in=[s.visit_id for s in sales if s.visit_id])
        .values("visit_id")
        .annotate(first=Min("start"))
        .order_by()
        .values_list("visit_id", "first")
    )
    report = _Report(master)
    for sale in sales:
        report.add(sale, payments[sale.pk], starts.get(sale.visit_id))
    # The desks money moved through that day (one with only a balance from before is not news).
    accounts = [a for a in cash.accounts if a.total_in or a.total_out]
    data = {
        "stats": report.stats(),
        "paids": {
            "accounts": [{"title": a.account.title, "amount": whole(a.total_in + a.total_out)} for a in accounts],
            "discount": [{"title": title, "amount": float(amount)} for title, amount in sorted(discounts.items())],
            "total": {
                "accounts": float(sum((a.total_in + a.total_out for a in accounts), ZERO)),
                "discount": float(sum(discounts.values(), ZERO)),
            },
        },
        "z_data": report.z_data(),
        "currency": company.chain.currency_symbol,
    }
    return ok(data)


class _Report:
    """Collects the day's sales into YCLIENTS' z_data (moment → clients → masters → items) and
    the stats over the lines shown (one specialist's with `master`)."""

    def __init__(self, master: int | None):
        self.master = master
        self.groups: dict[int, list[dict]] = defaultdict(list)
        self.clients: set[int] = set()
        self.records: dict[int, bool] = {}  # record id → has a client
        self.record_paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
        self.counts = defaultdict(int)
        self.paid = defaultdict(lambda: ZERO)

    def add(self, sale: Sale, payments: list[tuple], visit_start):
        lines = list(sale.lines.all())
        if not lines:
            return
        prices = [line.amount for line in lines]  # a goods line's sum: unit price × quantity
        discounts = allocate(sale.discount, prices)
        results = [price - discount for price, discount in zip(prices, discounts, strict=True)]
        per_line = [[] for _line in lines]
        for money, loyalty, label, _moment in payments:
            for index, (m, lo) in enumerate(zip(allocate(money, results), allocate(loyalty, results), strict=True)):
                per_line[index].append((m, lo, label))
        masters: dict[int, dict] = {}
        for line, discount, result, moves in zip(lines, discounts, results, per_line, strict=True):
            record = line.record_service.record if line.record_service_id else None
            specialist = record.specialist if record else None
            if self.master and (specialist is None or specialist.pk != self.master):
                continue
            entry = masters.setdefault(
                specialist.pk if specialist else 0,
                {
                    "master_id": specialist.pk if specialist else 0,
                    "master_name": specialist.name if specialist else "",
                    "service": [],
                    "good": [],
                    "others": None,
                },
            )
            paid = sum((m + lo for m, lo, _label in moves), ZERO)
            self._count(line, record, sale, paid)
            kind = LIST_OF_KIND.get(line.kind)
            item = {
                "item_title": line.title,
                "first_cost": float(line.amount),
                "discount": float(discount),
                "result_cost": float(result),
                "transactions": [
                    {
                        "accounts_amount": float(m),
                        "loyalty_amount": float(lo) if kind == "service" else whole(lo),
                        "payment_type": label,
                    }
                    for m, lo, label in moves
                ],
            }
            if kind:
                entry[kind].append(item)
            else:
                entry["others"] = _merge(entry["others"], item)
        if not masters:
            return
        if sale.client_id:
            self.clients.add(sale.client_id)
        moment = visit_start or min(p[3] for p in payments)
        client = sale.client
        self.groups[int(moment.timestamp())].append(
            {
                "client_id": sale.client_id or 0,
                "client_name": client.name if client else "",
                "client_phone": client.phone if client else "",
                "client_email": client.email if client else "",
                "masters": list(masters.values()),
            }
        )

    def _count(self, line, record, sale, paid):
        kind = line.kind
        self.counts[kind] += 1
        self.paid[kind] += paid
        self.paid["all"] += paid
        if record is not None:
            self.records[record.pk] = record.client_id is not None
            self.record_paid[record.pk] += paid

    def stats(self) -> dict:
        visit = [pk for pk, has_client in self.records.items() if has_client]
        other = [pk for pk, has_client in self.records.items() if not has_client]
        visit_paid = sum((self.record_paid[pk] for pk in visit), ZERO)
        other_paid = sum((self.record_paid[pk] for pk in other), ZERO)
        records_paid = visit_paid + other_paid
        return {
            "clients": len(self.clients),
            "clients_average": _average(self.paid["all"], len(self.clients)),
            "records": len(self.records),
            "records_average": _average(records_paid, len(self.records)),
            "visit_records": len(visit),
            "visit_records_average": _average(visit_paid, len(visit)),
            "non_visit_records": len(other),
            "non_visit_records_average": whole(_average(other_paid, len(other))),
            "targets": self.counts[LineKind.SERVICE],
            "targets_paid": whole(self.paid[LineKind.SERVICE]),
            "goods": self.counts[LineKind.GOODS],
            "goods_paid": float(self.paid[LineKind.GOODS]),
            "certificates": self.counts[LineKind.CERTIFICATE],
            "certificates_paid": whole(self.paid[LineKind.CERTIFICATE]),
            "abonement": self.counts[LineKind.ABONEMENT],
            "abonement_paid": whole(self.paid[LineKind.ABONEMENT]),
        }

    def z_data(self) -> dict:
        return {str(moment): self.groups[moment] for moment in sorted(self.groups)}


def _average(total: Decimal, count: int) -> float:
    return float((total / count).quantize(Decimal("0.01"))) if count else 0.0


def _merge(others: dict | None, item: dict) -> dict:
    """YCLIENTS has one "others" entry per master: certificates and abonements sold together are
    summed into it, their titles joined."""
    if others is None:
        return {
            **item,
            "transactions": [{**t, "loyalty_amount": whole(t["loyalty_amount"])} for t in item["transactions"]],
        }
    return {
        "item_title": f"{others['item_title']}, {item['item_title']}",
        "first_cost": others["first_cost"] + item["first_cost"],
        "discount": others["discount"] + item["discount"],
        "result_cost": others["result_cost"] + item["result_cost"],
        "transactions": others["transactions"]
        + [{**t, "loyalty_amount": whole(t["loyalty_amount"])} for t in item["transactions"]],
    }
