from django import template

from frontdesk.core.panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot, **kwargs):
    """`{% panels "slot.name" record=record %}`: what other modules show here (core.panels)."""
    return render_panels(slot, context.get("request"), **kwargs)
