from django import template
from django.utils.translation import gettext as _

from frontdesk.core.money import format_money

register = template.Library()


def _amount(value) -> str:
    return format_money(value, whole=True)


@register.filter
def price(service, currency=""):
    """“1 500 ₽” for a fixed price, “from 1 500 to 2 500 ₽” for a range."""
    if service.price_min == service.price_max:
        return _("%(amount)s %(currency)s") % {"amount": _amount(service.price_min), "currency": currency}
    return _("from %(min)s to %(max)s %(currency)s") % {
        "min": _amount(service.price_min),
        "max": _amount(service.price_max),
        "currency": currency,
    }


@register.filter
def minutes(value):
    """90 -> “1 h 30 min”."""
    if value is None:
        return ""
    hours, rest = divmod(int(value), 60)
    if hours and rest:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": rest}
