"""The demo network prints receipts and takes online payments in every branch."""

from frontdesk.core.scopes import scope
from frontdesk.payments.models import FiscalSettings, PaymentSettings
from frontdesk.tenancy.demo import create_demo


def test_every_demo_branch_has_the_test_register_and_the_test_provider(db):
    demo = create_demo()
    with scope(demo.chain):
        for company in demo.companies:
            assert FiscalSettings.objects.get(company=company).driver == "test"
            settings = PaymentSettings.objects.get(company=company)
            assert settings.provider == "test" and settings.account.kind == "bank"
