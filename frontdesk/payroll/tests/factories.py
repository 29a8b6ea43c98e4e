"""Builders for payroll tests: a service, a specialist, a visit checked out on a given local
date at a given price and discount, a scheme assigned."""

import datetime
from decimal import Decimal

from frontdesk.finance.checkout import checkout_visit, draft_lines
from frontdesk.finance.models import Account, AccountKind, PaymentMethod
from frontdesk.finance.services import Payment
from frontdesk.payroll.models import Scheme
from frontdesk.payroll.services import assign_scheme
from frontdesk.scheduling.models import Record, RecordService, Visit
from frontdesk.scheduling.tests.factories import make_service, make_specialist


def desk_of(company) -> Account:
    desk = Account.objects.filter(company=company, kind=AccountKind.CASH, title="Касса").first()
    return desk or Account.objects.create(company=company, chain=company.chain, title="Касса", kind=AccountKind.CASH)


def scheme(chain, title="40 % услуг", **fields) -> Scheme:
    return Scheme.objects.create(chain=chain, title=title, **fields)


def employee(company, name="Анна", scheme_=None, valid_from=datetime.date(2026, 1, 1), valid_to=None):
    specialist = make_specialist(company, name)
    if scheme_ is not None:
        assign_scheme(company, specialist, scheme_, valid_from, valid_to)
    return specialist


def service(company, title="Окрашивание", price=5000):
    return make_service(company, title, duration=60, price=price)


def visit(company, specialist, service_, day, *, price=None, hour=10, minute=0):
    """A booked visit of one service (no availability check: tests place many on a day)."""
    start = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=company.tz)
    end = start + datetime.timedelta(minutes=30)
    booked = Visit.objects.create(company=company, chain=company.chain)
    record = Record.objects.create(
        company=company,
        chain=company.chain,
        visit=booked,
        specialist=specialist,
        start=start,
        end=end,
        block_start=start,
        block_end=end,
        overbooked=True,
    )
    RecordService.objects.create(
        chain=company.chain,
        record=record,
        service=service_,
        start=start,
        duration=30,
        price=Decimal(price if price is not None else service_.price_min),
    )
    return booked


def check_out(company, booked, *, discount=0, paid=None, desk=None):
    """Check the visit out with `discount`, paying `paid` in cash (default: all that is due)."""
    desk = desk or desk_of(company)
    due = sum((line.price for line in draft_lines(booked)), Decimal(0)) - Decimal(discount)
    amount = due if paid is None else Decimal(paid)
    payments = [Payment(desk, PaymentMethod.CASH, amount)] if amount > 0 else []
    return checkout_visit(booked, discount=discount, payments=payments).sale


def sold(company, specialist, service_, day, *, price=None, discount=0, paid=None, hour=10):
    return check_out(
        company, visit(company, specialist, service_, day, price=price, hour=hour), discount=discount, paid=paid
    )
