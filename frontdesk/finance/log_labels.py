"""What the event log calls this app's actions and objects, and where their pages are
(read by `core.audit_display.register_log_labels` from `AppConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "sale.checked_out": _("Visit checked out"),
    "sale.paid": _("Debt paid"),
    "sale.sold": _("Sold at the counter"),
    "sale.refunded": _("Refunded"),
    "cash_shift.discrepancy": _("Cash shift closed with a discrepancy"),
}
PAGES = {
    "finance.sale": ("finance:sale", "sale_id"),
    "finance.account": ("finance:account", "account_id"),
    "finance.paymentitem": ("finance:item_edit", "payment_item_id"),
    "finance.counterparty": ("finance:counterparty_edit", "counterparty_id"),
}
NAMES = {
    "finance.balancecheckpoint": _("balance checkpoint"),
}
