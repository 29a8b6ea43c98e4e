"""The tags and filters a message template may use: Django's own, minus everything that reaches
outside the text (`load`, `include`, `extends`, `url`, `debug` — which prints the loaded modules —,
`csrf_token`, `lorem`, `regroup`, `widthratio`). Every filter only turns a string into a string."""

from django.template import defaultfilters, defaulttags
from django.template.library import Library

ALLOWED_TAGS = ("if", "for", "with", "firstof", "now", "spaceless", "comment", "templatetag", "filter", "cycle")

register = Library()
for _name in ALLOWED_TAGS:
    register.tags[_name] = defaulttags.register.tags[_name]
register.filters.update(defaultfilters.register.filters)
