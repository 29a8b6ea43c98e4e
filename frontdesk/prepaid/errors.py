"""The refusals of certificates and abonements, in one place, translated when shown."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from frontdesk.core.money import money_params

MESSAGES = {
    "amount_positive": _("Enter an amount greater than zero."),
    "amount_fixed": _("A “%(type)s” certificate is sold for %(nominal)s only."),
    "amount_range": _("A “%(type)s” certificate is sold for an amount from %(min)s to %(max)s."),
    "type_archived": _("“%(type)s” is archived and is not sold any more."),
    "branch_not_allowed": _("It is not valid in this branch."),
    "not_found": _("No valid certificate has this code."),
    "bad_code": _("A certificate code has 12 digits; check the code."),
    "expired": _("It expired on %(date)s."),
    "not_started": _("It is valid from %(date)s."),
    "insufficient": _("There is not enough on it: %(balance)s left."),
    "single_used": _("This certificate is for one write-off and has been used."),
    "not_applicable": _("It cannot pay for these lines: at most %(limit)s."),
    "no_visits": _("No visits are left on it."),
    "not_covered": _("It does not cover “%(service)s”."),
    "frozen": _("It is frozen until %(date)s."),
    "price_mismatch": _("An abonement pays exactly the price of the covered service (%(price)s)."),
    "client_required": _("An abonement is sold to a client: choose the client first."),
    "freeze_not_allowed": _("This abonement type cannot be frozen."),
    "freeze_limit": _("It can be frozen for at most %(days)s more days."),
    "freeze_not_started": _("The abonement has not started yet: there is nothing to freeze."),
    "freeze_days": _("Enter a number of days greater than zero."),
    "freeze_overlap": _("It is already frozen on these days."),
    "freeze_past": _("A freeze cannot start in the past."),
    "give_back_too_big": _("At most %(amount)s can be given back."),
    "nothing_to_give_back": _("This operation has already been given back."),
}


class PrepaidError(ValidationError):
    """A refused operation on a certificate or an abonement: nothing was saved."""

    def __init__(self, code: str, **params):
        self.prepaid_code = code
        super().__init__(MESSAGES[code], code=code, params=money_params(params) or None)

    @property
    def text(self) -> str:
        return self.messages[0]
