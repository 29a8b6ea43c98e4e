from django import template

from frontdesk.accounts.permissions import Level
from frontdesk.clients.lost import lost_rule_text
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


@register.filter
def may_edit(request, section: str) -> bool:
    """Whether the signed-in member may edit a section (`request|may_edit:"finance"`), for buttons
    that lead there; the views check again."""
    membership = getattr(request, "membership", None)
    return bool(membership and membership.can(section, Level.EDIT))


@register.simple_tag
def lost_rule():
    """When a client counts as lost, in words (the one rule of clients/lost.py)."""
    return lost_rule_text()
