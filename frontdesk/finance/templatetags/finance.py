from decimal import Decimal, InvalidOperation

from django import template

from frontdesk.core.money import format_money

register = template.Library()


@register.filter
def money(value, currency=""):
    """`{{ amount|money:currency }}`: core.money.format_money, for the templates."""
    return format_money(value, currency)


@register.filter
def plain_amount(value):
    """An amount for an <input>: a dot, no grouping, so the browser and the server both read it."""
    if value in (None, ""):
        return ""
    try:
        return f"{Decimal(value):.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return value  # what the person typed, shown back as typed
