"""The demo's receipts and online payments: every branch prints receipts on the test register
and takes online payments through the test provider onto its bank account; clients may pay for
a booking online (nothing is required, so booking in the demo stays one step)."""

from frontdesk.finance.models import Account, AccountKind
from frontdesk.payments.models import FiscalSettings, PaymentSettings, PrepaymentMode
from frontdesk.tenancy.demo import register_demo_step


@register_demo_step(46)
def demo_payments(demo):
    for company in demo.companies:
        FiscalSettings.objects.update_or_create(
            company=company,
            defaults={"chain_id": company.chain_id, "driver": "test", "taxation": "usn_income", "vat": "none"},
        )
        bank = Account.objects.filter(company=company, kind=AccountKind.BANK, is_archived=False).first()
        if bank is None:
            continue
        PaymentSettings.objects.update_or_create(
            company=company,
            defaults={
                "chain_id": company.chain_id,
                "provider": "test",
                "account": bank,
                "default_mode": PrepaymentMode.ALLOWED,
            },
        )
