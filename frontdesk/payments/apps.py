from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "frontdesk.payments"
    label = "payments"
    verbose_name = _("Receipts and online payments")

    def ready(self):
        from frontdesk.finance.means import register_advance
        from frontdesk.finance.signals import money_moved, refund_posted, sale_opened
        from frontdesk.payments import (
            atol,  # noqa: F401  (registers the ATOL Online driver)
            demo,  # noqa: F401  (registers the demo step)
        )
        from frontdesk.payments.online import attach_advances, refund_online_payments, visit_advance
        from frontdesk.payments.receipts import receipt_for_money

        money_moved.listen(receipt_for_money)
        sale_opened.listen(attach_advances)
        refund_posted.listen(refund_online_payments)
        register_advance(visit_advance)

        from frontdesk.core.panels import register_panel, register_row_panel
        from frontdesk.payments.advance_views import client_money_panel, record_panel, sale_panel
        from frontdesk.payments.views import online_refund_notes, sale_receipts_panel

        register_panel("journal.record", "payments", record_panel)
        register_panel("finance.client_money", "payments", client_money_panel)
        register_panel("finance.sale", "payments", sale_panel)
        register_panel("finance.sale_documents", "payments", sale_receipts_panel)
        register_row_panel("finance.sale_refund", "payments", online_refund_notes)

        from frontdesk.finance.tabs import FinanceTab, register_finance_tab

        register_finance_tab(
            FinanceTab(
                "prepayments",
                _("Prepayments to settle"),
                "payments:prepayments",
                order=60,
                testid="finance-prepayments",
            )
        )
        register_finance_tab(FinanceTab("receipts", _("Receipts"), "payments:receipts", order=70))
        from frontdesk.core.audit_display import register_log_labels
        from frontdesk.payments import log_labels

        register_log_labels(log_labels)
