from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "frontdesk.payments"
    label = "payments"
    verbose_name = _("Receipts and online payments")

    def ready(self):
        from frontdesk.finance.signals import money_moved
        from frontdesk.payments.receipts import receipt_for_money

        money_moved.connect(receipt_for_money, dispatch_uid="payments_receipt_for_money")
