"""A branch that takes online prepayments through the test provider, and an online booking."""

import datetime

from django.db import transaction
from django.utils import timezone

from frontdesk.booking.services import book_online
from frontdesk.finance.tests.factories import make_bank_account
from frontdesk.payments.models import PaymentSettings, PrepaymentRule
from frontdesk.payments.online import confirmation_url, hold_for_prepayment
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist


def prepaying_branch(company, mode="required", hold_minutes=30):
    """(service, specialist, bank account) of a branch whose «Стрижка» needs `mode` prepayment."""
    bank = make_bank_account(company)
    PaymentSettings.objects.update_or_create(
        company=company,
        defaults={"chain_id": company.chain_id, "provider": "test", "account": bank, "hold_minutes": hold_minutes},
    )
    service = make_service(company, "Стрижка", duration=60, price=2000)
    specialist = make_specialist(company, "Мария", [service])
    day = timezone.localdate() + datetime.timedelta(days=3)
    add_shift(specialist, company, day, "09:00", "20:00")
    PrepaymentRule.objects.create(company=company, chain_id=company.chain_id, service=service, mode=mode)
    return service, specialist, bank


def slot(company, hour=11):
    day = timezone.localdate() + datetime.timedelta(days=3)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=company.tz)


def book_with_prepayment(company, service, specialist, hour=11, phone="+79161112233"):
    """An online booking as the booking page makes it: (records, link, payment, confirmation url)."""
    with transaction.atomic():
        records, link = book_online(
            company=company,
            segments=[Segment(service.pk, specialist.pk)],
            start=slot(company, hour),
            name="Ольга",
            phone=phone,
            email="olga@example.com",
        )
        payment = hold_for_prepayment(records[0].visit, f"http://testserver/my/{link.token}/?paid=1")
    url = confirmation_url(payment) if payment else ""
    return records, link, payment, url
