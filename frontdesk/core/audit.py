"""The event log writer. Every AuditedModel's save and delete lands here through signals (deletes:
each audited model's own receiver, `connect_deletes`), so a module cannot forget to log; services
add `log_action` lines for what is not a plain change."""

from __future__ import annotations

import datetime
import decimal
import uuid

from django.apps import apps
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from frontdesk.core.context import current_actor
from frontdesk.core.models import AuditedModel, Event, EventAction

_MAX_VALUE = 200


def _plain(value):
    """A JSON-friendly, short form of a field value for the log."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    text = str(value)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _tracked_fields(instance):
    for field in instance._meta.concrete_fields:
        if field.name in instance.AUDIT_EXCLUDE or field.primary_key:
            continue
        yield field


def _snapshot(instance) -> dict:
    return {field.attname: field.value_from_object(instance) for field in _tracked_fields(instance)}


def _chain_and_company(instance):
    chain_id = getattr(instance, "chain_id", None)
    if chain_id is None and instance._meta.label == "tenancy.Chain":
        chain_id = instance.pk
    company_id = getattr(instance, "company_id", None)
    if company_id is None and instance._meta.label == "tenancy.Company":
        company_id = instance.pk
    return chain_id, company_id


def _event(instance, action, code, changes, actor) -> Event | None:
    chain_id, company_id = _chain_and_company(instance)
    if chain_id is None:
        return None
    return Event(
        chain_id=chain_id,
        company_id=company_id,
        user_id=actor.user_id,
        source=actor.source,
        ip=actor.ip,
        action=action,
        code=code,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk or ""),
        object_repr=str(instance)[:255],
        changes=changes or {},
    )


def log_action(instance, action=EventAction.OTHER, *, code: str = "", changes: dict | None = None) -> Event | None:
    """Write one line about `instance` to its chain's event log."""
    event = _event(instance, action, code, changes, current_actor())
    if event is not None:
        event.save()
    return event


def created_changes(instance) -> dict:
    """What the log keeps of a new row: its non-empty field values."""
    return {
        name: [None, _plain(value)] for name, value in _snapshot(instance).items() if value not in (None, "", [], {})
    }


def field_values(instance, names) -> dict:
    """The named fields as the log keeps them: compare two snapshots around a bulk update, which
    skips the save signals, to log what it changed."""
    return {name: _plain(getattr(instance, name)) for name in names}


def log_actions(entries) -> list[Event]:
    """Write many lines at once — for bulk queries, which skip the save signals. `entries` are
    (instance, action, code, changes) tuples; the instances must have their primary keys."""
    actor = current_actor()
    events = [_event(instance, action, code, changes, actor) for instance, action, code, changes in entries]
    return Event.unscoped.bulk_create([event for event in events if event is not None], batch_size=500)


@receiver(post_save)
def _log_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, AuditedModel):
        return
    current = _snapshot(instance)
    if created:
        log_action(instance, EventAction.CREATED, changes=created_changes(instance))
    else:
        before = getattr(instance, "_loaded_values", None)
        if before is None:
            changes = {name: [None, _plain(value)] for name, value in current.items()}
        else:
            changes = {
                name: [_plain(before.get(name)), _plain(value)]
                for name, value in current.items()
                if name in before and before[name] != value
            }
            if not changes:
                return
        log_action(instance, EventAction.CHANGED, changes=changes)
    # The next save of this same instance compares against what is stored now.
    instance._loaded_values = {**getattr(instance, "_loaded_values", {}), **current}


def _log_delete(sender, instance, **kwargs):
    log_action(instance, EventAction.DELETED)


def connect_deletes() -> None:
    """Log the deletes of every audited model: called once from CoreConfig.ready(), when every
    model is loaded. Connected model by model, not as one receiver of every sender: Django
    deletes a queryset's rows with one plain DELETE only when no delete signal listens to their
    model, so a catch-all receiver made every `QuerySet.delete()` of an unlogged table load each
    row as an instance first — the analytics facts' refresh deleting thousands of fact rows among
    them. A model that is not audited has no receiver now, and its deletes stay one query."""
    for model in apps.get_models():
        if issubclass(model, AuditedModel):
            post_delete.connect(_log_delete, sender=model, dispatch_uid=f"core.audit.delete:{model._meta.label_lower}")
