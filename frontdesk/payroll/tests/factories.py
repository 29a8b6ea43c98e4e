"""Builders for payroll tests: a service, a specialist, a visit checked out on a given local
date at a given price and discount, a scheme assigned, goods sold at the counter on a date."""

import datetime
from decimal import Decimal

from frontdesk.core.money import to_money
from frontdesk.finance.checkout import CounterLine, checkout_visit, draft_lines, sell_at_counter
from frontdesk.finance.models import Account, AccountKind, PaymentMethod, Sale
from frontdesk.finance.models import LineKind as FinanceLineKind
from frontdesk.finance.services import Payment
from frontdesk.payroll.models import Scheme
from frontdesk.payroll.services import assign_scheme
from frontdesk.scheduling.models import Record, RecordService, Visit
from frontdesk.scheduling.tests.factories import make_service, make_specialist
from frontdesk.warehouse.models import Warehouse
from frontdesk.warehouse.services import set_negative_allowed
from frontdesk.warehouse.tests.factories import goods, warehouse


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


def product(chain, title="Шампунь", price="900", category=None):
    """A goods item on sale; stock may go negative in these tests (payroll does not count stock)."""
    set_negative_allowed(chain, True)
    return goods(chain, title, price=Decimal(price), category=category)


def goods_sale(company, seller, item, day, *, quantity=1, price=None, hour=12):
    """A counter sale of `quantity` of the item by `seller`, paid in cash, made on the local `day`
    at `hour` (the sale's moment is set afterwards: a product counts on the day it was sold)."""
    if not Warehouse.objects.filter(company=company).exists():
        warehouse(company)
    unit = Decimal(price if price is not None else item.price)
    line = CounterLine(FinanceLineKind.GOODS, str(item.pk), item.title, unit, quantity, seller.pk, item.vat)
    due = to_money(unit * Decimal(quantity))
    sale = sell_at_counter(
        company, client=None, lines=[line], payments=[Payment(desk_of(company), PaymentMethod.CASH, due)]
    ).sale
    moment = datetime.datetime.combine(day, datetime.time(hour), tzinfo=company.tz)
    Sale.objects.filter(pk=sale.pk).update(created_at=moment)
    sale.refresh_from_db()
    return sale
