from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def bar_width(value, scale):
    """A chart bar's width in percent of the largest one (at least a sliver when not zero)."""
    try:
        value, scale = abs(Decimal(value)), Decimal(scale)
    except (TypeError, ValueError, ArithmeticError):
        return "0"
    if not value or not scale:
        return "0"
    return f"{max(Decimal('0.5'), min(Decimal(100), value * 100 / scale)):.1f}"


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
