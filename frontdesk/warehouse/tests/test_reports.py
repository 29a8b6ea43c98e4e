"""The warehouse reports' numbers against a ledger built by hand: remains today and on a past day,
movements with their causes, sales with revenue, cost and margin, turnover and days of stock,
purchases per supplier — each branch on its own local dates."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from frontdesk.finance.checkout import CounterLine, refund_sale, sell_at_counter
from frontdesk.finance.models import LineKind, PaymentMethod, SaleLine
from frontdesk.finance.services import Payment
from frontdesk.finance.tests.factories import make_cash_desk
from frontdesk.scheduling.tests.factories import make_specialist
from frontdesk.warehouse import reports
from frontdesk.warehouse.models import GoodsCategory
from frontdesk.warehouse.services import ItemLine, receive, transfer, write_off
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def local(company, day: datetime.date, hour=12, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=company.tz)


@pytest.fixture
def today(tenant_a):
    return timezone.now().astimezone(tenant_a.company.tz).date()


@pytest.fixture
def ledger(tenant_a, today):
    """Ten days ago 10 shampoos at 500 and 4 masks at 300 (document A-1); eight days ago 2
    shampoos written off as damaged; six days ago 10 shampoos at 800 (document B-7)."""
    branch, chain = tenant_a.company, tenant_a.chain
    hair = GoodsCategory.objects.create(chain=chain, title="Уход за волосами")
    store = warehouse(branch)
    shampoo = goods(chain, "Шампунь 250 мл", article="SH-250", category=hair)
    mask = goods(chain, "Маска 200 мл", article="MK-200")
    day1 = today - datetime.timedelta(days=10)
    receive(
        branch,
        store,
        supplier(chain),
        [ItemLine(shampoo, 10, "500"), ItemLine(mask, 4, "300")],
        document_number="A-1",
        occurred_at=local(branch, day1),
    )
    write_off(
        branch,
        store,
        [ItemLine(shampoo, 2)],
        reason="Damaged",
        occurred_at=local(branch, day1, 12) + datetime.timedelta(days=2),
    )
    receive(
        branch,
        store,
        supplier(chain, "ИП Косметика"),
        [ItemLine(shampoo, 10, "800")],
        document_number="B-7",
        occurred_at=local(branch, today - datetime.timedelta(days=6)),
    )
    return {"store": store, "shampoo": shampoo, "mask": mask, "hair": hair, "day1": day1}


def held(report):
    return {row["title"]: (row["held"], row["worth"]) for row in report.resolve(report.rows)}


def test_remains_today_are_the_stock_with_its_value_sorted_by_name(tenant_a, ledger, today):
    scope = reports.Scope.of([tenant_a.company])
    report = reports.remains_on(scope, today, today=today)
    assert [row["title"] for row in report.rows] == ["Маска 200 мл", "Шампунь 250 мл"]
    assert held(report) == {
        "Маска 200 мл": (Decimal("4"), Decimal("1200")),
        "Шампунь 250 мл": (Decimal("18"), Decimal("12000")),
    }
    assert report.total_value == Decimal("13200.00")
    assert report.categories == [("Уход за волосами", Decimal("12000.00")), ("", Decimal("1200.00"))]
    page = list(report.resolve(report.rows))
    assert page[1]["average"] == Decimal("666.67")


def test_remains_on_a_past_day_are_what_the_ledger_held_at_its_end(tenant_a, ledger, today):
    scope = reports.Scope.of([tenant_a.company])
    day2 = ledger["day1"] + datetime.timedelta(days=1)
    day3 = ledger["day1"] + datetime.timedelta(days=2)
    assert held(reports.remains_on(scope, day2, today=today)) == {
        "Маска 200 мл": (Decimal("4"), Decimal("1200")),
        "Шампунь 250 мл": (Decimal("10"), Decimal("5000")),
    }
    on_day3 = reports.remains_on(scope, day3, today=today)
    assert held(on_day3)["Шампунь 250 мл"] == (Decimal("8"), Decimal("4000"))
    assert on_day3.total_value == Decimal("5200.00")
    before = reports.remains_on(scope, ledger["day1"] - datetime.timedelta(days=1), today=today)
    assert list(before.rows) == [] and before.total_value == 0 and before.categories == []


def test_remains_are_filtered_by_category_and_search(tenant_a, ledger, today):
    scope = reports.Scope.of([tenant_a.company])
    by_category = reports.remains_on(scope, today, today=today, category_ids={ledger["hair"].pk})
    assert list(held(by_category)) == ["Шампунь 250 мл"] and by_category.total_value == Decimal("12000.00")
    assert list(held(reports.remains_on(scope, today, today=today, query="mk-2"))) == ["Маска 200 мл"]


def test_movements_list_each_line_with_its_cause(tenant_a, ledger, today):
    scope = reports.Scope.of([tenant_a.company])
    lines = reports.movements(scope, ledger["day1"], today)
    rows = [(line.document.kind, line.goods.title, line.quantity, line.value, reports.cause(line)) for line in lines]
    assert rows == [
        ("receipt", "Шампунь 250 мл", Decimal("10"), Decimal("8000"), "ИП Косметика · document No. B-7"),
        ("write_off", "Шампунь 250 мл", Decimal("-2"), Decimal("-1000"), "Damaged"),
        ("receipt", "Маска 200 мл", Decimal("4"), Decimal("1200"), "ООО «Проф Косметикс» · document No. A-1"),
        ("receipt", "Шампунь 250 мл", Decimal("10"), Decimal("5000"), "ООО «Проф Косметикс» · document No. A-1"),
    ]
    totals = {str(row["kind"]): (row["value_in"], row["value_out"]) for row in reports.movement_totals(lines)}
    assert totals == {"Goods receipt": (Decimal("14200"), 0), "Stock write-off": (0, Decimal("-1000"))}
    only_write_offs = reports.movements(scope, ledger["day1"], today, kind="write_off")
    assert [line.quantity for line in only_write_offs] == [Decimal("-2")]
    # The first day alone holds the first receipt only.
    assert reports.movements(scope, ledger["day1"], ledger["day1"]).count() == 2


def test_a_period_is_each_branchs_own_local_dates(tenant_a, today):
    moscow, far = tenant_a.companies
    far.timezone = "Asia/Vladivostok"
    far.save(update_fields=["timezone"])
    item = goods(tenant_a.chain)
    east = warehouse(far)
    day = today - datetime.timedelta(days=3)
    # 00:30 in Vladivostok is the evening before in Moscow: it belongs to `day` in that branch.
    receive(far, east, supplier(tenant_a.chain), [ItemLine(item, 1, "100")], occurred_at=local(far, day, 0, 30))
    network = reports.Scope.of([moscow, far])
    assert reports.movements(network, day, day).count() == 1
    assert reports.movements(network, day - datetime.timedelta(days=1), day - datetime.timedelta(days=1)).count() == 0
    assert held(reports.remains_on(network, day, today=today)) == {item.title: (Decimal("1"), Decimal("100"))}
    assert list(reports.remains_on(network, day - datetime.timedelta(days=1), today=today).rows) == []


def test_turnover_averages_the_days_stock_and_counts_days_of_stock(tenant_a, ledger, today):
    scope = reports.Scope.of([tenant_a.company])
    last = ledger["day1"] + datetime.timedelta(days=4)  # the day of the second receipt
    rows = {row.title: row for row in reports.turnover(scope, ledger["day1"], last)}
    shampoo = rows["Шампунь 250 мл"]
    # end of each day: 10, 10, 8, 8, 18 → 54 / 5
    assert (shampoo.opening, shampoo.closing, shampoo.average) == (0, Decimal("18"), Decimal("10.800"))
    assert shampoo.average_value == Decimal("6000.00")  # 5,000, 5,000, 4,000, 4,000, 12,000
    assert (shampoo.outflow, shampoo.days_of_stock, shampoo.turns) == (Decimal("2"), Decimal("27.0"), Decimal("0.19"))
    mask = rows["Маска 200 мл"]
    assert (mask.average, mask.outflow, mask.days_of_stock) == (Decimal("4.000"), 0, None)
    # A later period starts from what was held.
    later = {row.title: row for row in reports.turnover(scope, last + datetime.timedelta(days=1), today)}
    assert later["Шампунь 250 мл"].opening == Decimal("18") and later["Шампунь 250 мл"].average == Decimal("18.000")


def test_purchases_list_receipt_lines_and_total_each_supplier(tenant_a, ledger, today):
    scope = reports.Scope.of([tenant_a.company])
    lines = reports.purchases(scope, ledger["day1"], today)
    assert [(line.document.supplier_document, line.goods.title, line.quantity, line.value) for line in lines][2] == (
        "B-7",
        "Шампунь 250 мл",
        Decimal("10"),
        Decimal("8000"),
    )
    assert reports.supplier_totals(lines) == [
        {"supplier_name": "ИП Косметика", "documents": 1, "lines": 1, "value": Decimal("8000")},
        {"supplier_name": "ООО «Проф Косметикс»", "documents": 1, "lines": 2, "value": Decimal("6200")},
    ]
    other = supplier(tenant_a.chain, "ИП Косметика")
    assert reports.purchases(scope, ledger["day1"], today, supplier=other).count() == 1


@pytest.fixture
def sold(tenant_a, ledger, amy):
    """Today: 2 shampoos at 1,100 sold by Ирина, 1 mask at 700 with no seller."""
    branch = tenant_a.company
    desk = make_cash_desk(branch)
    irina = make_specialist(branch, "Ирина", [])
    shampoo, mask = ledger["shampoo"], ledger["mask"]
    sale = sell_at_counter(
        branch,
        client=None,
        lines=[
            CounterLine(LineKind.GOODS, str(shampoo.pk), shampoo.title, "1100", 2, irina, ""),
            CounterLine(LineKind.GOODS, str(mask.pk), mask.title, "700", 1, None, ""),
        ],
        payments=[Payment(desk, PaymentMethod.CASH, "2900")],
        user=amy,
    ).sale
    return {"sale": sale, "irina": irina}


def test_sales_by_item_show_revenue_cost_and_margin(tenant_a, sold, today):
    scope = reports.Scope.of([tenant_a.company])
    report = reports.goods_sales(scope, today, today)
    rows = {row.label: (row.quantity, row.revenue, row.cost, row.margin) for row in report.rows}
    # The shampoo's average is 12,000 / 18; two carry 1,333.33.
    assert rows == {
        "Маска 200 мл": (Decimal("1"), Decimal("700.00"), Decimal("300.00"), Decimal("400.00")),
        "Шампунь 250 мл": (Decimal("2"), Decimal("2200.00"), Decimal("1333.33"), Decimal("866.67")),
    }
    assert (report.total.revenue, report.total.cost) == (Decimal("2900.00"), Decimal("1633.33"))
    chart = report.chart()
    assert chart["labels"] == ["Шампунь 250 мл", "Маска 200 мл"] and chart["series"][0]["data"] == [2200.0, 700.0]


def test_sales_group_by_seller_category_and_branch(tenant_a, sold, today):
    scope = reports.Scope.of([tenant_a.company])
    by_seller = {row.label: row.revenue for row in reports.goods_sales(scope, today, today, by="seller").rows}
    assert by_seller == {"Ирина": Decimal("2200.00"), "Seller not given": Decimal("700.00")}
    by_category = {row.label: row.margin for row in reports.goods_sales(scope, today, today, by="category").rows}
    assert by_category == {"Уход за волосами": Decimal("866.67"), "Without a category": Decimal("400.00")}
    by_branch = reports.goods_sales(scope, today, today, by="branch").rows
    assert [(row.label, row.revenue) for row in by_branch] == [(tenant_a.company.name, Decimal("2900.00"))]
    yesterday = today - datetime.timedelta(days=1)
    assert reports.goods_sales(scope, yesterday, yesterday).rows == []


def test_a_sale_refunded_in_full_sells_nothing_and_costs_nothing(tenant_a, sold, today):
    sale = sold["sale"]
    refund_sale(sale, returns={line.pk: line.quantity for line in SaleLine.objects.filter(sale=sale)})
    report = reports.goods_sales(reports.Scope.of([tenant_a.company]), today, today)
    assert [(row.quantity, row.revenue, row.cost) for row in report.rows] == [(0, 0, 0), (0, 0, 0)]


def test_a_transfer_between_branches_counts_where_the_stock_is(tenant_a, ledger, today):
    arbat, sokol = tenant_a.companies
    there = warehouse(sokol, "Сокол товары")
    transfer(arbat, ledger["store"], there, [ItemLine(ledger["shampoo"], 3)])
    in_sokol = reports.remains_on(reports.Scope.of([sokol]), today, today=today)
    assert held(in_sokol) == {"Шампунь 250 мл": (Decimal("3"), Decimal("2000.00"))}
    causes = [reports.cause(line) for line in reports.movements(reports.Scope.of([sokol]), today, today)]
    assert causes == ["Transfer in"]
