from django import template

from frontdesk.loyalty.models import Programme, percent_text

register = template.Library()


@register.simple_tag
def issue_choices(company):
    """The active programmes a card may be issued in at this branch."""
    return [p for p in Programme.objects.filter(is_active=True).prefetch_related("branches") if p.valid_in(company.pk)]


@register.filter
def plain_percent(value) -> str:
    """12.50 → 12.5 and 10.00 → 10, in the page's number format."""
    return percent_text(value)
