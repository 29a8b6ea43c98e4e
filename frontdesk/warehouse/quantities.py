"""Quantities, units and barcodes as people type them: the one reader of each for the warehouse's
forms, imports and services. A bad value raises `WarehouseError` with the translated reason."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from frontdesk.core.quantities import MAX_QUANTITY, QUANTITY_PLACES, QuantityError
from frontdesk.core.quantities import parse_quantity as core_parse_quantity
from frontdesk.warehouse.errors import WarehouseError

BARCODE = re.compile(r"[0-9A-Za-z\-./]{1,32}")


def parse_quantity(value, *, allow_zero: bool = False, allow_negative: bool = False) -> Decimal:
    """A quantity typed or computed, read by `core.quantities.parse_quantity` (digits with a dot or
    a comma, at most three decimals, no exponent, within what a column holds); its refusal is
    raised as the warehouse's own error."""
    try:
        return core_parse_quantity(value, allow_zero=allow_zero, allow_negative=allow_negative)
    except QuantityError as exc:
        raise WarehouseError(exc.code) from None


def to_writeoff_units(quantity: Decimal, goods, *, in_sale_units: bool) -> Decimal:
    """`quantity` of `goods` in write-off units (stock is kept in them). A sale unit holds
    `units_per_sale` of them; the product is rounded half up to three decimals."""
    if not in_sale_units:
        return quantity
    converted = (quantity * goods.units_per_sale).quantize(QUANTITY_PLACES, rounding=ROUND_HALF_UP)
    if abs(converted) > MAX_QUANTITY:
        raise WarehouseError("quantity_too_big")
    return converted


def _ean_check_digit(digits: str) -> int:
    """The GS1 check digit of the digits before it (EAN-13, EAN-8, UPC-A share the rule)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


GS1_FORMATS = {13: "EAN-13", 8: "EAN-8", 12: "UPC-A"}


def clean_barcode(text: str) -> str:
    """A barcode as stored. An all-digit code of 13, 8 or 12 digits is a GS1 code (EAN-13, EAN-8,
    UPC-A) and must carry the right check digit; other codes (Code 128, the salon's own labels)
    are letters, digits and - . / up to 32 characters."""
    code = (text or "").strip()
    if not BARCODE.fullmatch(code):
        raise WarehouseError("bad_barcode", code=code[:40])
    if code.isdigit() and len(code) in GS1_FORMATS and _ean_check_digit(code[:-1]) != int(code[-1]):
        raise WarehouseError("bad_check_digit", code=code, format=GS1_FORMATS[len(code)])
    return code


def ean13(prefix12: str) -> str:
    """A valid EAN-13 from its first 12 digits (demo data, tests, the bench)."""
    return prefix12 + str(_ean_check_digit(prefix12))
