"""Quantities as people type them — goods sold at the desk, stock received or written off: the one
reader for every app (finance's sale lines, the warehouse's documents). Like `core.money`, a bad
value raises `QuantityError` with a code; each app raises the same code as its own translated
error."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from frontdesk.core.money import typed_number  # the same digits and one decimal mark as amounts

QUANTITY_PLACES = Decimal("0.001")
MAX_QUANTITY = Decimal("99999999999.999")  # what a 14-digit, 3-decimal column holds

QUANTITY_MESSAGES = {
    "bad_quantity": _("Enter a quantity such as 3 or 2.5 (at most three decimals)."),
    "quantity_positive": _("Enter a quantity greater than zero."),
    "quantity_too_big": _("The quantity is too large."),
}


class QuantityError(ValueError):
    """A quantity that cannot be taken; `code` is a key of QUANTITY_MESSAGES."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def parse_quantity(value, *, allow_zero: bool = False, allow_negative: bool = False) -> Decimal:
    """A quantity typed or computed: digits with a dot or a comma, at most three decimals, no
    exponent, within what a column holds. Zero and negatives only when allowed. QuantityError
    otherwise — never an exception of another kind, whatever is typed."""
    if isinstance(value, str):
        value = typed_number(value, 24)
        if value is None:
            raise QuantityError("bad_quantity")
    elif isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise QuantityError("bad_quantity")
    try:
        quantity = Decimal(value)
    except InvalidOperation:
        raise QuantityError("bad_quantity") from None
    if not quantity.is_finite():
        raise QuantityError("bad_quantity")
    if abs(quantity) > MAX_QUANTITY:
        raise QuantityError("quantity_too_big")
    if quantity != quantity.quantize(QUANTITY_PLACES, rounding=ROUND_HALF_UP):
        raise QuantityError("bad_quantity")
    quantity = quantity.quantize(QUANTITY_PLACES)
    if (quantity < 0 and not allow_negative) or (quantity == 0 and not allow_zero):
        raise QuantityError("quantity_positive")
    return quantity
