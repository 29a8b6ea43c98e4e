"""The cash report's opening balance goes through monthly checkpoints; whatever arrives after a
checkpoint — new money, a backdated entry, another account — it must equal the plain sum."""

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from frontdesk.finance import checkpoints
from frontdesk.finance.checkpoints import balances_at, plain_balances
from frontdesk.finance.models import BalanceCheckpoint, Transaction
from frontdesk.finance.services import record_expense, record_income
from frontdesk.finance.tests.factories import MSK, item, make_bank_account, make_cash_desk

pytestmark = pytest.mark.django_db


def add_random(rng, accounts, items, now, count):
    for _ in range(count):
        account = rng.choice(accounts)
        when = now - datetime.timedelta(days=rng.uniform(0, 150))
        amount = Decimal(rng.randrange(100, 500000)) / 100
        method = "cash" if account.kind == "cash" else "card"
        if rng.random() < 0.7:
            record_income(account, amount, item=items["goods"], method=method, occurred_at=when)
        else:
            record_expense(account, amount, item=items["rent"], method=method, occurred_at=when)


@pytest.mark.parametrize("seed,rebuild_distance", [(1, 50_000), (2, 50_000), (3, 10)])
def test_the_balance_through_checkpoints_equals_the_plain_sum(tenant_a, seed, rebuild_distance, monkeypatch):
    monkeypatch.setattr(checkpoints, "REBUILD_DISTANCE", rebuild_distance)  # 10: rebuilt now and then
    rng = random.Random(seed)
    company = tenant_a.company
    accounts = [make_cash_desk(company, allow_negative=True), make_bank_account(company, allow_negative=True)]
    items = {code: item(company.chain, code) for code in ("goods", "rent")}
    now = timezone.now()

    def check():
        for _ in range(6):
            start = now - datetime.timedelta(days=rng.uniform(0, 150))
            assert balances_at(accounts, start, MSK) == plain_balances(accounts, start)

    add_random(rng, accounts, items, now, 60)
    Transaction.objects.update(created_at=now - datetime.timedelta(hours=1))  # settled
    check()
    assert BalanceCheckpoint.objects.filter(up_to_id__gt=0).exists()
    add_random(rng, accounts, items, now, 30)  # backdated, after the checkpoints, not settled
    check()
    Transaction.objects.update(created_at=now - datetime.timedelta(hours=1))
    add_random(rng, accounts, items, now, 30)
    accounts.append(make_cash_desk(company, "Вторая касса", allow_negative=True))
    add_random(rng, accounts, items, now, 20)
    check()


def test_a_day_ahead_counts_everything_up_to_it(tenant_a):
    company = tenant_a.company
    desk = make_cash_desk(company)
    goods = item(company.chain, "goods")
    now = timezone.now()
    record_income(desk, "100", item=goods, method="cash", occurred_at=now - datetime.timedelta(days=70))
    record_income(desk, "20", item=goods, method="cash", occurred_at=now + datetime.timedelta(days=10))
    Transaction.objects.update(created_at=now - datetime.timedelta(hours=1))
    record_income(desk, "3", item=goods, method="cash", occurred_at=now + datetime.timedelta(days=20))
    later = now + datetime.timedelta(days=40)
    assert balances_at([desk], later, MSK) == {desk.pk: Decimal("123.00")}
    assert balances_at([desk], now + datetime.timedelta(days=15), MSK) == {desk.pk: Decimal("120.00")}
