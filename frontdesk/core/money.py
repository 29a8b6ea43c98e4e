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


class MoneySum(models.Sum):
    """The sum of money columns, exact on every database.

    SQLite keeps a non-integral decimal as a REAL and adds REALs in binary floating point, so a plain
    Sum of 0.1 + 0.2 comes back as 0.30000000000000004 (and Django does not round an aggregate back
    to the field's places). Here SQLite adds whole kopecks, which are integers and add exactly, and
    the total is turned back into a Decimal of kopecks. PostgreSQL's numeric sum is exact already.
    """

    def __init__(self, expression, **extra):
        extra.setdefault("output_field", MoneyField())
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = self.as_sql(
            compiler, connection, template="%(function)s(CAST(ROUND((%(expressions)s) * 100) AS INTEGER))"
        )
        return sql, params

    def convert_value(self, value, expression, connection):
        if value is None:
            return value
        if connection.vendor == "sqlite":
            return (Decimal(int(value)) / 100).quantize(MONEY_PLACES)
        return to_money(value)
