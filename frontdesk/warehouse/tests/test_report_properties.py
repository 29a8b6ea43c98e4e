"""The remains report on any past day equals the plain sum of the ledger's lines up to the end of
that day, per warehouse and item — whatever receipts, write-offs and transfers happened, in any
order of their dates — and its total is the sum of its rows."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.warehouse import reports
from frontdesk.warehouse.models import StockMove
from frontdesk.warehouse.services import ItemLine, receive, set_negative_allowed, transfer, write_off
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = pytest.mark.django_db

days_back = st.integers(0, 6)
hours = st.integers(0, 23)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), st.integers(0, 1), st.integers(0, 1), st.integers(1, 9), days_back, hours),
        st.tuples(st.just("write_off"), st.integers(0, 1), st.integers(0, 1), st.integers(1, 9), days_back, hours),
        st.tuples(st.just("transfer"), st.integers(0, 1), st.integers(0, 1), st.integers(1, 9), days_back, hours),
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=operations, asked=days_back)
def test_remains_on_a_past_day_equal_the_ledger_sum_up_to_its_end(tenant_a, operations, asked):
    branch, chain = tenant_a.company, tenant_a.chain
    today = timezone.now().astimezone(branch.tz).date()
    with transaction.atomic():  # each example starts from an empty ledger
        set_negative_allowed(chain, True)
        stores = [warehouse(branch, "Товары"), warehouse(branch, "Материалы")]
        items = [goods(chain, "Шампунь"), goods(chain, "Маска", purchase_price=Decimal("120"))]
        source = supplier(chain)
        for kind, store, item, quantity, back, hour in operations:
            day = today - datetime.timedelta(days=back + 1)
            at = datetime.datetime.combine(day, datetime.time(hour), tzinfo=branch.tz)
            line = [ItemLine(items[item], quantity, str(100 + 7 * quantity))]
            if kind == "receive":
                receive(branch, stores[store], source, line, occurred_at=at)
            elif kind == "write_off":
                write_off(branch, stores[store], line, reason="Брак", occurred_at=at)
            else:
                transfer(branch, stores[store], stores[1 - store], line, occurred_at=at)
        day = today - datetime.timedelta(days=asked + 1)
        end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=branch.tz)
        expected = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for move in StockMove.objects.filter(chain=chain, occurred_at__lt=end):
            expected[(move.warehouse_id, move.goods_id)][0] += move.quantity
            expected[(move.warehouse_id, move.goods_id)][1] += move.value
        expected = {key: tuple(pair) for key, pair in expected.items() if pair != [0, 0]}

        report = reports.remains_on(reports.Scope.of([branch]), day, today=today)
        found = {
            (row["warehouse_id"], row["goods_id"]): (row["held"], row["worth"]) for row in report.resolve(report.rows)
        }
        assert found == expected
        assert report.total_value == sum((value for _q, value in expected.values()), Decimal(0))
        titles = [row["title"] for row in report.rows]
        assert titles == sorted(titles)
        transaction.set_rollback(True)
