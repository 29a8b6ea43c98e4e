"""One cell of a spreadsheet as a value: what people type into Excel and what Excel stores.

Each parser returns None for a blank cell and raises ValueError (ValidationError for a phone)
for a value it cannot read, so that the importer words the reason with its own column name.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from frontdesk.core.money import to_money
from frontdesk.core.phones import normalize_phone

YES_WORDS = frozenset({"yes", "y", "true", "1", "+", "on", "да", "д", "вкл", "истина", "есть", "x", "✓"})
NO_WORDS = frozenset({"no", "n", "false", "0", "-", "off", "нет", "н", "выкл", "ложь"})
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y", "%d-%m-%Y")
_CURRENCY = r"(₽|руб\.?|р\.?|rub|rur|\$|€)"


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    """A cell as text: "" for blank, a whole float without ".0", a date as ISO (a datetime at
    midnight as a date), everything else stripped."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def multiline(value) -> str:
    """A text of several lines: Windows line ends and trailing spaces dropped."""
    return "\n".join(line.rstrip() for line in str(value).replace("\r\n", "\n").split("\n")).strip()


def yes_no(value) -> bool | None:
    """True or False from the words people use in both languages (да/нет, yes/no, 1/0, +/-)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    word = text(value).casefold()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValueError(value)


def number(value) -> Decimal | None:
    """A finite number, written with a decimal comma or spaces between thousands too."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        value = repr(value)
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", str(value)).replace(",", ".")
    try:
        result = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(value) from None
    if not result.is_finite():
        raise ValueError(value)
    return result


def money(value) -> Decimal | None:
    """An amount rounded as `core.money.to_money` rounds: "3 000 ₽", "1500,50 руб.", 2800.5."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float, Decimal)):
        return to_money(value)
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", str(value)).casefold()
    cleaned = re.sub(rf"^{_CURRENCY}|{_CURRENCY}$", "", cleaned)
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    return to_money(cleaned)


def cell_date(value) -> datetime.date | None:
    """A date cell, or a date as people write it: 2024-03-15, 15.03.2024, 15/03/2024, 15.03.24
    (a time after it is ignored)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    first = text(value).split(" ")[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(first, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def phone(value) -> str:
    """A phone in E.164 ("" for a blank cell); ValidationError with the reason otherwise."""
    return "" if is_blank(value) else normalize_phone(text(value))
