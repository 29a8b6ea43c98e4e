"""The money's refusals, in one place, translated when shown."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from frontdesk.core.money import money_params
from frontdesk.core.quantities import QUANTITY_MESSAGES

MESSAGES = {
    "amount_positive": _("Enter an amount greater than zero."),
    "not_an_amount": _("Enter an amount such as 1500 or 1500.50."),
    "insufficient": _("There is not enough money on “%(account)s”: %(balance)s left."),
    "archived_account": _("The account “%(account)s” is archived; choose another one."),
    "foreign_account": _("This account is not in this branch."),
    "same_account": _("Choose two different accounts."),
    "item_kind": _("The item “%(item)s” is not an item of this kind; choose another one."),
    "archived_item": _("The item “%(item)s” is archived; choose another one."),
    "method_for_account": _("Cash goes to a cash desk; card, transfer and online payments go to a bank account."),
    "shift_open": _("A shift is already open on “%(account)s”."),
    "shift_not_open": _("No shift is open on “%(account)s”."),
    "shift_cash_only": _("Shifts are opened and closed on cash desks only."),
    "counted_negative": _("The counted amount cannot be below zero."),
    "already_checked_out": _("This visit has already been checked out."),
    "nothing_to_check_out": _("This visit has no services to pay for."),
    "visit_cancelled": _("A cancelled visit cannot be checked out."),
    "price_out_of_range": _("The price of “%(service)s” must be between %(min)s and %(max)s."),
    "unknown_line": _("This service is not part of the visit; reload the page."),
    "discount_too_big": _("The discount cannot be larger than the sum of the services."),
    "overpaid": _("The payments (%(paid)s) are more than what is due (%(due)s)."),
    "cash_received_short": _("The cash received (%(received)s) is less than the cash payment (%(cash)s)."),
    "nothing_due": _("Nothing is due on this sale."),
    "refund_too_big": _("At most %(refundable)s can be refunded."),
    "no_payments": _("Enter at least one payment."),
    "unknown_means": _("This way of paying is not available; reload the page."),
    "nothing_to_sell": _("Choose what to sell."),
    "mixed_counter_sale": _("Sell goods, and certificates or abonements, as separate sales."),
    "counter_sale_unpaid": _("A sale at the counter is paid in full: %(due)s is still due."),
    **QUANTITY_MESSAGES,  # bad_quantity, quantity_positive, quantity_too_big
    "product_gone": _("“%(product)s” is no longer on sale; remove it from the sale."),
    "no_product_code": _("Nothing on sale has the code %(barcode)s."),
    "seller_unknown": _("Choose the seller among the branch's staff."),
    "return_too_big": _("At most %(left)s of “%(product)s” can be returned."),
    "return_unknown_line": _("This line is not part of the sale; reload the page."),
    "visit_paid": _("This visit is paid; change it through a refund at the cash desk."),
    "online_refund_refused": _("The payment provider refused to refund %(amount)s: %(reason)s Nothing was refunded."),
    "online_refund_unavailable": _(
        "The payment provider could not be reached, so %(amount)s was not refunded and nothing was saved. "
        "Try again in a minute."
    ),
    "online_refund_no_provider": _(
        "This money was paid online, and the branch no longer takes payments through that provider, so it "
        "cannot go back to the payer's card. Switch the provider back on in the online payment settings."
    ),
    "online_refund_mismatch": _(
        "An earlier refund of this payment was interrupted after the provider had already given back "
        "%(amount)s. Refund exactly %(amount)s to record it."
    ),
    "prepayment_not_refundable": _(
        "This prepayment waits for its visit: it is counted at the checkout. It can be refunded here once "
        "the booking is cancelled or the client did not come."
    ),
    "prepayment_refund_too_big": _(
        "At most %(refundable)s of this prepayment can be refunded: the rest pays for the checked-out visit."
    ),
}


class FinanceError(ValidationError):
    """A refused money operation: nothing was saved. `code` names the message above."""

    def __init__(self, code: str, **params):
        self.finance_code = code
        super().__init__(MESSAGES[code], code=code, params=money_params(params) or None)

    @property
    def text(self) -> str:
        return self.messages[0]
