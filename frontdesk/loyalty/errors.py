"""Loyalty's refusals, in one place, translated when shown."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from frontdesk.core.money import money_params

MESSAGES = {
    "amount_positive": _("Enter an amount greater than zero."),
    "not_an_amount": _("Enter an amount such as 150 or 150.50."),
    "insufficient": _("The card has only %(balance)s bonuses."),
    "over_limit": _("Bonuses may pay at most %(limit)s of this check."),
    "no_bonus_programme": _("The card is in no bonus programme valid in this branch."),
    "no_card": _("The client has no loyalty card."),
    "has_card": _("The client already has a loyalty card."),
    "reason_required": _("Say why the bonuses are changed."),
    "no_programme": _("Choose at least one active programme."),
    "programme_elsewhere": _("The programme “%(programme)s” is not valid in this branch."),
    "tiers_needed": _("A cumulative discount needs at least one step."),
    "nth_needed": _("Say which visit is free: N is 2 or more."),
    "percent_needed": _("Give the discount in percent."),
    "branches_needed": _("Choose the branches where the programme is valid, or make it valid everywhere."),
    "bad_code": _("There is no such referral code."),
    "own_code": _("A client cannot recommend themselves."),
    "not_a_newcomer": _("Only a new client can come on a recommendation."),
    "already_referred": _("This client already came on someone's recommendation."),
    "referral_discount_used": _("The referral discount has already been used. Open the checkout again."),
}


class LoyaltyError(ValidationError):
    """A refused loyalty operation: nothing was saved. `code` names the message above."""

    def __init__(self, code: str, **params):
        self.loyalty_code = code
        super().__init__(MESSAGES[code], code=code, params=money_params(params) or None)

    @property
    def text(self) -> str:
        return self.messages[0]
