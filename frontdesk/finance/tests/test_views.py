"""The finance pages through HTTP, as an administrator, a specialist and an owner use them."""

from decimal import Decimal

import pytest
from django.utils import translation

from frontdesk.clients.services import find_or_create_client
from frontdesk.finance.checkout import checkout_visit
from frontdesk.finance.models import Account, Counterparty, PaymentItem, Sale, SaleStatus, Transaction
from frontdesk.finance.services import Payment, balance, record_income
from frontdesk.finance.tests.factories import item, make_bank_account, make_cash_desk, make_visit
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch(tenant_a):
    company = tenant_a.company
    desk, bank = make_cash_desk(company), make_bank_account(company)
    client = find_or_create_client(chain=tenant_a.chain, phone="+79161112233", name="Ольга Петрова")
    visit = make_visit(company, [("Стрижка", 2500, 3500)], client=client)
    return company, desk, bank, visit


def url(company, rest=""):
    return f"/c/{company.pk}/finance/{rest}"


def test_every_finance_page_opens_for_the_administrator(branch, amy):
    company, desk, bank, visit = branch
    sale = checkout_visit(make_visit(company, hour=15), payments=[Payment(desk, "cash", "100")]).sale
    http = client_for(amy)
    rent = item(company.chain, "rent")
    partner = Counterparty.objects.create(chain=company.chain, name="ООО «Аренда»")
    for path in [
        "",
        "accounts/add/",
        f"accounts/{desk.pk}/",
        f"accounts/{desk.pk}/edit/",
        "income/",
        "expense/",
        "transfer/",
        "items/",
        "items/add/",
        f"items/{rent.pk}/",
        "counterparties/",
        "counterparties/add/",
        f"counterparties/{partner.pk}/",
        f"checkout/{visit.pk}/",
        f"sales/{sale.pk}/",
    ]:
        assert http.get(url(company, path)).status_code == 200, path


def test_a_specialist_has_no_access_to_the_money(branch, sam):
    company, desk, bank, visit = branch
    http = client_for(sam)
    assert http.get(url(company)).status_code == 403
    assert http.post(url(company, f"checkout/{visit.pk}/"), {"amount_cash": "2500"}).status_code == 403
    assert not Sale.objects.exists()


