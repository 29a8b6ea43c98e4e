from django import template
from django.utils.formats import number_format

from frontdesk.analytics.reports.base import COUNT, MINUTES, MONEY, SHARE, percent
from frontdesk.core.money import format_money

register = template.Library()


@register.simple_tag
def figure(value, kind, currency=""):
    """A report's value as the page shows it: money with the currency, a share as "25,4 %", a
    count with grouped thousands, minutes as hours; "—" for none."""
    if value is None or value == "":
        return "—"
    if kind == MONEY:
        return format_money(value, currency)
    if kind == SHARE:
        return f"{number_format(percent(value), decimal_pos=1, use_l10n=True)}\u00a0%"
    if kind == COUNT:
        return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)
    if kind == MINUTES:
        hours, minutes = divmod(int(value), 60)
        return f"{hours}:{minutes:02d}"
    return str(value)
