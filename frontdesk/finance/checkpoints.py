"""The balance of accounts at a moment without adding up their whole history every time.

The balance before `start` is split at `boundary`, the first day of start's month (or of this
month, for a day still ahead):
  a checkpoint (the sum of transactions before the boundary with id ≤ its watermark, stored once),
+ the transactions from the boundary to `start` (at most a month, read from a covering index),
+ the transactions before the boundary that came after the watermark (a backdated entry; found
  by a primary-key range scan of the newest rows).
Ledger rows are never changed or deleted, so a checkpoint never goes stale: this always equals
the plain sum (a property test holds it to that). The watermark only counts rows older than
SETTLE: a row with a lower id still uncommitted in a concurrent transaction would be missed by
a checkpoint, and no request keeps a transaction open that long."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import ExpressionWrapper, F, IntegerField
from django.utils import timezone

from frontdesk.core.money import MoneySum, to_money
from frontdesk.finance.models import BalanceCheckpoint, Transaction

ZERO = Decimal("0.00")
SETTLE = datetime.timedelta(minutes=5)
# A checkpoint whose watermark is this many ids behind the newest row is rebuilt when read.
REBUILD_DISTANCE = 50_000


def month_start(start: datetime.datetime, tz) -> datetime.datetime:
    local = start.astimezone(tz)
    return datetime.datetime.combine(local.date().replace(day=1), datetime.time.min, tzinfo=tz)


def plain_balances(accounts, start) -> dict[int, Decimal]:
    ids = [a.pk for a in accounts]
    rows = Transaction.objects.filter(account_id__in=ids, occurred_at__lt=start).values("account_id")
    found = {r["account_id"]: to_money(r["total"] or 0) for r in rows.annotate(total=MoneySum("amount"))}
    return {pk: found.get(pk, ZERO) for pk in ids}


def _build(accounts, boundary, now) -> dict[int, BalanceCheckpoint]:
    """Checkpoints for `accounts` at `boundary`, written (or rewritten) now. Two or three queries."""
    ids = [a.pk for a in accounts]
    watermark = (
        Transaction.objects.filter(created_at__lt=now - SETTLE).order_by("-id").values_list("id", flat=True).first()
    ) or 0
    sums = {
        r["account_id"]: to_money(r["total"] or 0)
        for r in Transaction.objects.filter(account_id__in=ids, occurred_at__lt=boundary, id__lte=watermark)
        .values("account_id")
        .annotate(total=MoneySum("amount"))
    }
    made = {
        a.pk: BalanceCheckpoint(
            company_id=a.company_id,
            chain_id=a.chain_id,
            account_id=a.pk,
            before=boundary,
            up_to_id=watermark,
            total=sums.get(a.pk, ZERO),
        )
        for a in accounts
    }
    BalanceCheckpoint.objects.filter(account_id__in=ids, before=boundary).delete()
    BalanceCheckpoint.objects.bulk_create(made.values(), ignore_conflicts=True)
    return made


def balances_at(accounts, start: datetime.datetime, tz) -> dict[int, Decimal]:
    """Each account's balance just before `start`: exactly the sum of its transactions that
    occurred before it. A fixed number of queries, whatever the length of the history."""
    accounts = list(accounts)
    if not accounts:
        return {}
    now = timezone.now()
    # A day ahead (the report of tomorrow) is read from the current month's checkpoint.
    boundary = month_start(min(start, now - SETTLE), tz)
    ids = [a.pk for a in accounts]
    points = {c.account_id: c for c in BalanceCheckpoint.objects.filter(account_id__in=ids, before=boundary)}
    newest_id = Transaction.unscoped.order_by("-id").values_list("id", flat=True).first() or 0
    # A checkpoint far behind the newest row would make the scan of late rows long: rebuilt.
    missing = [a for a in accounts if a.pk not in points or newest_id - points[a.pk].up_to_id > REBUILD_DISTANCE]
    if missing:
        points.update(_build(missing, boundary, now))
    totals = {pk: points[pk].total for pk in ids}
    for r in (
        Transaction.objects.filter(account_id__in=ids, occurred_at__gte=boundary, occurred_at__lt=start)
        .values("account_id")
        .annotate(total=MoneySum("amount"))
    ):
        totals[r["account_id"]] += to_money(r["total"] or 0)
    # Rows written after a checkpoint's watermark that occurred before its boundary (backdated).
    # Only the primary-key range may drive this scan: given an index on the account or the time,
    # SQLite would walk the whole history. `account_id + 0` hides the indexes and the time is
    # compared here; the accounts were read in the tenant's scope, so nothing foreign is read.
    lowest = min(p.up_to_id for p in points.values())
    newest = Transaction.unscoped.annotate(of=ExpressionWrapper(F("account_id") + 0, output_field=IntegerField()))
    for account_id, pk, amount, occurred_at in newest.filter(id__gt=lowest, of__in=ids).values_list(
        "account_id", "id", "amount", "occurred_at"
    ):
        if pk > points[account_id].up_to_id and occurred_at < boundary:
            totals[account_id] += to_money(amount)
    return totals
