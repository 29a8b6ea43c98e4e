"""The event log in people's words: the one humanizer every reader of the log goes through (the
log page, the dashboard's recent changes, the client card's timeline, any export).

Guarantees of `describe(events, tz=…, currency=…)`:
- the time of an entry is in its branch's time zone (the reader's branch for network-wide lines);
- the object is named by its model's translated verbose name and its own name (an object whose
  name is only its number reads "Visit №4", never a bare "4"), with a link to its page when the
  app that owns it registered one (`register_object_url`);
- the action is translated: the plain create/change/delete, or the label of a dotted code
  (`register_action`, a readable fallback for a code nobody labelled);
- a changed field is shown under its translated label, a choice by its label, a yes/no as such,
  money through `money.format_money` with the network's currency, a date and time in the branch's
  zone, a reference by the name of what it points to. References are read in one query per
  model, however many entries there are.

Core names no model of the apps above it: it reads their fields through Django's app registry,
and they register their pages and action labels from their `AppConfig.ready()`.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import Event, EventAction
from frontdesk.core.money import MoneyField, format_money
from frontdesk.core.phones import format_phone

# What other apps register: model label ("clients.client") -> fn(object_id, company_id) -> URL or "".
_object_urls: dict[str, Callable[[str, int | None], str]] = {}
# Dotted codes of `log_action` -> a translated label.
_actions: dict[str, object] = {}
# Names of models declared without a verbose name of their own, by label.
_model_names: dict[str, object] = {}

# Keys of `log_action` changes that are not fields of the logged model.
CHANGE_LABELS = {
    "amount": _("amount"),
    "refunded": _("refunded"),
    "advance": _("advance"),
    "paid": _("paid"),
    "total": _("total"),
    "bonuses": _("bonuses"),
    "reason": _("reason"),
    "means": _("means of payment"),
    "count": _("how many"),
    "offered_start": _("offered time"),
    "telegram": _("Telegram chat"),
    "service": _("service"),
    "number": _("number"),
    "starts_on": _("starts on"),
    "discrepancy": _("discrepancy"),
    "branch": _("branch"),
    "changed": _("changed"),
    "channel": _("channel"),
    "clients": _("clients"),
    "created": _("created"),
    "dates": _("dates"),
    "days": _("days"),
    "discount": _("discount"),
    "filled": _("filled"),
    "merged_client": _("merged card"),
    "newcomer": _("newcomer"),
    "payment": _("payment"),
    "programme": _("programme"),
    "records": _("records"),
    "lines": _("lines"),
    "refund": _("refund"),
    "sale": _("sale"),
    "skipped": _("skipped"),
    "status": _("status"),
}
# Keys whose two values are a range (first, last), not a change from one to the other.
RANGE_KEYS = frozenset({"dates"})
# Labels of common fields declared without a verbose name of their own (Django would show the
# field's name), by the field's name.
FIELD_LABELS = {
    "created_at": _("created"),
    "created_by": _("created by"),
    "email": _("email"),
    "client": _("client"),
    "specialist": _("specialist"),
    "service": _("service"),
    "record": _("booking"),
    "visit": _("visit"),
    "sale": _("sale"),
    "sale_line": _("sale line"),
    "record_service": _("service of the booking"),
    "programme": _("programme"),
    "discount_programme": _("discount programme"),
    "card": _("card"),
    "referrer_card": _("referrer's card"),
    "tier": _("level"),
    "category": _("category"),
    "abonement": _("abonement"),
    "certificate": _("certificate"),
    "amount": _("amount"),
    "total": _("total"),
    "base": _("base amount"),
    "status": _("status"),
    "description": _("description"),
    "provider": _("provider"),
    "driver": _("register"),
    "operation": _("operation"),
    "reverses": _("cancels operation"),
    "lost_with": _("lost with"),
    "series": _("repeating booking"),
    "author": _("author"),
    "position": _("position"),
    "resource": _("resource"),
    "company": _("branch"),
    "account": _("account"),
    "transaction": _("transaction"),
    "transfer": _("transfer"),
    "payment": _("payment"),
    "online_payment": _("online payment"),
    "user": _("user"),
    "partner": _("partner"),
    "invited_by": _("invited by"),
    "accepted_by": _("accepted by"),
    "uploaded_by": _("uploaded by"),
    "issued_by": _("issued by"),
    "opened_by": _("opened by"),
    "closed_by": _("closed by"),
    "size": _("size"),
    "filename": _("file"),
    "active": _("active"),
    "code": _("code"),
    "offered_at": _("offered at"),
    "joined_at": _("joined"),
    "settled_at": _("settled"),
    "registered_at": _("registered"),
    "revoked_at": _("revoked"),
    "newcomer": _("newcomer"),
    "utm_source": _("UTM source"),
    "utm_medium": _("UTM medium"),
    "utm_campaign": _("UTM campaign"),
    "created": _("created"),
    "updated": _("updated"),
    "skipped": _("skipped"),
    "currency": _("currency"),
    "attempts": _("attempts"),
    "operation_kind": _("operation"),
    "shift_number": _("shift number"),
    "number_in_shift": _("number in the shift"),
    "fiscal_document_number": _("fiscal document number"),
    "day_to": _("until (inclusive)"),
}
# Bookkeeping fields people do not act on (search keys, ordering, idempotency and provider
# identifiers, cached copies): left out of the lines.
INTERNAL_FIELDS = frozenset(
    {
        "name_search",
        "title_search",
        "birthday_md",
        "block_start",
        "block_end",
        "idempotency_key",
        "sort_order",
        "external_id",
        "provider_payment_id",
        "payment_id",
        "refund_id",
        "confirmation_url",
        "return_url",
        "payload",
        "metadata",
        "mapping",
        "selection",
        "key",
        "ref",
        "notified_expiring",
        "up_to_id",
        "before",
        "content_type",
        "fiscal_sign",
        "fn_number",
    }
)
MONEY_KEYS = frozenset({"amount", "refunded", "advance", "paid", "total", "discrepancy"})
# Keys whose values are lists of row ids: the action's label says what happened.
HIDDEN_KEYS = frozenset({"order", "moved"})


def register_object_url(label: str, build: Callable[[str, int | None], str]) -> None:
    """`build(object_id, company_id)` returns the page of an object of the model `label`
    ("app.model", lower case), or "" when it has none; it must not query the database."""
    _object_urls[label.lower()] = build


def page_by_url_name(url_name: str, kwarg: str) -> Callable[[str, int | None], str]:
    """A builder for `register_object_url`: the page `url_name` of the branch, with the object's
    id as `kwarg` (no query: `reverse` only)."""

    def build(object_id: str, company_id: int | None) -> str:
        if not company_id or not str(object_id).isdigit():
            return ""
        return reverse(url_name, kwargs={"company_id": company_id, kwarg: int(object_id)})

    return build


def register_model_name(label: str, name) -> None:
    """The translated name of a model whose Meta has no verbose name ("client import")."""
    _model_names[label.lower()] = name


def register_log_labels(module) -> None:
    """Register an app's table at once: `ACTIONS` {code: label}, `PAGES` {model label: (URL name,
    id keyword)}, `NAMES` {model label: name} (each optional)."""
    for code, label in getattr(module, "ACTIONS", {}).items():
        register_action(code, label)
    for model, (url_name, kwarg) in getattr(module, "PAGES", {}).items():
        register_object_url(model, page_by_url_name(url_name, kwarg))
    for model, name in getattr(module, "NAMES", {}).items():
        register_model_name(model, name)


def register_action(code: str, label) -> None:
    """The translated label of a `log_action` code ("client.viewed" -> "Card opened")."""
    _actions[code] = label


def action_codes() -> dict[str, object]:
    return dict(_actions)


@dataclass
class Change:
    key: str  # the field's name as stored (for readers that show only some fields)
    label: str
    old: str
    new: str


@dataclass
class Entry:
    """One line of the log as a person reads it."""

    event: Event
    at: datetime.datetime
    who: str
    source: str
    action: str
    kind: str  # the translated name of the object's model
    name: str
    url: str
    changes: list[Change] = field(default_factory=list)

    @property
    def when(self) -> str:
        """The time as text in the branch's zone. Text on purpose: a template's `date` filter
        would move an aware time back to the server's zone."""
        return formats.date_format(self.at, "d.m.Y H:i")

    @property
    def when_exact(self) -> str:
        return formats.date_format(self.at, "d.m.Y H:i:s")

    @property
    def title(self) -> str:
        return f"{self.action}: {self.kind} «{self.name}»" if self.name else f"{self.action}: {self.kind}"


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _fields(model) -> dict[str, models.Field]:
    if model is None:
        return {}
    out = {}
    for item in model._meta.concrete_fields:
        out[item.attname] = item
        out[item.name] = item
    return out


