"""Payouts through the cash desk, the employee's ledger, and the refusals that change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from frontdesk.finance.errors import FinanceError
from frontdesk.finance.models import Transaction
from frontdesk.finance.services import balance, record_income
from frontdesk.finance.tests.factories import item
from frontdesk.payroll.errors import PayrollError
from frontdesk.payroll.forms import RuleForm, SchemeForm
from frontdesk.payroll.models import Assignment, Entry, EntryKind, Payout, PayoutKind
from frontdesk.payroll.services import (
    add_entry,
    assign_scheme,
    balances,
    close_period,
    ledger,
    pay_out,
    set_no_overpay,
)
from frontdesk.payroll.tests.factories import desk_of, employee, scheme, service, sold

pytestmark = pytest.mark.django_db

OCT, OCT_END = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)
DAY = datetime.date(2026, 10, 12)


@pytest.fixture
def earned(tenant_a):
    """Anna earned 4,000 in a closed October; the desk holds the visits' 10,000 in cash."""
    company = tenant_a.company
    anna = employee(
        company, "Анна", scheme(tenant_a.chain, service_percent=Decimal("40")), valid_from=OCT, valid_to=OCT_END
    )
    sold(company, anna, service(company, price=10000), DAY)
    close_period(company, OCT, OCT_END)
    return company, anna


def test_a_payout_is_an_expense_under_salaries_from_the_chosen_desk(earned, tenant_a):
    company, anna = earned
    desk = desk_of(company)
    payout = pay_out(company, anna, desk, "1500", kind=PayoutKind.ADVANCE, user=tenant_a.owner)
    money = Transaction.objects.get(pk=payout.transaction_id)
    assert money.amount == Decimal("-1500.00") and money.account == desk
    assert money.item == item(tenant_a.chain, "salaries")
    assert balance(desk) == Decimal("8500.00")
    assert balances(company, [anna.pk])[anna.pk] == Decimal("2500.00")


def test_the_balance_is_the_sum_of_the_ledger(earned, tenant_a):
    company, anna = earned
    add_entry(company, anna, EntryKind.BONUS, "700", datetime.date(2026, 11, 3), "Лучший отзыв месяца")
    add_entry(company, anna, EntryKind.FINE, "200", datetime.date(2026, 11, 4), "Опоздание")
    pay_out(company, anna, desk_of(company), "3000")
    rows = ledger(company, anna)
    assert [row.amount for row in rows] == [
        Decimal("4000.00"),
        Decimal("700.00"),
        Decimal("-200.00"),
        Decimal("-3000.00"),
    ]
    assert (
        rows[-1].balance
        == sum(row.amount for row in rows)
        == balances(company, [anna.pk])[anna.pk]
        == Decimal("1500.00")
    )


def test_paying_more_than_earned_is_refused_and_nothing_is_saved(earned):
    company, anna = earned
    with translation.override("en"), pytest.raises(PayrollError) as refused:
        pay_out(company, anna, desk_of(company), "4000.01")
    with translation.override("en"):
        assert refused.value.text == "Анна has earned 4,000.00 that is not paid yet; a payout cannot be more."
    assert Payout.objects.count() == 0
    assert Transaction.objects.filter(amount__lt=0).count() == 0


def test_with_overpay_allowed_an_advance_may_exceed_the_balance(earned, tenant_a):
    company, anna = earned
    set_no_overpay(tenant_a.chain, False)
    pay_out(company, anna, desk_of(company), "5000", kind=PayoutKind.ADVANCE)
    assert balances(company, [anna.pk])[anna.pk] == Decimal("-1000.00")


def test_a_payout_above_the_desks_cash_is_refused_by_finance_and_nothing_is_saved(earned, tenant_a):
    company, anna = earned
    set_no_overpay(tenant_a.chain, False)
    with translation.override("en"), pytest.raises(FinanceError) as refused:
        pay_out(company, anna, desk_of(company), "10000.01")
    with translation.override("en"):
        assert "There is not enough money on “Касса”" in refused.value.text
    assert Payout.objects.count() == 0


def test_open_days_earnings_count_towards_what_may_be_paid(tenant_a):
    company = tenant_a.company
    anna = employee(company, "Анна", scheme(tenant_a.chain, service_percent=Decimal("50")), valid_from=OCT)
    sold(company, anna, service(company, price=2000), DAY)
    record_income(desk_of(company), "5000", item=item(tenant_a.chain, "services"), method="cash")
    pay_out(company, anna, desk_of(company), "1000", kind=PayoutKind.ADVANCE)
    with pytest.raises(PayrollError):
        pay_out(company, anna, desk_of(company), "0.01")
    assert balances(company, [anna.pk])[anna.pk] == Decimal("-1000.00")


def test_a_payout_from_another_branchs_desk_is_refused(earned, tenant_a):
    company, anna = earned
    with pytest.raises(PayrollError) as refused:
        pay_out(company, anna, desk_of(tenant_a.companies[1]), "100")
    assert refused.value.payroll_code == "account_branch"


def test_overlapping_assignments_are_refused_with_a_translated_message(tenant_a):
    company, chain = tenant_a.company, tenant_a.chain
    anna = employee(company, "Анна", scheme(chain, "Мастер"), valid_from=datetime.date(2026, 10, 1))
    with translation.override("en"), pytest.raises(PayrollError) as refused:
        assign_scheme(company, anna, scheme(chain, "Старший"), datetime.date(2026, 9, 1), datetime.date(2026, 10, 1))
    with translation.override("en"):
        assert refused.value.text == (
            "Анна already has the scheme “Мастер” from 2026-10-01; end that assignment before this one starts."
        )
    assert Assignment.objects.count() == 1
    assign_scheme(company, anna, scheme(chain, "Летняя"), datetime.date(2026, 6, 1), datetime.date(2026, 9, 30))
    assert Assignment.objects.count() == 2


def test_a_bonus_on_a_closed_day_or_without_a_reason_is_refused(earned):
    company, anna = earned
    with pytest.raises(PayrollError) as closed:
        add_entry(company, anna, EntryKind.BONUS, "500", DAY, "Премия")
    assert closed.value.payroll_code == "in_closed_period"
    with pytest.raises(PayrollError) as reasonless:
        add_entry(company, anna, EntryKind.FINE, "500", datetime.date(2026, 11, 2), "  ")
    assert reasonless.value.payroll_code == "reason_required"
    assert Entry.objects.count() == 0


@pytest.mark.parametrize("typed", ["-5", "100.5", "abc", "1e2", "12.345"])
def test_a_scheme_with_a_bad_percentage_is_refused_in_words(tenant_a, typed):
    form = SchemeForm({"title": "Схема", "service_percent": typed, "basis": "after"}, instance=scheme(tenant_a.chain))
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["service_percent"] == ["Enter a percentage from 0 to 100, such as 40 or 12.5."]


def test_a_rate_needs_one_target_and_one_rate(tenant_a):
    plan = scheme(tenant_a.chain)
    colouring = service(tenant_a.company)
    both = RuleForm({"service": colouring.pk, "percent": "10", "fixed": "100"}, scheme=plan, company=tenant_a.company)
    with translation.override("en"):
        assert not both.is_valid()
        assert both.non_field_errors() == ["Enter either a percentage or a fixed amount per service, not both."]
