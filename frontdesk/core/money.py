"""One money type and one rounding rule for the whole product: `Decimal`, never float. Amounts
typed by people are read here (`parse_amount`, behind every form's money field —
`frontdesk.core.forms.MoneyField` — and the API's amounts) and shown here (`format_money`, behind
the `money` template filter, the JS helper's settings, exports and message variables)."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext_lazy as _

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


# The refusals, for the places that show them as they are (form fields); the apps raise the same
# codes as their own errors with the same words.
AMOUNT_MESSAGES = {
    "not_an_amount": _("Enter an amount such as 1500 or 1500.50."),
    "amount_positive": _("Enter an amount greater than zero."),
    # "amount_positive" where zero is allowed: only a negative was refused.
    "amount_not_negative": _("Enter an amount of zero or more."),
}

# What a person types: digits (grouped by spaces, also no-break and thin ones), one decimal
# mark (a dot or a comma), an optional sign. No exponent, no "NaN", no "Infinity", no second mark:
# "1e5" and "12,345.6" are refused rather than guessed at.
TYPED_AMOUNT = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")


def typed_number(text: str, max_length: int) -> str | None:
    """A number as a person typed it, ready for Decimal: spaces (also no-break and thin ones)
    dropped, a comma read as the decimal point; None when it is not digits with at most one
    decimal mark and a sign, or longer than `max_length`. Amounts and quantities read it alike."""
    text = re.sub(r"[\s\u00a0\u202f]", "", text)
    if len(text) > max_length or not TYPED_AMOUNT.fullmatch(text):
        return None
    return text.replace(",", ".")


class AmountError(ValueError):
    """An amount typed by a person that cannot be taken. `code` is "not_an_amount" (not a number,
    or more than a MoneyField holds) or "amount_positive" (below zero, or zero where it is not
    allowed): the keys of the apps' translated messages, which each app raises as its own error."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(AMOUNT_MESSAGES[self.code])


def parse_amount(value, *, allow_zero: bool = False, allow_negative: bool = False) -> Decimal:
    """THE reader of amounts that come from outside (forms, the API, pasted text): spaces (also
    no-break ones) are ignored and a comma works as the decimal point; rounded to kopecks. Between
    zero (only with `allow_zero`; below it with `allow_negative`) and MAX_AMOUNT either way, or
    AmountError — never an exception of another kind, whatever is typed."""
    if isinstance(value, str):
        value = typed_number(value, 32)
        if value is None:
            raise AmountError("not_an_amount")
    elif isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise AmountError("not_an_amount")
    try:
        amount = to_money(value)
    except ValueError:
        raise AmountError("not_an_amount") from None
    if abs(amount) > MAX_AMOUNT:
        raise AmountError("not_an_amount")
    if (amount < 0 and not allow_negative) or (amount == 0 and not allow_zero):
        raise AmountError("amount_positive")
    return amount


def format_money(value, currency: str = "", *, whole: bool = False) -> str:
    """An amount as people read it, in the reader's locale: grouped thousands, the locale's decimal
    mark, the currency sign after a no-break space — “2 500,00 ₽” (ru), “2,500.00 ₽” (en). Money
    that moved (checks, payments, balances, reports) always shows its kopecks, as a cash register
    does; a price list (`whole=True`: services, the booking page) drops them when there are none —
    “2 500 ₽”, but “2 500,50 ₽”. "" for no value; what is not a number comes back as it is."""
    if value in (None, ""):
        return ""
    try:
        amount = to_money(value)
    except ValueError:
        return str(value)
    places = 0 if whole and amount == amount.to_integral_value() else 2
    text = number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0{currency}" if currency else text


class ShownAmount(Decimal):
    """An amount that reads as people read it when a message puts it in text (`str`, `%s`), in the
    locale active then; otherwise the same Decimal (it compares, adds and rounds as one)."""

    def __str__(self):
        return format_money(Decimal(self))


def money_params(params: dict) -> dict:
    """The parameters of a translated message with every amount (a Decimal) shown as people read
    it when the message is shown: the apps' errors pass theirs through here, so no refusal reads
    “2500.00”."""
    return {key: ShownAmount(value) if isinstance(value, Decimal) else value for key, value in params.items()}


def money_format_settings(currency: str = "") -> dict:
    """What the JS helper (core/static/core/money.js) needs to format amounts as `format_money`
    does: the locale's decimal mark and grouping, and the network's currency sign."""
    return {
        "decimal": str(get_format("DECIMAL_SEPARATOR")),
        "group": str(get_format("THOUSAND_SEPARATOR")),
        "grouping": int(get_format("NUMBER_GROUPING") or 3),
        "currency": currency,
    }


def plain_amount(value) -> str:
    """An amount for an <input> the person edits: no grouping, a dot (“1500.50”) — parse_amount
    reads it back, as does the browser."""
    if value in (None, ""):
        return ""
    try:
        return f"{to_money(value):.2f}"
    except ValueError:
        return str(value)  # what the person typed, shown back as typed


class MoneyField(models.DecimalField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "frontdesk.core.money.MoneyField", args, kwargs

    def formfield(self, **kwargs):
        # Every form of a model with money reads it through parse_amount (the form MoneyField),
        # not Django's DecimalField, which lets "1e5" and 30-digit numbers through to the database.
        from frontdesk.core.forms import MoneyField as MoneyFormField

        kwargs["form_class"] = MoneyFormField
        return super().formfield(**kwargs)

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
