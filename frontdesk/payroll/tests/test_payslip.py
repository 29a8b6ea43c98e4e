"""Payslips: the PDF an owner prints for any employee and a specialist for themself, read back
with pypdf — lines grouped, bonuses and fines, adjustments, payouts, balances at the start and the
end."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from frontdesk.finance.checkout import refund_sale
from frontdesk.payroll.models import EntryKind, Payout, PayoutKind
from frontdesk.payroll.payslip import build
from frontdesk.payroll.services import add_entry, balances, close_period, pay_out
from frontdesk.payroll.tests.factories import desk_of, employee, goods_sale, product, scheme, service, sold
from frontdesk.staff.models import Specialist
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

OCT, OCT_END = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)
NOV, NOV_END = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
DAY = datetime.date(2026, 10, 12)
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def text_of(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


@pytest.fixture
def paid_october(tenant_a):
    """Anna: a colouring (4,000 → 1,600) and two bottles (1,800 → 180) in October, a bonus of
    500, closed; an advance of 1,000 paid in November; the colouring refunded by 1,000 after."""
    company, chain = tenant_a.company, tenant_a.chain
    plan = scheme(chain, "40 % + 10 % товаров", service_percent=Decimal("40"), goods_percent=Decimal("10"))
    anna = employee(company, "Анна", plan, valid_from=OCT, valid_to=OCT_END)
    sale = sold(company, anna, service(company, "Colouring", 4000), DAY)
    goods_sale(company, anna, product(chain, "Shampoo", "900"), DAY, quantity=2)
    add_entry(company, anna, EntryKind.BONUS, "500", datetime.date(2026, 10, 20), "Best month")
    close_period(company, OCT, OCT_END)
    advance = pay_out(company, anna, desk_of(company), "1000", kind=PayoutKind.ADVANCE)
    paid_on = datetime.datetime.combine(datetime.date(2026, 11, 5), datetime.time(12), company.tz)
    Payout.objects.filter(pk=advance.pk).update(created_at=paid_on)
    refund_sale(sale, "1000")
    return anna


def test_the_owners_payslip_lists_the_lines_by_group_with_balances(tenant_a, alice, paid_october):
    anna = paid_october
    url = reverse("payroll:payslip", args=[tenant_a.company.pk, anna.pk])
    text = text_of(client_for(alice).get(url, OCTOBER))
    assert "Payslip" in text and "Анна" in text
    assert "Services" in text and "Colouring, 12 October, 4,000.00 ₽ after discount × 40 % = 1,600.00 ₽" in text
    assert "Goods sold" in text and "Shampoo ×2, 12 October, 1,800.00 ₽ × 10 % = 180.00 ₽" in text
    assert "Best month" in text
    assert "Balance at the start 0.00 ₽" in text
    # 1,600 + 180 + 500 bonus; the advance was paid in November, so not on October's slip.
    assert "Balance at the end 2,280.00 ₽" in text


def test_the_next_months_payslip_carries_the_adjustment_and_the_payout(tenant_a, alice, paid_october):
    anna = paid_october
    slip = build(tenant_a.company, anna, NOV, NOV_END)
    assert (slip.start, slip.accrued, slip.paid, slip.end) == (
        Decimal("2280.00"),
        Decimal("-400.00"),
        Decimal("1000.00"),
        Decimal("880.00"),
    )
    url = reverse("payroll:payslip", args=[tenant_a.company.pk, anna.pk])
    text = text_of(client_for(alice).get(url, NOVEMBER))
    assert "Adjustments of closed periods" in text and "-400.00 ₽" in text
    assert "Advance" in text and "Paid out 1,000.00 ₽" in text
    assert "Balance at the end 880.00 ₽" in text


def test_a_closed_periods_payslip_ends_at_the_ledgers_balance(tenant_a, paid_october):
    anna = paid_october
    close_period(tenant_a.company, NOV, NOV_END)
    slip = build(tenant_a.company, anna, NOV, NOV_END)
    assert slip.closed and slip.end == balances(tenant_a.company, [anna.pk])[anna.pk] == Decimal("880.00")


def test_a_specialist_prints_only_their_own_payslip(tenant_a, sam, paid_october):
    anna = paid_october
    other = employee(tenant_a.company, "Мария")
    Specialist.objects.filter(pk=anna.pk).update(user=sam)
    client = client_for(sam)
    text = text_of(client.get(reverse("payroll:my_payslip", args=[tenant_a.company.pk]), OCTOBER))
    assert "Анна" in text and "Balance at the end 2,280.00 ₽" in text
    assert client.get(reverse("payroll:payslip", args=[tenant_a.company.pk, other.pk]), OCTOBER).status_code == 403
    page = client.get(reverse("payroll:mine", args=[tenant_a.company.pk]), OCTOBER).content.decode()
    assert reverse("payroll:my_payslip", args=[tenant_a.company.pk]) in page


def test_a_member_who_is_no_specialist_gets_a_message_not_a_pdf(tenant_a, amy):
    response = client_for(amy).get(reverse("payroll:my_payslip", args=[tenant_a.company.pk]), follow=True)
    assert "Your login is not linked to a specialist of this branch." in response.content.decode()


def test_dates_that_cut_into_a_closed_period_are_refused_in_words(tenant_a, alice, paid_october):
    anna = paid_october
    url = reverse("payroll:payslip", args=[tenant_a.company.pk, anna.pk])
    page = client_for(alice).get(url, {"from": "2026-10-15", "to": "2026-11-15"}, follow=True)
    assert "These dates overlap the closed period" in page.content.decode()