def test_the_accounts_page_shows_live_balances(branch, amy):
    company, desk, bank, visit = branch
    record_income(desk, "1234.5", item=item(company.chain, "goods"), method="cash")
    with translation.override("en"):
        page = client_for(amy).get(url(company), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1,234.50" in page or "1 234.50" in page or "1234.50" in page


def test_a_manual_expense_with_a_bad_amount_shows_the_error_and_saves_nothing(branch, amy):
    company, desk, bank, visit = branch
    response = client_for(amy).post(
        url(company, "expense/"),
        {"account": desk.pk, "amount": "много", "method": "cash", "item": item(company.chain, "rent").pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Enter an amount such as 1500" in response.content.decode()
    assert not Transaction.objects.exists()


def test_an_expense_the_desk_cannot_cover_is_refused_in_the_form(branch, amy):
    company, desk, bank, visit = branch
    response = client_for(amy).post(
        url(company, "expense/"),
        {"account": desk.pk, "amount": "10", "method": "cash", "item": item(company.chain, "rent").pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "There is not enough money" in response.content.decode()
    assert balance(desk) == 0


def test_checkout_form_takes_split_cash_and_card_and_tells_the_change(branch, amy):
    company, desk, bank, visit = branch
    line = visit.records.get().lines.get()
    response = client_for(amy).post(
        url(company, f"checkout/{visit.pk}/"),
        {
            f"price_{line.pk}": "3000",
            "discount": "100",
            "account_cash": desk.pk,
            "amount_cash": "900",
            "account_card": bank.pk,
            "amount_card": "2000",
            "cash_received": "1000",
        },
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    page = response.content.decode()
    assert "The visit is checked out. Change due: 100.00" in page
    sale = Sale.objects.get(visit=visit)
    assert sale.status == SaleStatus.PAID and sale.total == Decimal("2900.00")
    assert (balance(desk), balance(bank)) == (Decimal("900.00"), Decimal("2000.00"))


def test_checkout_with_a_price_out_of_range_shows_the_error_and_keeps_what_was_typed(branch, amy):
    company, desk, bank, visit = branch
    line = visit.records.get().lines.get()
    response = client_for(amy).post(
        url(company, f"checkout/{visit.pk}/"),
        {f"price_{line.pk}": "9000", "account_cash": desk.pk, "amount_cash": "abc"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "must be between" in page or "Enter an amount" in page
    assert 'value="9000.00"' in page
    assert not Sale.objects.exists()


def test_an_account_of_another_branch_in_the_payment_is_refused(branch, amy, tenant_a):
    company, desk, bank, visit = branch
    foreign = make_cash_desk(tenant_a.companies[1], "Касса Сокол")
    response = client_for(amy).post(
        url(company, f"checkout/{visit.pk}/"), {"account_cash": foreign.pk, "amount_cash": "100"}
    )
    assert response.status_code == 400
    assert not Sale.objects.exists() and balance(foreign) == 0


def test_a_second_checkout_of_the_visit_leads_to_its_sale(branch, amy):
    company, desk, bank, visit = branch
    sale = checkout_visit(visit, payments=[Payment(desk, "cash", "1000")]).sale
    response = client_for(amy).get(url(company, f"checkout/{visit.pk}/"))
    assert response.status_code == 302 and response.url.endswith(f"/sales/{sale.pk}/")


def test_debt_is_paid_and_a_payment_refunded_from_the_sale_page(branch, amy):
    company, desk, bank, visit = branch
    sale = checkout_visit(visit, payments=[Payment(desk, "cash", "1000")]).sale
    http = client_for(amy)
    page = http.get(url(company, f"sales/{sale.pk}/"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Debt" in page
    http.post(url(company, f"sales/{sale.pk}/pay/"), {"account_card": bank.pk, "amount_card": "1500"})
    sale.refresh_from_db()
    assert sale.status == SaleStatus.PAID and balance(bank) == Decimal("1500.00")
    cash_payment = Transaction.objects.get(sale=sale, method="cash")
    http.post(url(company, f"sales/{sale.pk}/refund/"), {"payment": cash_payment.pk, "amount": "400"})
    sale.refresh_from_db()
    assert sale.refunded == Decimal("400.00") and balance(desk) == Decimal("600.00")
    response = http.post(url(company, f"sales/{sale.pk}/refund/"), {"payment": cash_payment.pk, "amount": "601"})
    assert response.status_code == 400 and balance(desk) == Decimal("600.00")


def test_shift_open_and_close_from_the_account_page(branch, amy):
    company, desk, bank, visit = branch
    http = client_for(amy)
    http.post(url(company, f"accounts/{desk.pk}/shift/open/"))
    http.post(url(company, f"accounts/{desk.pk}/shift/close/"), {"counted": "50"})
    shift = desk.shifts.get()
    assert shift.closed_at and shift.discrepancy == Decimal("50.00")


def test_items_and_counterparties_are_managed(branch, amy):
    company, desk, bank, visit = branch
    http = client_for(amy)
    rent = item(company.chain, "rent")
    with translation.override("en"):
        http.post(url(company, f"items/{rent.pk}/"), {"title": "Rent"}, HTTP_ACCEPT_LANGUAGE="en")
    rent.refresh_from_db()
    assert rent.title == ""  # saved unrenamed: still shown in each reader's language
    http.post(url(company, "items/add/"), {"title": "Канцелярия", "kind": "expense"})
    stationery = PaymentItem.objects.get(title="Канцелярия")
    http.post(url(company, f"items/{stationery.pk}/archive/"))
    stationery.refresh_from_db()
    assert stationery.is_archived
    response = http.post(
        url(company, "counterparties/add/"), {"kind": "legal", "name": "ООО «Ромашка»", "inn": "12345"}
    )
    assert response.status_code == 200 and not Counterparty.objects.exists()  # an INN is 10 or 12 digits
    http.post(url(company, "counterparties/add/"), {"kind": "legal", "name": "ООО «Ромашка»", "inn": "7701234567"})
    assert Counterparty.objects.get().inn == "7701234567"


def test_the_journal_record_dialog_offers_checkout_then_shows_the_payment(branch, amy):
    company, desk, bank, visit = branch
    record = visit.records.get()
    http = client_for(amy)
    dialog = http.get(f"/c/{company.pk}/journal/records/{record.pk}/").content.decode()
    assert f"/finance/checkout/{visit.pk}/" in dialog
    sale = checkout_visit(visit, payments=[Payment(desk, "cash", "2500")]).sale
    dialog = http.get(f"/c/{company.pk}/journal/records/{record.pk}/").content.decode()
    assert f"/finance/sales/{sale.pk}/" in dialog and "/finance/checkout/" not in dialog
    # No status buttons that would only be refused: the paid visit changes through a refund.
    assert 'data-testid="record-locked"' in dialog and "data-record-status=" not in dialog


def test_the_menu_shows_finance_to_the_administrator_only(branch, amy, sam):
    company = branch[0]
    assert f'href="/c/{company.pk}/finance/"' in client_for(amy).get(f"/c/{company.pk}/").content.decode()
    assert f'href="/c/{company.pk}/finance/"' not in client_for(sam).get(f"/c/{company.pk}/").content.decode()


def test_accounts_of_another_branch_of_the_network_are_not_reachable(branch, amy, tenant_a):
    company = branch[0]
    other = Account.objects.create(company=tenant_a.companies[1], chain=tenant_a.chain, title="Сокол", kind="cash")
    assert client_for(amy).get(url(company, f"accounts/{other.pk}/")).status_code == 404


def test_a_client_who_left_a_debt_has_it_on_the_card(branch, amy):
    company, desk, bank, visit = branch
    checkout_visit(visit, payments=[Payment(desk, "cash", "1000")])
    http = client_for(amy)
    with translation.override("en"):
        card = http.get(f"/c/{company.pk}/clients/{visit.client_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="client-badge-debt"' in card and "Debt 1,500.00" in card


def test_the_checkout_page_reads_the_same_number_of_queries_for_one_service_or_four(branch, amy):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    company, _desk, _bank, one = branch
    four = make_visit(company, services=[(f"Услуга {n}", 1000, 1500) for n in range(4)], client=one.client, hour=15)
    http = client_for(amy)
    http.get(url(company, f"checkout/{one.pk}/"))  # the first request fills the per-process caches
    counts = []
    for visit in (one, four):
        with CaptureQueriesContext(connection) as queries:
            assert http.get(url(company, f"checkout/{visit.pk}/")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
