"""Money read from what people type and shown to them: one parser and one format for every app."""

from decimal import Decimal

import pytest
from django.utils import translation

from frontdesk.core.money import MAX_AMOUNT, AmountError, format_money, parse_amount, to_money


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1500", "1500.00"),
        (" 1 500,5 ", "1500.50"),
        ("1\u00a0500.555", "1500.56"),
        (Decimal("7"), "7.00"),
        (2.675, "2.68"),
    ],
)
def test_a_typed_amount_is_read_to_kopecks(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize(
    "typed",
    ["", "abc", "1e30", "1e26", "1e5", "12,345.6", "nan", "Infinity", None, str(MAX_AMOUNT + 1), "9" * 40, [1], True],
)
def test_what_is_not_an_amount_or_does_not_fit_is_refused(typed):
    with pytest.raises(AmountError) as refused:
        parse_amount(typed)
    assert refused.value.code == "not_an_amount"


def test_zero_only_where_allowed_and_never_below():
    assert parse_amount("0", allow_zero=True) == Decimal("0.00")
    assert parse_amount(str(MAX_AMOUNT)) == MAX_AMOUNT
    for typed, allow_zero in (("0", False), ("-1", True), ("-0.01", False)):
        with pytest.raises(AmountError) as refused:
            parse_amount(typed, allow_zero=allow_zero)
        assert refused.value.code == "amount_positive"


def test_an_amount_too_long_to_compute_is_not_an_amount():
    with pytest.raises(ValueError):
        to_money("1e30")


def test_a_correction_may_be_negative_where_allowed_but_never_unbounded():
    assert parse_amount("-40", allow_negative=True) == Decimal("-40.00")
    with pytest.raises(AmountError):
        parse_amount(str(-MAX_AMOUNT - 1), allow_negative=True)


def test_money_is_shown_grouped_in_the_readers_locale_and_a_price_list_drops_empty_kopecks():
    with translation.override("ru"):
        assert format_money(Decimal("1500"), "₽") == "1\u00a0500,00\u00a0₽"
        assert format_money("2500", "₽", whole=True) == "2\u00a0500\u00a0₽"
        assert format_money("2500.5", "₽", whole=True) == "2\u00a0500,50\u00a0₽"
    with translation.override("en"):
        assert format_money("1234567.5") == "1,234,567.50"
    assert format_money(None, "₽") == format_money("") == ""
