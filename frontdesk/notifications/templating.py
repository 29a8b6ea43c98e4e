"""Message templates: the defaults every network starts with, and rendering.

Rendering uses Django's template engine in a sandbox: an engine of its own with no loaders, only
the harmless tags and filters (template_sandbox.py: no `load`, `include`, `extends`, `url`,
`debug`), no autoescape (texts are plain text), and a context that is a plain dictionary of
strings: a template sees the variables below and nothing behind them (no model, no attribute of
one; names starting with an underscore are refused by the engine itself). Every render is
bounded in time, output, filter widths and loop passes (template_sandbox.py), and a text is
test-rendered when it is saved (`check_text`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.template.base import VariableDoesNotExist
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.notifications import template_sandbox
from frontdesk.notifications.models import (
    TEMPLATE_EVENTS,
    TEMPLATE_LANGUAGES,
    ChannelKind,
    MessageEvent,
    MessageTemplate,
)


class _SandboxEngine(Engine):
    # Only the tags and filters of template_sandbox.py, none of Django's default built-ins.
    default_builtins = []


_engine = _SandboxEngine(
    dirs=[],
    app_dirs=False,
    loaders=[],
    libraries={},
    builtins=["frontdesk.notifications.template_sandbox"],
    autoescape=False,
    string_if_invalid="",
)

# The variables a template may use, with what they mean (shown next to the editor).
VARIABLES = {
    "client_name": gettext_lazy("client's name"),
    "date": gettext_lazy("date of the visit"),
    "time": gettext_lazy("time of the visit"),
    "specialist": gettext_lazy("specialist"),
    "service": gettext_lazy("services"),
    "branch": gettext_lazy("branch name"),
    "branch_address": gettext_lazy("branch address"),
    "branch_phone": gettext_lazy("branch phone"),
    "link": gettext_lazy("link to cancel or move the booking"),
    "hours": gettext_lazy("hours before the visit (reminders)"),
    "client_phone": gettext_lazy("client's phone (messages to the staff)"),
    "amount": gettext_lazy("amount (loyalty: bonuses accrued or expiring)"),
    "balance": gettext_lazy("loyalty balance"),
    "status": gettext_lazy("loyalty status"),
    "item": gettext_lazy("card, certificate or abonement"),
    "expires": gettext_lazy("date it expires"),
}


# Variables whose value a module above notifications knows, registered from that module's
# AppConfig.ready(): name -> provider. Only names of VARIABLES; unregistered ones render empty.
# A visit's messages ask `provider(visit)` (booking: `link`, the client's self-service page);
# messages about no visit, such as mailings, ask `provider(company)` (booking: `link`, the
# branch's booking page).
_visit_variables: dict[str, Callable[..., str]] = {}
_branch_variables: dict[str, Callable[..., str]] = {}


def _register_variable(providers: dict, name: str, provider: Callable[..., str]) -> None:
    if name not in VARIABLES:
        raise ValueError(f"{name!r} is not a template variable (add it to VARIABLES first)")
    providers[name] = provider


def register_visit_variable(name: str, provider: Callable[..., str]) -> None:
    _register_variable(_visit_variables, name, provider)


def visit_variable_providers() -> dict[str, Callable[..., str]]:
    return dict(_visit_variables)


def register_branch_variable(name: str, provider: Callable[..., str]) -> None:
    _register_variable(_branch_variables, name, provider)


def branch_variable_providers() -> dict[str, Callable[..., str]]:
    return dict(_branch_variables)


class TemplateError(Exception):
    """A text that cannot become a message; the message says why."""


class BrokenTemplate(TemplateError):
    """The text itself is wrong: a syntax error, a filter it may not use, or a bound of
    rendering broken (`template_sandbox`)."""


# A text whose rendering broke a bound on work (time, steps) is not rendered again for a while:
# the worker fails that network's next messages with the same text at once instead of spending
# the time again on each, so they cannot hold up other networks' messages. Editing the text
# changes its key.
SLOW_TEXT_REMEMBERED = 600


def _slow_key(text: str) -> str:
    return "template-too-slow:" + hashlib.sha256(text.encode()).hexdigest()


def compile_text(text: str):
    """The compiled template (its rendering bounded), or BrokenTemplate with a readable reason."""
    if len(text) > template_sandbox.MAX_TEXT:
        raise BrokenTemplate(_("The text is longer than %(count)s characters.") % {"count": template_sandbox.MAX_TEXT})
    try:
        return template_sandbox.guard(_engine.from_string(text))
    except TemplateSyntaxError as error:
        raise BrokenTemplate(str(error)) from None
    except RecursionError:
        raise BrokenTemplate(_("The tags of the template are nested too deeply.")) from None


def render_text(text: str, variables: dict[str, str]) -> str:
    """The text filled in with the variables, within the bounds of `template_sandbox`;
    BrokenTemplate with the reason otherwise (also for a text that was too slow a moment ago)."""
    remembered = cache.get(_slow_key(text))
    if remembered:
        raise BrokenTemplate(remembered)
    plain = {name: str(value) for name, value in variables.items() if name in VARIABLES}
    template = compile_text(text)
    try:
        return template_sandbox.render_bounded(template, Context(plain, autoescape=False)).strip()
    except template_sandbox.TemplateLimitError as error:
        if error.costly:
            cache.set(_slow_key(text), str(error), SLOW_TEXT_REMEMBERED)
        raise BrokenTemplate(str(error)) from None
    except (VariableDoesNotExist, TemplateSyntaxError, TemplateDoesNotExist, RecursionError) as error:
        raise BrokenTemplate(str(error) or error.__class__.__name__) from None


def check_text(text: str) -> None:
    """Test-render a text as it is saved: with the sample data, and with every variable at a
    long length, so that a text that breaks a bound is refused then rather than when it is sent.
    BrokenTemplate with the reason."""
    render_text(text, sample_variables())
    render_text(text, dict.fromkeys(VARIABLES, "W" * 150))


def sample_variables() -> dict[str, str]:
    """What a preview and a test message show instead of a real visit."""
    return {
        "client_name": _("Maria"),
        "date": "24.12.2026",
        "time": "15:30",
        "specialist": _("Anna"),
        "service": _("Haircut"),
        "branch": _("Lavender salon"),
        "branch_address": _("12 Tverskaya street"),
        "branch_phone": "+7 900 000-00-00",
        "link": "https://example.com/my/…/",
        "hours": "24",
        "client_phone": "+7 900 111-22-33",
        "amount": "150",
        "balance": "1200",
        "status": _("Gold"),
        "item": _("Gift certificate"),
        "expires": "31.12.2026",
    }


def _defaults() -> dict[tuple[str, str], tuple[str, str]]:
    """{(event, channel): (subject, body)} in the active language. SMS texts stay short (one or
    two SMS parts); Telegram and email say a little more."""
    booked = _("{{ client_name }}, you are booked at {{ branch }} on {{ date }} at {{ time }}. Manage: {{ link }}")
    changed = _("{{ client_name }}, your visit to {{ branch }} is now on {{ date }} at {{ time }}. Manage: {{ link }}")
    cancelled = _("{{ client_name }}, your visit to {{ branch }} on {{ date }} at {{ time }} is cancelled.")
    reminder = _("Reminder: {{ branch }} expects you on {{ date }} at {{ time }}. Cancel or move: {{ link }}")
    long_tail = _(
        "\n\nService: {{ service }}\nSpecialist: {{ specialist }}\nAddress: {{ branch_address }}\nPhone: {{ branch_phone }}"
    )
    out = {}
    for event, text, subject in (
        (MessageEvent.BOOKED, booked, _("You are booked: {{ date }} at {{ time }}")),
        (MessageEvent.CHANGED, changed, _("Your visit has moved: {{ date }} at {{ time }}")),
        (MessageEvent.CANCELLED, cancelled, _("Your visit is cancelled")),
        (MessageEvent.REMINDER, reminder, _("See you on {{ date }} at {{ time }}")),
    ):
        out[(event, ChannelKind.SMS)] = ("", text)
        out[(event, ChannelKind.TELEGRAM)] = ("", text + long_tail)
        out[(event, ChannelKind.EMAIL)] = (subject, text + long_tail)
    # Events without a visit's details: one text for every channel.
    for event, text, subject in (
        (
            MessageEvent.THANKS,
            _("{{ client_name }}, thank you for visiting {{ branch }}! How was it? Reply or rate us: {{ link }}"),
            _("Thank you for your visit"),
        ),
        (
            MessageEvent.BIRTHDAY,
            _("{{ client_name }}, happy birthday! {{ branch }} wishes you a wonderful year. Book: {{ branch_phone }}"),
            _("Happy birthday, {{ client_name }}!"),
        ),
        (
            MessageEvent.WINBACK,
            _("{{ client_name }}, we miss you at {{ branch }}! Book your next visit: {{ branch_phone }}"),
            _("We miss you at {{ branch }}"),
        ),
        (
            MessageEvent.STAFF_BOOKED,
            _(
                "Online booking: {{ client_name }} {{ client_phone }}, {{ date }} {{ time }}, {{ service }}, {{ specialist }}"
            ),
            _("Online booking: {{ date }} {{ time }}"),
        ),
        (
            MessageEvent.WAITLIST_OFFER,
            _(
                "{{ branch }}: a time has freed up for “{{ service }}”: {{ date }} at {{ time }}. Call {{ branch_phone }} to book it."
            ),
            _("A time has freed up: {{ date }} at {{ time }}"),
        ),
        (
            MessageEvent.LOYALTY_BONUS_ACCRUED,
            _(
                "{{ client_name }}, {{ amount }} bonuses are added to your card at {{ branch }}. Balance: {{ balance }}."
            ),
            _("Bonuses added: {{ amount }}"),
        ),
        (
            MessageEvent.LOYALTY_STATUS_CHANGED,
            _("{{ client_name }}, your card at {{ branch }} now has the status “{{ status }}”."),
            _("Your new status: {{ status }}"),
        ),
        (
            MessageEvent.LOYALTY_EXPIRING,
            _("{{ client_name }}, {{ amount }} bonuses on your card at {{ branch }} expire on {{ expires }}."),
            _("Your bonuses expire on {{ expires }}"),
        ),
        (
            MessageEvent.CERTIFICATE_EXPIRING,
            _("{{ client_name }}, your certificate “{{ item }}” at {{ branch }} expires on {{ expires }}."),
            _("Your certificate expires on {{ expires }}"),
        ),
        (
            MessageEvent.ABONEMENT_EXPIRING,
            _("{{ client_name }}, your abonement “{{ item }}” at {{ branch }} expires on {{ expires }}."),
            _("Your abonement expires on {{ expires }}"),
        ),
    ):
        for channel in ChannelKind.values:
            out[(event, channel)] = (subject if channel == ChannelKind.EMAIL else "", text)
    return out


def ensure_default_templates(chain_id: int) -> None:
    """Give the network its templates for every event, channel and language it lacks. Existing
    ones (maybe edited) are left alone; racing callers are fine (the unique key ignores doubles)."""
    have = set(MessageTemplate.unscoped.filter(chain_id=chain_id).values_list("event", "channel", "language"))
    wanted = []
    for language in TEMPLATE_LANGUAGES:
        with translation.override(language):
            defaults = _defaults()
        for (event, channel), (subject, body) in defaults.items():
            if (event, channel, language) not in have:
                wanted.append(
                    MessageTemplate(
                        chain_id=chain_id, event=event, channel=channel, language=language, subject=subject, body=body
                    )
                )
    if wanted:
        MessageTemplate.unscoped.bulk_create(wanted, ignore_conflicts=True)


def default_text(event: str, channel: str, language: str) -> tuple[str, str]:
    with translation.override(language):
        return _defaults()[(event, channel)]


def template_for(chain_id: int, event: str, channel: str, language: str) -> MessageTemplate | None:
    if event not in TEMPLATE_EVENTS:
        return None
    template = MessageTemplate.unscoped.filter(
        chain_id=chain_id, event=event, channel=channel, language=language
    ).first()
    if template is None:
        ensure_default_templates(chain_id)
        template = MessageTemplate.unscoped.filter(
            chain_id=chain_id, event=event, channel=channel, language=language
        ).first()
    return template


def give_default_templates(chain) -> None:
    """Listens to `tenancy.chain_created`: every new network starts with its templates in every
    language, in the transaction that created it."""
    ensure_default_templates(chain.pk)
