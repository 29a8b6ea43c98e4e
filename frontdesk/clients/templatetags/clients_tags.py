from django import template

from frontdesk.clients.selectors import mask_phone
from frontdesk.core.phones import format_phone

register = template.Library()


@register.simple_tag
def client_phone(phone, can_edit):
    """The phone as people read it, masked for members who may not edit clients."""
    return format_phone(phone) if can_edit else mask_phone(phone)


@register.filter
def days(value):
    """A number of days without a trailing .0."""
    if value is None:
        return ""
    return f"{value:g}"
