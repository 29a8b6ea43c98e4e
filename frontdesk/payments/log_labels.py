"""What the event log calls this app's actions and objects, and where their pages are
(read by `core.audit_display.register_log_labels` from `AppConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "visit.prepayment_held": _("Prepayment requested"),
    "visit.prepaid": _("Prepaid online"),
    "visit.prepaid_after_release": _("Prepayment arrived after the hold was released"),
    "visit.prepayment_declined": _("Prepayment declined"),
    "visit.prepayment_expired": _("Prepayment not made in time"),
    "visit.prepayment_refunded": _("Prepayment refunded"),
    "sale.refunded_online": _("Refunded online"),
    "sale.advance_counted": _("Advance counted in the sale"),
}
