"""Builders for loyalty tests: programmes with steps, a client with a card, a paid visit."""

from __future__ import annotations

import datetime
from decimal import Decimal

from frontdesk.clients.models import Client
from frontdesk.finance.checkout import checkout_visit
from frontdesk.finance.models import Account, AccountKind, PaymentMethod
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_visit
from frontdesk.loyalty.models import Basis, Programme, ProgrammeKind, Tier
from frontdesk.loyalty.services import issue_card


def cumulative(chain, steps=((2, 5), (4, 10), (6, 15)), **fields) -> Programme:
    programme = Programme.objects.create(
        chain=chain, title="Клуб", kind=ProgrammeKind.CUMULATIVE, basis=Basis.VISITS, **fields
    )
    for threshold, percent in steps:
        Tier.objects.create(chain=chain, programme=programme, threshold=threshold, discount_services=percent)
    return programme


def bonus(chain, **fields) -> Programme:
    values = {
        "title": "Кэшбэк",
        "kind": ProgrammeKind.BONUS,
        "accrual_percent": Decimal("10"),
        "redeem_percent": Decimal("50"),
    }
    values.update(fields)
    return Programme.objects.create(chain=chain, **values)


def client(chain, phone="+79005550001", name="Вера") -> Client:
    return Client.objects.create(chain=chain, name=name, phone=phone)


def member(chain, programmes, phone="+79005550001", company=None):
    person = client(chain, phone)
    return issue_card(person, programmes=programmes, company=company)


def desk(company) -> Account:
    found = Account.objects.filter(company=company, kind=AccountKind.CASH).first()
    return found or Account.objects.create(company=company, chain=company.chain, title="Касса", kind=AccountKind.CASH)


_calls = [0]


def visit(company, person, price=1000, title="Стрижка"):
    """A booked visit of the client (each call a new specialist, an hour later)."""
    _calls[0] += 1
    day = datetime.date(2026, 12, 1) + datetime.timedelta(days=_calls[0] // 10)
    return make_visit(company, [(title, price, price)], client=person, hour=10 + _calls[0] % 10, day=day)


def paid_visit(company, person, price=1000, discount=0, **kwargs):
    """A visit checked out and paid in cash in full (less the discount)."""
    booked = visit(company, person, price)
    total = Decimal(price) - Decimal(discount)
    payments = [Payment(desk(company), PaymentMethod.CASH, total)] if total > 0 else []
    return checkout_visit(booked, discount=discount, payments=payments, **kwargs).sale
