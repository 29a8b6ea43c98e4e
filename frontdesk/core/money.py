"""One money type and one rounding rule for the whole product: `Decimal`, never float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models

MONEY_PLACES = Decimal("0.01")


def to_money(value) -> Decimal:
    """Parse and round an amount to kopecks/cents, half up, as cash registers do."""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"Not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"Not an amount: {value!r}")
    return amount.quantize(MONEY_PLACES, rounding=ROUND_HALF_UP)


class MoneyField(models.DecimalField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "frontdesk.core.money.MoneyField", args, kwargs
