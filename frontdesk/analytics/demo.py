"""A year of history for the demo network, so that every figure and report has something to
show: visits by status and source, new clients who come back or drift away, checkouts paid in
cash and by card with a few discounts and refunds, and each month's rent, utilities and
advertising.

The other demo steps book the weeks around today through the services, one booking at a time;
a year that way would take minutes. This step writes the past in bulk instead (`bulk_create`,
a few thousand rows per query), keeping every invariant the services keep:

- a specialist's visits of a day follow one another inside the day's work interval, so nothing
  overlaps (the PostgreSQL exclusion constraint holds) and the fill rate is real;
- a checked-out visit has its sale, the sale's lines, and ledger rows on the branch's cash desk or
  bank account whose sum is the sale's `paid`; a refund is a negative row that `reverses` the
  payment, and the sale's `paid`, `refunded` and status are what `finance.checkout._settle`
  would write;
- `ClientStats` is recomputed for every client at the end (`refresh_client_stats`), since bulk
  rows send no record events;
- the history stops the day before the branch's first work interval or record, so it never
  meets what the other steps booked.

Bulk rows send no events and write no event-log lines (this is the past: nobody did it in this
installation), so the daily fact tables are built by the last demo step, `build_demo_facts`.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from frontdesk.analytics import client_facts, facts
from frontdesk.clients.models import Client
from frontdesk.clients.services import find_or_create_client
from frontdesk.finance.models import Account, AccountKind, PaymentMethod, Sale, SaleLine, SaleStatus, Transaction
from frontdesk.finance.services import balance, item_by_code, record_expense
from frontdesk.scheduling.client_stats import refresh_client_stats
from frontdesk.scheduling.models import Record, RecordService, RecordSource, RecordStatus, Visit
from frontdesk.staff.models import Specialist, SpecialistService, WorkInterval
from frontdesk.tenancy.demo import register_demo_step

BATCH = 2000
OPEN, CLOSE = datetime.time(10), datetime.time(20)
SOURCES = [RecordSource.ADMIN] * 8 + [RecordSource.PHONE] * 3 + [RecordSource.ONLINE] * 6 + [RecordSource.WIDGET] * 3
# (item code, amount, day of the month): what the finance step posts for this month, back a year.
MONTHLY_EXPENSES = [
    ("rent", Decimal("85000"), 5),
    ("utilities", Decimal("9400"), 10),
    ("advertising", Decimal("15000"), 12),
]
NAMES = ["Алина", "Вера", "Галина", "Диана", "Жанна", "Зоя", "Инна", "Лариса", "Марина", "Нина", "Оксана", "Римма"]
SURNAMES = ["Антонова", "Борисова", "Гусева", "Денисова", "Ершова", "Жукова", "Калинина", "Лазарева", "Миронова"]


@dataclass
class _Regular:
    client_id: int
    every: int  # days between visits, as this client likes
    due: datetime.date
    left: int  # visits before they drift away (the lost clients of the reports)


@dataclass
class History:
    """What `build_history` wrote, for the tests and the timing note in docs/analytics.md."""

    first: datetime.date | None = None
    records: int = 0
    sales: int = 0
    refunds: int = 0
    clients: set[int] = field(default_factory=set)


@register_demo_step(48)
def demo_history(demo) -> None:
    days = settings.DEMO_HISTORY_DAYS
    build_history(demo.chain, demo.companies, random.Random(20261207), days=days, user=demo.admin)


@register_demo_step(95)  # after every step that writes records, money or schedules
def build_demo_facts(demo) -> None:
    """The daily facts and the clients reports' per-client facts of everything the steps before
    wrote: some of it in bulk (no events, so no stale marks), and the overview and the reports must
    show it from the first page."""
    for company in demo.companies:
        facts.rebuild(company, chunk_days=366)
    # As `manage.py rebuild_client_facts` writes them.
    client_facts.rebuild(demo.chain.pk)


def build_history(chain, companies, rng: random.Random, *, days: int, user=None) -> History:
    """`days` of past visits, sales and expenses in each branch (see the module's docstring)."""
    history = History()
    pool = _ClientPool(chain, rng)
    start = timezone.now().date() - datetime.timedelta(days=days)
    # The clients the journal's step booked are the network's regulars: they came all year.
    for client_id in Client.objects.order_by("pk").values_list("pk", flat=True):
        pool.keep(client_id, start - datetime.timedelta(days=rng.randint(1, 40)), days, rng.choice([21, 28, 35]))
    for company in companies:
        _company_history(company, rng, days, user, pool, history)
    refresh_client_stats(Client.objects.values_list("pk", flat=True))
    return history


class _ClientPool:
    """New clients on demand (through the client base's own service: normalised phones, search
    fields), and the regulars who come back when their interval is up (earliest due first)."""

    def __init__(self, chain, rng):
        self.chain, self.rng, self.made = chain, rng, 0
        self.regulars: list[tuple[datetime.date, int, _Regular]] = []

    def new(self, day) -> int:
        self.made += 1
        name = f"{self.rng.choice(NAMES)} {self.rng.choice(SURNAMES)}"
        client = find_or_create_client(chain=self.chain, phone=f"+7926{3000000 + self.made:07d}", name=name)
        self.keep(client.pk, day, self.rng.randint(2, 14))
        return client.pk

    def keep(self, client_id, day, left, every=None):
        every = every or self.rng.choice([14, 21, 28, 35, 42, 60])
        regular = _Regular(client_id, every, day + datetime.timedelta(days=every), left)
        heapq.heappush(self.regulars, (regular.due, next(self._order), regular))

    _order = itertools.count()

    def due(self, day) -> int | None:
        if not self.regulars or self.regulars[0][0] > day:
            return None
        regular = heapq.heappop(self.regulars)[2]
        if regular.left > 1:
            self.keep(regular.client_id, day, regular.left - 1, regular.every)
        return regular.client_id


def _history_end(company, today) -> datetime.date:
    """The day before anything the other steps put in the branch (shifts, records)."""
    firsts = [today]
    shift = WorkInterval.objects.filter(company=company).aggregate(d=Min("date"))["d"]
    record = Record.objects.filter(company=company).aggregate(s=Min("start"))["s"]
    firsts += [d for d in (shift, record.astimezone(company.tz).date() if record else None) if d]
    return min(firsts) - datetime.timedelta(days=1)


def _account(company, kind, title):
    found = Account.objects.filter(company=company, kind=kind, is_archived=False).order_by("pk").first()
    return found or Account.objects.create(company=company, chain=company.chain, title=title, kind=kind)


def _company_history(company, rng, days, user, pool, history):
    tz = company.tz
    today = timezone.now().astimezone(tz).date()
    end = _history_end(company, today)
    first = today - datetime.timedelta(days=days)
    if end < first:
        return
    history.first = min(history.first or first, first)
    specialists = list(Specialist.objects.filter(companies=company, is_dismissed=False).order_by("pk"))
    links: dict[int, list] = {}
    for link in SpecialistService.objects.filter(
        specialist__in=specialists, service__company=company, service__is_archived=False, service__is_group=False
    ).select_related("service"):
        links.setdefault(link.specialist_id, []).append(link.service)
    desk = _account(company, AccountKind.CASH, "Касса")
    bank = _account(company, AccountKind.BANK, "Расчётный счёт")
    writer = _Writer(company, item_by_code(company.chain_id, "services"), desk, bank, user, rng)
    intervals = []
    day = first
    while day <= end:
        for index, specialist in enumerate(specialists):
            services = links.get(specialist.pk)
            # Five days a week, each specialist with their own two days off.
            if not services or day.weekday() in (index % 7, (index + 3) % 7):
                continue
            intervals.append(
                WorkInterval(
                    chain=company.chain, company=company, specialist=specialist, date=day, start=OPEN, end=CLOSE
                )
            )
            moment = datetime.datetime.combine(day, OPEN, tzinfo=tz)
            closing = datetime.datetime.combine(day, CLOSE, tzinfo=tz)
            for _visit in range(rng.randint(3, 7)):
                moment += datetime.timedelta(minutes=rng.choice([0, 0, 30, 60]))
                service = rng.choice(services)
                finish = moment + datetime.timedelta(minutes=service.duration)
                if finish > closing:
                    break
                client = pool.due(day) or (pool.new(day) if rng.random() < 0.45 else None)
                if client is not None:
                    writer.visit(specialist, service, client, moment, finish)
                    history.clients.add(client)
                moment = finish
        day += datetime.timedelta(days=1)
    WorkInterval.objects.bulk_create(intervals, batch_size=BATCH)
    writer.flush(history)
    _expenses(company, bank, first, end, user)


class _Writer:
    """Collects the rows of visits and their checkouts and writes them in a few bulk inserts."""

    def __init__(self, company, item, desk, bank, user, rng):
        self.company, self.item, self.desk, self.bank, self.user, self.rng = company, item, desk, bank, user, rng
        self.planned = []  # (visit, record, line, status, price, discount)

    def visit(self, specialist, service, client_id, start, end):
        roll = self.rng.random()
        status = (
            RecordStatus.NO_SHOW if roll < 0.05 else RecordStatus.CANCELLED if roll < 0.14 else RecordStatus.COMPLETED
        )
        common = {"company": self.company, "chain": self.company.chain}
        visit = Visit(client_id=client_id, **common)
        record = Record(
            visit=visit,
            client_id=client_id,
            specialist=specialist,
            start=start,
            end=end,
            block_start=start,
            block_end=end,
            status=status,
            source=self.rng.choice(SOURCES),
            **common,
        )
        step = max((service.price_max or service.price_min) - service.price_min, Decimal(0)) / 100
        price = service.price_min + 100 * Decimal(self.rng.randint(0, int(step)))
        line = RecordService(
            chain=self.company.chain,
            record=record,
            service=service,
            start=start,
            duration=service.duration,
            price=price,
        )
        discount = (price / 10).quantize(Decimal("1")) if self.rng.random() < 0.1 else Decimal(0)
        self.planned.append((visit, record, line, status, price, discount))

    def flush(self, history: History):
        Visit.objects.bulk_create([p[0] for p in self.planned], batch_size=BATCH)
        for visit, record, line, *_rest in self.planned:
            record.visit = visit
            line.record = record
        Record.objects.bulk_create([p[1] for p in self.planned], batch_size=BATCH)
        for _visit, record, line, *_rest in self.planned:
            line.record = record
        RecordService.objects.bulk_create([p[2] for p in self.planned], batch_size=BATCH)
        history.records += len(self.planned)
        done = [p for p in self.planned if p[3] == RecordStatus.COMPLETED]
        sales = [self._sale(visit, price - discount, price, discount) for visit, _r, _l, _s, price, discount in done]
        Sale.objects.bulk_create(sales, batch_size=BATCH)
        SaleLine.objects.bulk_create(
            [
                SaleLine(
                    chain=self.company.chain,
                    sale=sale,
                    record_service=line,
                    service=line.service,
                    title=line.service.title[:200],
                    price=price,
                )
                for sale, (_v, _r, line, _s, price, _d) in zip(sales, done, strict=True)
            ],
            batch_size=BATCH,
        )
        payments = []
        for sale, (_v, record, *_rest) in zip(sales, done, strict=True):
            sale.created_at = record.end
            payments.extend(self._payments(sale, record.end))
        Transaction.objects.bulk_create(payments, batch_size=BATCH)
        refunds = [self._refund(payment) for payment in payments if payment.amount >= 3 and self.rng.random() < 0.012]
        Transaction.objects.bulk_create(refunds, batch_size=BATCH)
        by_sale = {sale.pk: sale for sale in sales}
        for refund in refunds:
            sale = by_sale[refund.sale_id]
            sale.paid += refund.amount
            sale.refunded -= refund.amount
            sale.status = SaleStatus.REFUNDED if sale.paid == 0 else sale.status
        # auto_now_add stamped the sales "now"; the loyalty report reads when a sale was made.
        Sale.objects.bulk_update(sales, ["created_at", "paid", "refunded", "status"], batch_size=BATCH)
        history.sales += len(sales)
        history.refunds += len(refunds)

    def _sale(self, visit, total, price, discount) -> Sale:
        return Sale(
            company=self.company,
            chain=self.company.chain,
            visit=visit,
            client_id=visit.client_id,
            subtotal=price,
            discount=discount,
            total=total,
            created_by=self.user,
        )

    def _payments(self, sale, when) -> list[Transaction]:
        """Cash, card or both; one visit in fifty leaves half as a debt (partly paid)."""
        roll, due = self.rng.random(), sale.total
        if roll < 0.45:
            parts = [(self.desk, PaymentMethod.CASH, due)]
        elif roll < 0.88:
            parts = [(self.bank, PaymentMethod.CARD, due)]
        elif roll < 0.98:
            cash = (due / 2).quantize(Decimal("1"))
            parts = [(self.desk, PaymentMethod.CASH, cash), (self.bank, PaymentMethod.CARD, due - cash)]
        else:
            parts = [(self.desk, PaymentMethod.CASH, (due / 2).quantize(Decimal("1")))]
        sale.paid = sum((amount for _a, _m, amount in parts), Decimal(0))
        sale.refunded = Decimal(0)
        sale.status = SaleStatus.PAID if sale.paid >= sale.total else SaleStatus.PARTLY_PAID
        return [self._row(account, method, amount, sale, when) for account, method, amount in parts if amount > 0]

    def _row(self, account, method, amount, sale, when, reverses=None) -> Transaction:
        return Transaction(
            company=self.company,
            chain=self.company.chain,
            account=account,
            amount=amount,
            method=method,
            item=self.item,
            sale=sale,
            reverses=reverses,
            occurred_at=when,
            created_by=self.user,
        )

    def _refund(self, payment: Transaction) -> Transaction:
        """A third of the payment back, two days later, the way it was paid."""
        amount = (payment.amount / 3).quantize(Decimal("1"))
        when = payment.occurred_at + datetime.timedelta(days=2)
        account = self.desk if payment.method == PaymentMethod.CASH else self.bank
        return self._row(account, payment.method, -amount, payment.sale, when, reverses=payment)


def _expenses(company, bank, first, end, user):
    """Each past month's rent, utilities and advertising from the bank account (the advertising
    spend is what LTV subtracts), through the finance service; skipped when the account is short."""
    month = first.replace(day=1)
    items = {code: item_by_code(company.chain_id, code) for code, _amount, _day in MONTHLY_EXPENSES}
    while month <= end:
        for code, amount, day in MONTHLY_EXPENSES:
            date = month.replace(day=day)
            if first <= date <= end and balance(bank) >= amount:
                when = datetime.datetime.combine(date, datetime.time(12), tzinfo=company.tz)
                record_expense(
                    bank, amount, item=items[code], method=PaymentMethod.TRANSFER, user=user, occurred_at=when
                )
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
