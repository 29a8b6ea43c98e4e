"""Builders for money tests: a branch's cash desk and bank account, a booked visit to check out."""

import datetime
from decimal import Decimal

from frontdesk.finance.models import Account, AccountKind, PaymentItem
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.services import book_visit
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist

DAY = datetime.date(2026, 12, 1)
MSK = datetime.timezone(datetime.timedelta(hours=3))


def make_cash_desk(company, title="Касса", allow_negative=False):
    return Account.objects.create(
        company=company, chain=company.chain, title=title, kind=AccountKind.CASH, allow_negative=allow_negative
    )


def make_bank_account(company, title="Расчётный счёт", allow_negative=False):
    return Account.objects.create(
        company=company, chain=company.chain, title=title, kind=AccountKind.BANK, allow_negative=allow_negative
    )


def item(chain, code):
    return PaymentItem.objects.get(chain=chain, code=code)


def make_visit(company, services=(("Стрижка", 2500, 3500),), client=None, hour=11, day=DAY):
    """A visit of one specialist doing `services` (title, price from, price to) in a row."""
    made = []
    for title, low, high in services:
        service = make_service(company, title, duration=30, price=low)
        service.price_max = Decimal(high)
        service.save()
        made.append(service)
    specialist = make_specialist(company, f"Мастер {hour}", made)
    add_shift(specialist, company, day, "09:00", "21:00")
    start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=MSK)
    records = book_visit(
        company=company,
        segments=[Segment(s.pk, specialist.pk) for s in made],
        start=start,
        client=client,
        now=start - datetime.timedelta(days=1),
    )
    return records[0].visit
