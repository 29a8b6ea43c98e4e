from django import template

from frontdesk.core.querystrings import with_params

register = template.Library()


@register.simple_tag(takes_context=True)
def query(context, base=None, **changes):
    """`{% query d=day t=None %}`: the current page's query (or `base`, a QueryDict or dict) with
    the parameters replaced — see frontdesk.core.querystrings.with_params."""
    if base is None:
        request = context.get("request")
        base = request.GET if request is not None else None
    return with_params(base, **changes)
