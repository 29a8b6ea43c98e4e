from django import template

from frontdesk.core.siteurl import absolute_url as _absolute_url

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """`{% absolute_url path %}`: the full address of `path` on the page's own trusted address
    (core.siteurl), for an address to copy into another system."""
    return _absolute_url(path, context.get("request"))
