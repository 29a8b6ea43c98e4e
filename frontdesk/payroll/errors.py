"""The refusals of payroll, in one place, translated when shown."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from frontdesk.core.dates import date_format
from frontdesk.core.money import money_params

MESSAGES = {
    "not_an_amount": _("Enter an amount such as 1500 or 1500.50."),
    "amount_positive": _("Enter an amount greater than zero."),
    "bad_percent": _("Enter a percentage from 0 to 100, such as 40 or 12.5."),
    "rule_target": _("Choose one: a service category, a service or a goods category."),
    "goods_rule_rate": _("A goods category's rate is a percentage of the goods sold: enter a percentage only."),
    "rule_rate": _("Enter either a percentage or a fixed amount per service, not both."),
    "rule_repeated": _("This scheme already has its own rate for “%(target)s”."),
    "span_order": _("The end date cannot be before the start date."),
    "overlap": _(
        "%(specialist)s already has the scheme “%(scheme)s” from %(start)s%(end)s; "
        "end that assignment before this one starts."
    ),
    "specialist_branch": _("%(specialist)s does not work in this branch."),
    "in_closed_period": _(
        "The payroll is closed up to %(closed)s: choose a date after it. Later changes to closed "
        "days show as adjustments in the next calculation."
    ),
    "period_order": _("The period's last day cannot be before its first."),
    "period_future": _("A period can be closed once its last day has come: %(end)s is later than today."),
    "period_start": _("The next period to close starts on %(start)s, the day after the last closed one."),
    "period_closed": _("These dates are already closed."),
    "range_overlaps": _(
        "These dates overlap the closed period %(start)s – %(end)s: open that period, or choose dates after %(last)s."
    ),
    "range_too_long": _("Choose at most %(days)s days at once."),
    "reason_required": _("Say what the bonus or fine is for."),
    "overpay": _("%(specialist)s has earned %(available)s that is not paid yet; a payout cannot be more."),
    "account_branch": _("This account is not in this branch."),
    "payslip_font": _("Payslips need a font with Cyrillic letters: install fonts-dejavu-core (make system-deps)."),
    "not_a_specialist": _("Your login is not linked to a specialist of this branch."),
}


def shown_date(day) -> str:
    """A date in a message as the interface language writes it in its date fields."""
    return day.strftime(date_format())


class PayrollError(ValidationError):
    """A refused payroll operation: nothing was saved. `code` names the message above."""

    def __init__(self, key: str, /, **params):
        self.payroll_code = key
        super().__init__(MESSAGES[key], code=key, params=money_params(params) or None)

    @property
    def text(self) -> str:
        return self.messages[0]
