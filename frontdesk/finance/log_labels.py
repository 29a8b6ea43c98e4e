"""How the event log names this app's actions and links its objects (`core.audit_display`);
registered from `AppConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from frontdesk.core.audit_display import page_by_url_name, register_action, register_model_name, register_object_url


def register() -> None:
    register_action("sale.checked_out", _("Visit checked out"))
    register_action("sale.paid", _("Debt paid"))
    register_action("sale.sold", _("Sold at the counter"))
    register_action("sale.refunded", _("Refunded"))
    register_action("cash_shift.discrepancy", _("Cash shift closed with a discrepancy"))
    register_object_url("finance.sale", page_by_url_name("finance:sale", "sale_id"))
    register_object_url("finance.account", page_by_url_name("finance:account", "account_id"))
    register_object_url("finance.paymentitem", page_by_url_name("finance:item_edit", "payment_item_id"))
    register_object_url("finance.counterparty", page_by_url_name("finance:counterparty_edit", "counterparty_id"))
    register_model_name("finance.balancecheckpoint", _("balance checkpoint"))
