"""The «Overview» shows today's figures and the month so far to those who may view analytics."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdesk.finance.checkout import checkout_visit
from frontdesk.finance.models import PaymentMethod
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.scheduling.models import Record, RecordService, Visit
from frontdesk.scheduling.tests.factories import make_service, make_specialist
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


def _paid_visit_today(company, amount):
    service = make_service(company, "Стрижка", price=amount)
    specialist = make_specialist(company, "Мастер", [service])
    start = timezone.now().astimezone(company.tz).replace(minute=0, second=0, microsecond=0)
    common = {"company": company, "chain": company.chain}
    visit = Visit.objects.create(**common)
    end = start + datetime.timedelta(minutes=30)
    record = Record.objects.create(
        visit=visit, specialist=specialist, start=start, end=end, block_start=start, block_end=end, **common
    )
    RecordService.objects.create(
        chain=company.chain, record=record, service=service, start=start, duration=30, price=amount
    )
    checkout_visit(visit, payments=[Payment(make_cash_desk(company), PaymentMethod.CASH, Decimal(amount))])


def test_the_owner_sees_todays_bookings_and_revenue_on_the_overview(tenant_a, alice):
    company = tenant_a.company
    _paid_visit_today(company, 2750)
    browser = client_for(alice)

    page = browser.get(reverse("tenancy:dashboard", args=[company.pk]))

    html = page.content.decode()
    assert 'data-testid="overview-figures"' in html
    assert 'data-testid="today-bookings">1<' in html
    assert 'data-testid="today-arrived">1<' in html
    assert "2 750,00" in html or "2,750.00" in html


def test_a_specialist_sees_no_business_figures_on_the_overview(tenant_a, sam):
    page = client_for(sam).get(reverse("tenancy:dashboard", args=[tenant_a.company.pk]))

    assert page.status_code == 200
    assert 'data-testid="overview-figures"' not in page.content.decode()
