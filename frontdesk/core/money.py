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

    def from_db_value(self, value, expression, connection):
        # A column comes back rounded already; a computed value (a sum, an annotation) on SQLite
        # comes back as whatever its floating-point arithmetic gave.
        return None if value is None else to_money(value)


class MoneySum(models.Sum):
    """The sum of money columns, exact on every database.

    SQLite keeps a non-integral decimal as a REAL and adds REALs in binary floating point, so a plain
    Sum of 10.01 and -10.00 comes back as 0.00999999999999979. Here SQLite adds whole kopecks, which
    are integers and add exactly, and divides once at the end; MoneyField rounds what it reads back
    to kopecks, also when the sum is wrapped (Coalesce, a default). PostgreSQL's numeric sum is exact.
    """

    def __init__(self, expression, **extra):
        extra.setdefault("output_field", MoneyField())
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        template = "(%(function)s(CAST(ROUND((%(expressions)s) * 100) AS INTEGER)) / 100.0)"
        return self.as_sql(compiler, connection, template=template, **extra_context)
