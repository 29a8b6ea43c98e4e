"""The demo's year of history (analytics.demo), built small: visits end the day before the
branch's first shift, never overlap, checked-out visits have a ledger that sums to what their
sale says was paid, client totals agree with the records, and the overview reads the same
figures as the plain recomputation."""

import datetime
import random

import pytest
from django.db.models import F, Sum
from django.utils import timezone

from frontdesk.analytics import client_facts, facts, overview
from frontdesk.analytics.demo import build_history
from frontdesk.analytics.overview import Period
from frontdesk.analytics.verify import naive_period
from frontdesk.finance.models import Sale, Transaction
from frontdesk.scheduling.client_stats import verify
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist

pytestmark = pytest.mark.django_db


def test_the_history_is_a_consistent_past_of_the_branch(tenant_a):
    company = tenant_a.company
    cut, colour = make_service(company, "Стрижка", price=2000), make_service(company, "Окрашивание", duration=120)
    anna, maria = make_specialist(company, "Анна", [cut, colour]), make_specialist(company, "Мария", [cut])
    today = timezone.now().astimezone(company.tz).date()
    add_shift(anna, company, today - datetime.timedelta(days=3))  # what the journal's step made

    history = build_history(tenant_a.chain, [company], random.Random(1), days=40)
    facts.rebuild(company)  # as the demo's last step does: bulk rows send no events
    client_facts.rebuild(tenant_a.chain.pk)  # and the per-client facts

    records = list(Record.objects.filter(company=company))
    assert history.records == len(records) > 60 and history.sales > 40
    days = {r.start.astimezone(company.tz).date() for r in records}
    assert min(days) >= today - datetime.timedelta(days=40) and max(days) == today - datetime.timedelta(days=4)
    assert {r.status for r in records} == {RecordStatus.COMPLETED, RecordStatus.NO_SHOW, RecordStatus.CANCELLED}
    for specialist in (anna, maria):
        mine = sorted((r.start, r.end) for r in records if r.specialist_id == specialist.pk)
        assert all(end <= next_start for (_s, end), (next_start, _e) in zip(mine, mine[1:], strict=False))
    assert not Sale.objects.annotate(money=Sum("transactions__amount")).exclude(money=F("paid")).exists()
    # Forty days earn too little to pay every bill of the month on some dates (the demo's year
    # does): the expenses the bank could pay are posted.
    assert Transaction.objects.filter(item__code__in=("rent", "utilities", "advertising")).exists()
    assert verify(tenant_a.chain.pk) == []
    period = Period(today - datetime.timedelta(days=40), today - datetime.timedelta(days=4))
    figures = overview.period_figures([company], period)
    assert figures.fill_rate.rate > 0
    # Clients the history brought in come back: the last fortnight has returning ones.
    fortnight = Period(today - datetime.timedelta(days=17), today - datetime.timedelta(days=4))
    assert overview.clients([company], fortnight).returning > 0
    assert figures.revenue == naive_period([company], period).revenue
    assert figures.clients == naive_period([company], period).clients
