"""An accrual line in words, in the reader's language: "Colouring, 12 December, 4,500.00 ₽ after
discount × 40 % = 1,800.00 ₽", "Shampoo ×2, 12 December, 1,800.00 ₽ × 10 % = 180.00 ₽". Built when shown (a closed line keeps its numbers, not its words),
so the page, the export and every language read the same line alike."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from frontdesk.core.money import format_money
from frontdesk.payroll.models import Basis, LineKind


def percent(value: Decimal) -> str:
    """40 → "40", 12.50 → "12.5" (the locale's decimal mark)."""
    value = Decimal(value).normalize()
    places = max(0, -value.as_tuple().exponent)
    return number_format(value, decimal_pos=places, use_l10n=True)


def day(value: datetime.date) -> str:
    return date_format(value, "j E")


def month(value: datetime.date) -> str:
    return date_format(value, "F Y")


def _hours(value: Decimal) -> str:
    return number_format(Decimal(value).normalize(), use_l10n=True)


def explain(line, currency: str = "") -> str:
    """The line's explanation (see the module's docstring)."""

    def money(value):
        return format_money(value, currency)

    amount = money(line.amount)
    if line.kind == LineKind.SERVICE:
        if line.fixed is not None and line.percent is None:
            return _("%(title)s, %(day)s: %(fixed)s per service = %(amount)s") % {
                "title": line.title,
                "day": day(line.date),
                "fixed": money(line.fixed),
                "amount": amount,
            }
        basis = _("after discount") if line.basis != Basis.BEFORE_DISCOUNT else _("before discount")
        return _("%(title)s, %(day)s, %(base)s %(basis)s × %(percent)s %% = %(amount)s") % {
            "title": line.title,
            "day": day(line.date),
            "base": money(line.base),
            "basis": basis,
            "percent": percent(line.percent),
            "amount": amount,
        }
    if line.kind == LineKind.GOODS:
        return _("%(title)s ×%(quantity)s, %(day)s, %(base)s × %(percent)s %% = %(amount)s") % {
            "title": line.title,
            "quantity": _hours(line.quantity),
            "day": day(line.date),
            "base": money(line.base),
            "percent": percent(line.percent),
            "amount": amount,
        }
    if line.kind == LineKind.SHIFT:
        return _("Shift on %(day)s = %(amount)s") % {"day": day(line.date), "amount": amount}
    if line.kind == LineKind.HOURS:
        return _("%(day)s: %(hours)s h × %(rate)s = %(amount)s") % {
            "day": day(line.date),
            "hours": _hours(line.quantity),
            "rate": money(line.fixed),
            "amount": amount,
        }
    if line.kind == LineKind.MONTHLY:
        return _("Monthly pay for %(month)s: %(fixed)s × %(days)s of %(month_days)s days = %(amount)s") % {
            "month": month(line.date),
            "fixed": money(line.fixed),
            "days": int(line.quantity),
            "month_days": _month_days(line.date),
            "amount": amount,
        }
    if line.kind == LineKind.MINIMUM:
        return _(
            "Guaranteed minimum for %(month)s (%(days)s of %(month_days)s days): %(minimum)s; "
            "earned %(earned)s, topped up by %(amount)s"
        ) % {
            "month": month(line.date),
            "days": int(line.quantity),
            "month_days": _month_days(line.date),
            "minimum": money(line.fixed),
            "earned": money(line.base),
            "amount": amount,
        }
    return _("Adjustment: %(title)s, %(day)s was paid %(was)s, now %(now)s: %(amount)s") % {
        "title": line.title,
        "day": day(line.of_date or line.date),
        "was": money(line.fixed),
        "now": money(line.base),
        "amount": amount,
    }


def _month_days(value: datetime.date) -> int:
    return calendar.monthrange(value.year, value.month)[1]
