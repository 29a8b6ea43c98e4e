from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def money(value, currency=""):
    """“1 500,00 ₽”: always kopecks, grouped thousands, in the reader's locale."""
    if value in (None, ""):
        return ""
    text = number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0{currency}" if currency else text


@register.filter
def plain_amount(value):
    """An amount for an <input>: a dot, no grouping, so the browser and the server both read it."""
    if value in (None, ""):
        return ""
    try:
        return f"{Decimal(value):.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return value  # what the person typed, shown back as typed


@register.filter
def may_edit(request, section: str) -> bool:
    """Whether the signed-in member may edit a section (`request|may_edit:"finance"`), for buttons
    that lead there; the views check again."""
    membership = getattr(request, "membership", None)
    return bool(membership and membership.can(section, 2))
