"""One money type and one rounding rule for the whole product: `Decimal`, never float. Amounts
typed by people are read here (`parse_amount`) and shown here (`format_money`), for the pages,
the services' messages and the templates alike."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from django.utils.formats import number_format

MONEY_PLACES = Decimal("0.01")
# The largest amount a MoneyField (14 digits, 2 of them kopecks) can hold.
MAX_AMOUNT = Decimal("999999999999.99")


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
    try:
        return amount.quantize(MONEY_PLACES, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # more digits than a Decimal computes with (1e30)
        raise ValueError(f"Not an amount: {value!r}") from exc


class AmountError(ValueError):
    """An amount typed by a person that cannot be taken. `code` is "not_an_amount" (not a number,
    or more than a MoneyField holds) or "amount_positive" (below zero, or zero where it is not
    allowed): the keys of the apps' translated messages, which each app raises as its own error."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def parse_amount(value, *, allow_zero: bool = False) -> Decimal:
    """An amount typed by a person: spaces (also no-break ones) are ignored and a comma works as
    the decimal point; rounded to kopecks. Between zero (only with `allow_zero`) and MAX_AMOUNT,
    or AmountError."""
    if isinstance(value, str):
        value = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        amount = to_money(value)
    except ValueError:
        raise AmountError("not_an_amount") from None
    if amount > MAX_AMOUNT:
        raise AmountError("not_an_amount")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise AmountError("amount_positive")
    return amount


def format_money(value, currency: str = "") -> str:
    """“1 500,00 ₽”: always kopecks, grouped thousands, in the reader's locale; "" for no value."""
    if value in (None, ""):
        return ""
    text = number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0{currency}" if currency else text


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
