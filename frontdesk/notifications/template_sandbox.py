"""The tags and filters a message template may use, and the bounds on what rendering one costs.

**What a template may use.** Django's tags minus everything that reaches outside the text
(`load`, `include`, `extends`, `url`, `debug` — which prints the loaded modules —, `csrf_token`,
`lorem`, `regroup`, `widthratio`), and only the filters that turn a short string into a short
string (`FILTERS`): no filter that builds lists (`make_list`, `dictsort`), prints Python objects
(`pprint`), runs heavy patterns over text (`urlize`) or makes HTML (`linebreaks`, `json_script`).

**What rendering may cost** (one render of one text, in a web request or in the task worker):

- every value a filter gives is at most `MAX_VALUE` characters, and a width a filter pads to
  (`ljust`, `rjust`, `center`, `wordwrap`, `stringformat`, `floatformat`) at most `MAX_WIDTH`;
- the text produced altogether is at most `MAX_OUTPUT` characters;
- loops run at most `MAX_ITERATIONS` times altogether (nested loops count every inner pass), and
  at most `MAX_NODES` pieces of the template are rendered;
- rendering stops after `MAX_SECONDS`.

A render that breaks a bound stops at once with `TemplateLimitError`, whose message names the
bound. Without these a 2,000-character template could pad to twenty million characters or loop
for an hour (`{% for a in s %}{% for b in s %}…`).
"""

from __future__ import annotations

import contextvars
import functools
import re
import time

from django.template import defaultfilters, defaulttags
from django.template.base import Node
from django.template.defaulttags import FilterNode, ForNode, IfNode, SpacelessNode, WithNode
from django.template.library import Library
from django.utils.translation import gettext as _

ALLOWED_TAGS = ("if", "for", "with", "firstof", "now", "spaceless", "comment", "templatetag", "filter", "cycle")
FILTERS = (
    "add",
    "addslashes",
    "capfirst",
    "center",
    "cut",
    "date",
    "default",
    "default_if_none",
    "divisibleby",
    "first",
    "floatformat",
    "get_digit",
    "iriencode",
    "join",
    "last",
    "length",
    "ljust",
    "lower",
    "phone2numeric",
    "pluralize",
    "rjust",
    "slice",
    "slugify",
    "stringformat",
    "striptags",
    "time",
    "title",
    "truncatechars",
    "truncatewords",
    "upper",
    "urlencode",
    "wordcount",
    "wordwrap",
    "yesno",
)
WIDTH_FILTERS = frozenset({"ljust", "rjust", "center", "wordwrap", "stringformat", "floatformat"})

MAX_TEXT = 4000  # characters of template source
MAX_VALUE = 5000
MAX_WIDTH = 200
MAX_OUTPUT = 10_000
MAX_ITERATIONS = 1000
MAX_NODES = 20_000
MAX_SECONDS = 0.5


class TemplateLimitError(Exception):
    """A render broke one of the bounds; the message says which (translated). `costly` is true
    for the bounds on work (time, steps): whatever the values, that text is too slow."""

    def __init__(self, message: str, *, costly: bool = False):
        super().__init__(message)
        self.costly = costly


class Budget:
    """What one render may still spend."""

    def __init__(self):
        self.deadline = time.monotonic() + MAX_SECONDS
        self.output = self.iterations = self.nodes = 0

    def tick(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise TemplateLimitError(_("The template does too much work."), costly=True)
        if time.monotonic() > self.deadline:
            raise TemplateLimitError(
                _("The template takes longer than %(seconds)s s to fill in.") % {"seconds": MAX_SECONDS}, costly=True
            )

    def produce(self, characters: int) -> None:
        self.output += characters
        if self.output > MAX_OUTPUT:
            raise TemplateLimitError(_("The text would be longer than %(count)s characters.") % {"count": MAX_OUTPUT})

    def loop(self, passes: int) -> None:
        self.iterations += passes
        if self.iterations > MAX_ITERATIONS:
            raise TemplateLimitError(
                _("The loops of the template would run more than %(count)s times.") % {"count": MAX_ITERATIONS}
            )


_budget: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("template_budget", default=None)


def render_bounded(template, context) -> str:
    """Render a compiled template (from `guard`) within a fresh budget."""
    token = _budget.set(Budget())
    try:
        return template.render(context)
    finally:
        _budget.reset(token)


# --- filters -------------------------------------------------------------------------------


def _check_width(name: str, arg) -> None:
    numbers = [int(n) for n in re.findall(r"\d+", str(arg))] if arg is not None else []
    if name in WIDTH_FILTERS and any(n > MAX_WIDTH for n in numbers):
        raise TemplateLimitError(
            _("The filter “%(filter)s” takes a width of at most %(max)s, not %(value)s.")
            % {"filter": name, "max": MAX_WIDTH, "value": max(numbers)}
        )


def _bounded_filter(name: str, func):
    @functools.wraps(func)
    def bounded(value, *args, **kwargs):
        for arg in args:
            _check_width(name, arg)
            if isinstance(arg, str) and len(arg) > MAX_VALUE:
                raise TemplateLimitError(_("A value in the template is too long."))
        result = func(value, *args, **kwargs)
        if isinstance(result, str) and len(result) > MAX_VALUE:
            raise TemplateLimitError(
                _("The filter “%(filter)s” would make a text longer than %(count)s characters.")
                % {"filter": name, "count": MAX_VALUE}
            )
        return result

    return bounded


register = Library()
for _name in ALLOWED_TAGS:
    register.tags[_name] = defaulttags.register.tags[_name]
for _name in FILTERS:
    _original = defaultfilters.register.filters[_name]
    _filter = _bounded_filter(_name, _original)
    for _flag in ("is_safe", "needs_autoescape", "expects_localtime"):
        if hasattr(_original, _flag):
            setattr(_filter, _flag, getattr(_original, _flag))
    register.filters[_name] = _filter


# --- nodes ---------------------------------------------------------------------------------

# Tags whose output is made of their children's (already counted) or is smaller than it.
_CONTAINERS = (ForNode, IfNode, WithNode, FilterNode, SpacelessNode)


def guard(template):
    """Make every piece of a compiled template spend from the render's budget: each piece
    rendered is a step, each loop its passes, each text or variable its characters."""
    for node in template.nodelist.get_nodes_by_type(Node):
        node.render = functools.partial(_render_node, node, node.render)
    return template


def _render_node(node, render, context):
    budget = _budget.get()
    if budget is None:
        return render(context)
    budget.tick()
    if isinstance(node, ForNode):
        sequence = node.sequence.resolve(context, ignore_failures=True)
        try:
            budget.loop(len(sequence))
        except TypeError:  # not a sequence: the loop renders its {% empty %} part
            pass
    output = render(context)
    if not isinstance(node, _CONTAINERS):
        budget.produce(len(output))
    return output
