from django import template
from django.utils.html import format_html

from frontdesk.core.dates import date_format, date_pattern, date_placeholder, time_placeholder

register = template.Library()


@register.simple_tag
def date_pattern_attr():
    """For <html data-date-format="…">: the format static/js/dates.js reads and writes."""
    return date_pattern()


@register.simple_tag
def date_attrs():
    """The attributes of a hand-written date field (see frontdesk.core.dates)."""
    return format_html(
        'type="text" inputmode="text" autocomplete="off" placeholder="{}" data-date-input', date_placeholder()
    )


@register.simple_tag
def time_attrs():
    return format_html(
        'type="text" inputmode="numeric" autocomplete="off" placeholder="{}" data-time-input', time_placeholder()
    )


@register.filter
def as_input_date(value):
    """A date as a date field shows it in the active language."""
    return value.strftime(date_format()) if hasattr(value, "strftime") else ""