def action_label(event: Event) -> str:
    if event.code:
        label = _actions.get(event.code)
        if label is not None:
            return str(label)
        # An unlabelled code still reads as words, not as a dotted identifier.
        return capfirst(event.code.rsplit(".", 1)[-1].replace("_", " "))
    return str(EventAction(event.action).label) if event.action in EventAction.values else event.action


def kind_label(model, object_type: str) -> str:
    if model is None:
        return gettext("Object")
    if object_type in _model_names:
        return str(capfirst(_model_names[object_type]))
    return str(capfirst(model._meta.verbose_name))


def object_name(event: Event) -> str:
    text = (event.object_repr or "").strip()
    if not text or text == event.object_id:
        return f"№{event.object_id}" if event.object_id else ""
    return text


def _local(value: datetime.datetime, tz) -> datetime.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(tz)


def _text(value, item: models.Field | None, key: str, tz, currency: str, refs: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or isinstance(item, models.BooleanField):
        return gettext("yes") if value else gettext("no")
    if item is not None and item.choices:
        return str(dict(item.flatchoices).get(value, value))
    if isinstance(item, models.ForeignKey):
        return refs.get((item.related_model, str(value)), f"№{value}")
    if isinstance(item, MoneyField) or (item is None and key in MONEY_KEYS):
        return format_money(value, currency)  # what is not a number comes back as it is
    if key == "phone" or key.endswith("_phone"):
        return format_phone(str(value))  # +7 916 555-12-34, as on every other page
    if isinstance(item, models.DateTimeField):
        try:
            moment = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return formats.date_format(_local(moment, tz), "SHORT_DATETIME_FORMAT")
    if isinstance(item, models.DateField):
        try:
            return formats.date_format(datetime.date.fromisoformat(str(value)[:10]), "SHORT_DATE_FORMAT")
        except ValueError:
            return str(value)
    if isinstance(item, models.TimeField):
        return str(value)[:5]
    if isinstance(item, models.DecimalField):
        try:
            return formats.number_format(decimal.Decimal(str(value)), use_l10n=True)
        except (decimal.InvalidOperation, ValueError):
            return str(value)
    if isinstance(value, list):
        return ", ".join(_text(part, None, "", tz, currency, refs) for part in value)
    if isinstance(value, dict):
        return "…"
    if isinstance(value, str) and "T" in value and value[:4].isdigit():
        try:  # a moment written by `_plain` or by a service as ISO text: shown in the branch's zone
            return formats.date_format(_local(datetime.datetime.fromisoformat(value), tz), "SHORT_DATETIME_FORMAT")
        except ValueError:
            pass
    return str(value)


def _date_text(value) -> str:
    try:
        return formats.date_format(datetime.date.fromisoformat(str(value)[:10]), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value)


def _pairs(changes) -> Iterable[tuple[str, object, object]]:
    for key, value in (changes or {}).items():
        if key in HIDDEN_KEYS:
            continue
        if key in RANGE_KEYS and isinstance(value, list):
            yield key, None, " – ".join(_date_text(part) for part in value)
        elif isinstance(value, list) and len(value) == 2:
            yield key, value[0], value[1]
        else:
            yield key, None, value


def _label(key: str, item: models.Field | None) -> str:
    if item is not None:
        declared = str(item.verbose_name) != item.name.replace("_", " ")
        if declared or item.name not in FIELD_LABELS:
            return str(capfirst(item.verbose_name))
        return str(capfirst(FIELD_LABELS[item.name]))
    known = CHANGE_LABELS.get(key)
    return str(capfirst(known)) if known is not None else capfirst(key.replace("_", " "))


def _references(events, models_of) -> dict:
    """{(model, "id"): its name} for every reference in the changes: one query per model."""
    wanted: dict = {}
    for event in events:
        fields = _fields(models_of.get(event.object_type))
        for key, old, new in _pairs(event.changes):
            item = fields.get(key)
            if isinstance(item, models.ForeignKey):
                for value in (old, new):
                    if value not in (None, ""):
                        wanted.setdefault(item.related_model, set()).add(str(value))
    names = {}
    for model, ids in wanted.items():
        # The ids come from this network's own log lines; the base manager reads rows of a
        # model whose scoped manager would ask for a scope the reader already is in.
        pks = [pk for pk in ids if pk.isdigit()]
        for row in model._base_manager.filter(pk__in=pks):
            names[(model, str(row.pk))] = str(row)
    return names


def describe(events: Iterable[Event], *, tz, currency: str = "") -> list[Entry]:
    """The events as people read them (see the module's guarantees). `tz` is the reader's
    branch's zone, used for lines of no branch; `currency` the network's sign. Select the
    events with `user` and `company` to keep it at one query per referenced model."""
    events = list(events)
    models_of = {label: _model(label) for label in {event.object_type for event in events}}
    refs = _references(events, models_of)
    out = []
    for event in events:
        model = models_of.get(event.object_type)
        company = event.company if event.company_id else None
        zone = getattr(company, "tz", None) or tz
        fields = _fields(model)
        changes = []
        for key, old, new in _pairs(event.changes):
            item = fields.get(key)
            if (item.name if item is not None else key) in INTERNAL_FIELDS:
                continue
            changes.append(
                Change(
                    key=key,
                    label=_label(key, item),
                    old="" if old is None else _text(old, item, key, zone, currency, refs),
                    new=_text(new, item, key, zone, currency, refs),
                )
            )
        build = _object_urls.get(event.object_type)
        url = ""
        if build is not None and event.object_id and event.action != EventAction.DELETED:
            url = build(event.object_id, event.company_id) or ""
        out.append(
            Entry(
                event=event,
                at=_local(event.created_at, zone),
                who=str(event.user) if event.user_id else gettext("System"),
                source=str(event.get_source_display()),
                action=action_label(event),
                kind=kind_label(model, event.object_type),
                name=object_name(event),
                url=url,
                changes=changes,
            )
        )
    return out


def object_type_choices(labels: Iterable[str]) -> list[tuple[str, str]]:
    """(label, translated model name) for the log's filter, sorted by the name people read."""
    return sorted(((label, kind_label(_model(label), label)) for label in labels), key=lambda pair: pair[1])
