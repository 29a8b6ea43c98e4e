"""The finance reports over a known month of money: the figures a reader sees on each page and
in the Excel file, who may see what, and that the pages do not grow queries with the ledger."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from frontdesk.clients.models import Client
from frontdesk.clients.services import find_or_create_client
from frontdesk.finance import reports
from frontdesk.finance.checkout import checkout_visit, refund_sale
from frontdesk.finance.models import CashShift, PaymentItem, Transaction
from frontdesk.finance.services import Payment, close_shift, open_shift, record_expense, record_income
from frontdesk.finance.tests.factories import DAY, MSK, item, make_bank_account, make_cash_desk, make_visit
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.testing.fixtures import client_for
from frontdesk.testing.spreadsheets import assert_written_as_text

pytestmark = pytest.mark.django_db

D = Decimal


def at(day, hour):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=MSK)


NEXT = DAY + datetime.timedelta(days=1)
BEFORE = DAY - datetime.timedelta(days=1)


@pytest.fixture
def month(tenant_a):
    """December 2026 in the first branch, and a little in the second:

    30 Nov: desk +1000 cash (goods), bank +5000 transfer (goods); the other branch's desk +700.
    1 Dec:  shift opened 09:00 (1000 at opening); visit 2500 paid 1000 cash + 1500 card;
            rent −300 cash; shift closed 20:00 with 1650 counted (1700 expected: −50).
    2 Dec:  desk +10000 cash (goods); a 2500 visit paid 1000 cash (1500 owed); 500 of the
            card payment refunded.
    3 Dec:  a 3000 visit checked out and not paid (3000 owed).
    4 Dec:  a cancelled record.
    """
    company, other = tenant_a.companies
    chain = company.chain
    desk, bank = make_cash_desk(company), make_bank_account(company)
    other_desk = make_cash_desk(other, "Касса Сокол")
    goods, rent = item(chain, "goods"), item(chain, "rent")
    record_income(desk, "1000", item=goods, method="cash", occurred_at=at(BEFORE, 12))
    record_income(bank, "5000", item=goods, method="transfer", occurred_at=at(BEFORE, 13))
    record_income(other_desk, "700", item=goods, method="cash", occurred_at=at(BEFORE, 14))

    open_shift(desk)
    olga = find_or_create_client(chain=chain, phone="+79161112233", name="Ольга Петрова")
    paid = checkout_visit(
        make_visit(company, [("Стрижка", 2500, 2500)], client=olga, hour=11),
        payments=[Payment(desk, "cash", "1000"), Payment(bank, "card", "1500")],
        occurred_at=at(DAY, 12),
    ).sale
    record_expense(desk, "300", item=rent, method="cash", occurred_at=at(DAY, 15))
    close_shift(desk, "1650")
    CashShift.objects.filter(account=desk).update(opened_at=at(DAY, 9), closed_at=at(DAY, 20))

    record_income(desk, "10000", item=goods, method="cash", occurred_at=at(NEXT, 10))
    ivan = find_or_create_client(chain=chain, phone="+79164445566", name="Иван Сидоров")
    checkout_visit(
        make_visit(company, [("Окрашивание", 2500, 2500)], client=ivan, hour=14, day=NEXT),
        payments=[Payment(desk, "cash", "1000")],
        occurred_at=at(NEXT, 15),
    )
    card = Transaction.objects.get(sale=paid, method="card")
    refund = refund_sale(paid, "500", payment=card)[0]
    Transaction.objects.filter(pk=refund.pk).update(occurred_at=at(NEXT, 16))

    third = DAY + datetime.timedelta(days=2)
    checkout_visit(make_visit(company, [("Маникюр", 3000, 3000)], client=olga, hour=12, day=third))
    cancelled = make_visit(company, [("Педикюр", 2000, 2000)], hour=13, day=third + datetime.timedelta(days=1))
    Record.objects.filter(visit=cancelled).update(status=RecordStatus.CANCELLED)
    return company, desk, bank


def get(user, company, path, **params):
    return client_for(user).get(f"/c/{company.pk}/finance/reports/{path}", params, HTTP_ACCEPT_LANGUAGE="en")


def test_the_cash_report_of_a_day_shows_each_account_from_opening_to_closing(month):
    company, desk, bank = month
    report = reports.cash_report([company], DAY, MSK)
    rows = {row.account.title: row for row in report.accounts}
    assert rows["Касса"].opening == D("1000.00")
    assert rows["Касса"].money_in["cash"] == D("1000.00")
    assert rows["Касса"].money_out["cash"] == D("-300.00")
    assert rows["Касса"].closing == D("1700.00")
    assert rows["Расчётный счёт"].opening == D("5000.00")
    assert rows["Расчётный счёт"].money_in["card"] == D("1500.00")
    assert rows["Расчётный счёт"].closing == D("6500.00")
    assert (report.opening, report.closing) == (D("6000.00"), D("8200.00"))
    assert [(s.expected, s.counted, s.discrepancy) for s in report.shifts] == [(D("1700"), D("1650"), D("-50"))]


def test_the_cash_report_page_reads_the_day_chosen(month, amy):
    company, desk, bank = month
    page = get(amy, company, "", day=DAY.isoformat()).content.decode()
    assert 'data-testid="report-opening">6,000.00' in page
    assert 'data-testid="report-closing">8,200.00' in page
    assert 'data-testid="shift-discrepancy">-50.00' in page
    # The next day opens where this one closed.
    page = get(amy, company, "", day=NEXT.isoformat()).content.decode()
    assert 'data-testid="report-opening">8,200.00' in page
    assert "No cash shift was opened or closed that day." in page


def test_income_and_expense_by_item_for_the_month(month, amy):
    company, desk, bank = month
    report = reports.items_report([company], DAY, datetime.date(2026, 12, 31), MSK)
    lines = {line.item.code: line for line in report.income + report.expense}
    assert (lines["services"].money_in, lines["services"].money_out) == (D("3500.00"), D("-500.00"))
    assert lines["goods"].net == D("10000.00")  # 30 November is outside the period
    assert lines["rent"].net == D("-300.00")
    assert (report.total_income, report.total_expense, report.result) == (D("13000"), D("-300"), D("12700"))
    page = get(amy, company, "items/", first="2026-12-01", last="2026-12-31").content.decode()
    assert 'data-testid="result">12,700.00' in page
    assert 'data-testid="items-chart"' in page and "width: 100.0%" in page


def test_payments_by_method_leave_transfers_out(month, amy):
    company, desk, bank = month
    from frontdesk.finance.services import transfer_money

    transfer_money(desk, bank, "100")
    report = reports.methods_report([company], BEFORE, datetime.date(2026, 12, 31), MSK)
    lines = {line.method: line for line in report.lines}
    assert (lines["cash"].money_in, lines["cash"].money_out) == (D("13000.00"), D("-300.00"))
    assert (lines["card"].money_in, lines["card"].money_out) == (D("1500.00"), D("-500.00"))
    assert lines["transfer"].money_in == D("5000.00")
    assert lines["online"].count == 0


def test_debts_list_the_visits_not_paid_in_full(month, amy):
    company, desk, bank = month
    report = reports.debts_report([company], DAY, datetime.date(2026, 12, 31), MSK)
    assert [(s.client.name, s.owed) for s in report.sales] == [
        ("Иван Сидоров", D("1500")),
        ("Ольга Петрова", D("3000")),
    ]
    assert (report.total, report.unpaid, report.partly_paid) == (D("4500.00"), 1, 1)
    page = get(amy, company, "debts/", first="2026-12-03", last="2026-12-03").content.decode()
    assert 'data-testid="debts-total">3,000.00' in page and "Иван Сидоров" not in page


def test_cancellations_and_refunds_of_the_period(month, amy):
    company, desk, bank = month
    report = reports.refunds_report([company], DAY, datetime.date(2026, 12, 31), MSK)
    assert (report.refund_total, report.refund_by_method["card"], report.refund_count) == (D("500.00"), D("500.00"), 1)
    assert (report.cancelled_count, report.no_show_count) == (1, 0)
    page = get(amy, company, "refunds/", first="2026-12-01", last="2026-12-31").content.decode()
    assert 'data-testid="refund-total">500.00' in page and 'data-testid="cancelled-count">1<' in page


@pytest.mark.parametrize("path", ["", "items/", "methods/", "debts/", "refunds/"])
def test_every_report_downloads_as_excel(month, amy, path):
    company, desk, bank = month
    params = {"day": DAY.isoformat()} if path == "" else {"first": "2026-12-01", "last": "2026-12-31"}
    response = get(amy, company, path, format="xlsx", **params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.worksheets[0].max_row >= 2


def test_names_typed_as_formulas_come_out_of_every_report_as_text(month, amy):
    company, desk, bank = month
    olga = '=HYPERLINK("http://x","y")'
    Client.objects.filter(phone="+79161112233").update(name=olga)
    desk.title, bank.title = "=1+1", "-5"
    desk.save(update_fields=["title"])
    bank.save(update_fields=["title"])
    period = {"first": "2026-12-01", "last": "2026-12-31", "format": "xlsx"}
    assert_written_as_text(get(amy, company, "", day=DAY.isoformat(), format="xlsx").content, "=1+1", "-5")
    assert_written_as_text(get(amy, company, "debts/", **period).content, olga)
    assert_written_as_text(get(amy, company, "refunds/", **period).content, olga, "-5")
    PaymentItem.objects.filter(chain=company.chain, code="rent").update(title="@SUM(A1)")
    assert_written_as_text(get(amy, company, "items/", **period).content, "@SUM(A1)")


def test_the_cash_report_in_excel_has_the_same_figures(month, amy):
    company, desk, bank = month
    response = get(amy, company, "", day=DAY.isoformat(), format="xlsx")
    sheet, shifts = load_workbook(BytesIO(response.content)).worksheets
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Касса"][2] == 1000 and rows["Касса"][-1] == 1700
    assert [row[-1] for row in shifts.iter_rows(min_row=2, values_only=True)] == [-50]


def test_the_owner_sees_the_whole_network_and_an_administrator_only_her_branch(month, alice, amy):
    company, desk, bank = month
    page = get(alice, company, "", day=DAY.isoformat(), scope="network").content.decode()
    assert "Касса Сокол" in page and 'data-testid="report-opening">6,700.00' in page
    response = get(amy, company, "", day=DAY.isoformat(), scope="network")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Касса Сокол" not in page and 'data-testid="report-errors"' in page
    assert 'name="scope"' not in page


def test_a_specialist_cannot_open_the_reports(month, sam):
    company, desk, bank = month
    for path in ["", "items/", "methods/", "debts/", "refunds/"]:
        assert get(sam, company, path).status_code == 403
        assert get(sam, company, path, format="xlsx").status_code == 403


def test_bad_filters_show_a_clear_error(month, amy):
    company, desk, bank = month
    page = get(amy, company, "items/", first="2026-12-31", last="2026-12-01").content.decode()
    assert "The period ends before it begins." in page
    page = get(amy, company, "", day="вчера").content.decode()
    assert "Enter a valid date." in page
    response = get(amy, company, "items/", first="2020-01-01", last="2026-12-31", format="xlsx")
    assert response["Content-Type"].startswith("text/html")
    assert "Choose a period of at most a year." in response.content.decode()


def test_the_reports_do_not_grow_queries_with_the_ledger(month, amy):
    company, desk, bank = month
    http = client_for(amy)
    cases = [("", {"day": DAY.isoformat()})] + [
        (path, {"first": "2026-12-01", "last": "2026-12-31"}) for path in ["items/", "methods/", "debts/", "refunds/"]
    ]

    def counts():
        found = []
        for path, params in cases:
            with CaptureQueriesContext(connection) as captured:
                assert http.get(f"/c/{company.pk}/finance/reports/{path}", params).status_code == 200
            found.append(len(captured))
        return found

    before = counts()
    for n in range(5):
        extra = make_cash_desk(company, f"Касса {n}")
        record_income(extra, "100", item=item(company.chain, "goods"), method="cash", occurred_at=at(DAY, 10))
        sale = checkout_visit(make_visit(company, [(f"Услуга {n}", 900, 900)], hour=10 + n, day=NEXT)).sale
        assert sale.status == "unpaid"
    assert counts() == before
