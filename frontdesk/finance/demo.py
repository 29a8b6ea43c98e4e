"""The demo's money: a cash desk and a bank account in every branch, the past completed visits
checked out (cash, card, split, a few left with a debt; some with goods the modules above add —
`register_demo_products`), the month's rent and utilities, a cash
collection to the bank and today's open shift — all through the same services as the front desk.

Runs after the journal step; without completed records it only creates the accounts."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from frontdesk.finance.checkout import CounterLine, checkout_visit, draft_lines
from frontdesk.finance.models import Account, AccountKind, PaymentMethod, Sale
from frontdesk.finance.services import (
    Payment,
    balance,
    item_by_code,
    open_shift,
    record_expense,
    transfer_money,
)
from frontdesk.scheduling.models import Record, RecordStatus, Visit
from frontdesk.tenancy.demo import register_demo_step

# (item code, amount, day of the month it is paid on)
MONTHLY_EXPENSES = [
    ("rent", Decimal("85000"), 5),
    ("utilities", Decimal("9400"), 10),
    ("advertising", Decimal("15000"), 12),
]


# What the modules above add to a demo visit's checkout (goods bought at the desk):
# `fn(visit, rng) -> list[CounterLine]`, registered from their demo modules.
_VISIT_PRODUCTS: list = []


def register_demo_products(fn):
    if fn not in _VISIT_PRODUCTS:
        _VISIT_PRODUCTS.append(fn)
    return fn


def _products(visit, rng: random.Random) -> list[CounterLine]:
    return [line for fn in _VISIT_PRODUCTS for line in fn(visit, rng)]


def _pay(visit, desk, bank, rng: random.Random, products=()):
    due = sum((line.price for line in draft_lines(visit)), Decimal(0))
    due += sum((Decimal(line.price) * Decimal(line.quantity) for line in products), Decimal(0))
    roll = rng.random()
    if roll < 0.5:
        payments = [Payment(desk, PaymentMethod.CASH, due)]
    elif roll < 0.85:
        payments = [Payment(bank, PaymentMethod.CARD, due)]
    elif roll < 0.95:
        cash = (due / 2).quantize(Decimal("1"))
        payments = [Payment(desk, PaymentMethod.CASH, cash), Payment(bank, PaymentMethod.CARD, due - cash)]
    else:
        payments = [Payment(desk, PaymentMethod.CASH, (due / 2).quantize(Decimal("1")))]  # the rest is a debt
    return payments


@register_demo_step(45)
def demo_money(demo) -> None:
    rng = random.Random(20251123)
    now = timezone.now()
    for company in demo.companies:
        desk = Account.objects.create(company=company, chain=demo.chain, title="Касса", kind=AccountKind.CASH)
        bank = Account.objects.create(company=company, chain=demo.chain, title="Расчётный счёт", kind=AccountKind.BANK)
        completed = (
            Visit.objects.filter(company=company, records__status=RecordStatus.COMPLETED)
            .exclude(pk__in=Sale.objects.filter(visit__isnull=False).values("visit_id"))
            .distinct()
            .order_by("pk")
        )
        for visit in completed:
            last = Record.objects.filter(visit=visit).order_by("-end").first()
            products = _products(visit, rng)
            try:
                checkout_visit(
                    visit,
                    payments=_pay(visit, desk, bank, rng, products),
                    products=products,
                    user=demo.admin,
                    occurred_at=last.end,
                )
            except ValidationError:
                if not products:
                    continue
                try:  # the goods ran out: the visit is paid without them
                    checkout_visit(visit, payments=_pay(visit, desk, bank, rng), user=demo.admin, occurred_at=last.end)
                except ValidationError:
                    continue
        for code, amount, day in MONTHLY_EXPENSES:
            when = now.replace(day=day, hour=12, minute=0, second=0, microsecond=0)
            if when > now:
                when -= datetime.timedelta(days=31)
            if balance(bank) >= amount:
                record_expense(
                    bank,
                    amount,
                    item=item_by_code(demo.chain.pk, code),
                    method=PaymentMethod.TRANSFER,
                    user=demo.owner,
                    occurred_at=when,
                )
        cash = balance(desk)
        if cash > 10000:
            # The evening's cash collection: the desk keeps change money, the rest goes to the bank.
            transfer_money(desk, bank, cash - Decimal("5000"), user=demo.owner, comment="Инкассация")
        open_shift(desk, user=demo.admin)
