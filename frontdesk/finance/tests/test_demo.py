"""The demo network's money: accounts in every branch and paid visits behind them."""

from frontdesk.core.scopes import scope
from frontdesk.finance.models import Account, CashShift, Sale, SaleStatus, Transaction
from frontdesk.finance.services import balance
from frontdesk.scheduling.models import RecordStatus
from frontdesk.tenancy.demo import create_demo


def test_the_demo_has_a_cash_desk_and_a_bank_account_per_branch_and_paid_visits(db):
    demo = create_demo()
    with scope(demo.chain):
        for company in demo.companies:
            kinds = sorted(Account.objects.filter(company=company).values_list("kind", flat=True))
            assert kinds == ["bank", "cash"]
            assert Sale.objects.filter(company=company, status=SaleStatus.PAID).count() >= 5
        assert Sale.objects.filter(status=SaleStatus.PARTLY_PAID).exists()  # some debts to show
        assert all(balance(account) >= 0 for account in Account.objects.all())
        assert Transaction.objects.filter(transfer__isnull=False).exists()
        assert CashShift.objects.filter(closed_at__isnull=True).count() == len(demo.companies)
        # Checkouts of visits; counter sales (certificates, abonements) have no visit.
        for sale in Sale.objects.filter(visit__isnull=False).select_related("visit"):
            assert set(
                sale.visit.records.exclude(status__in=["cancelled", "no_show"]).values_list("status", flat=True)
            ) == {RecordStatus.COMPLETED}
