"""How the event log names this app's actions and links its objects (`core.audit_display`);
registered from `AppConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from frontdesk.core.audit_display import register_action


def register() -> None:
    register_action("visit.prepayment_held", _("Prepayment requested"))
    register_action("visit.prepaid", _("Prepaid online"))
    register_action("visit.prepaid_after_release", _("Prepayment arrived after the hold was released"))
    register_action("visit.prepayment_declined", _("Prepayment declined"))
    register_action("visit.prepayment_expired", _("Prepayment not made in time"))
    register_action("visit.prepayment_refunded", _("Prepayment refunded"))
    register_action("sale.refunded_online", _("Refunded online"))
    register_action("sale.advance_counted", _("Advance counted in the sale"))
