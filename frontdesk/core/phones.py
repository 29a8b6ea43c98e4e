"""Phone numbers are stored in E.164 and are the identity of a person within a network."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = getattr(settings, "PHONE_DEFAULT_REGION", "RU")


def normalize_phone(raw: str, region: str | None = None) -> str:
    """'+7 (900) 123-45-67', '89001234567' and '9001234567' all become '+79001234567'."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="required")
    region = region or DEFAULT_REGION
    digits = "".join(ch for ch in text if ch.isdigit())
    # Russian habit: a leading 8 instead of +7 for a ten-digit national number.
    if region == "RU" and not text.startswith("+") and len(digits) == 11 and digits[0] in "78":
        text = "+7" + digits[1:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(_("“%(phone)s” is not a phone number."), code="invalid", params={"phone": raw}) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("“%(phone)s” is not a valid phone number."), code="invalid", params={"phone": raw})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """A phone as people read it: +7 900 123-45-67."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
