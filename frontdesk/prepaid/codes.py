"""Certificate codes: 12 digits, random, the last one a Luhn check digit, so that a mistyped
digit is caught at the desk before anything is looked up. 10¹¹ codes per network: guessing a
live one by trying is hopeless, and the desk's search is rate-limited on top."""

import re
import secrets

LENGTH = 12


def luhn_digit(digits: str) -> str:
    """The check digit that makes `digits + it` pass the Luhn test."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def is_valid(code: str) -> bool:
    return len(code) == LENGTH and code.isdigit() and luhn_digit(code[:-1]) == code[-1]


def new_code() -> str:
    body = "".join(secrets.choice("0123456789") for _ in range(LENGTH - 1))
    # A code never starts with 0: it would lose a digit in a spreadsheet.
    body = str(secrets.randbelow(9) + 1) + body[1:]
    return body + luhn_digit(body)


def normalize(text: str) -> str:
    """What the administrator typed or the scanner read, digits only."""
    return re.sub(r"\D", "", text or "")


def grouped(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))
