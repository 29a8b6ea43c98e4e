"""The event log reads in people's words: every audited model's lines, through the one humanizer
the log page, the dashboard and the client card share."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from frontdesk.core.audit_display import CHANGE_LABELS, HIDDEN_KEYS, action_codes, describe
from frontdesk.core.models import AuditedModel, Event, EventAction
from frontdesk.core.money import MoneyField
from frontdesk.testing.fixtures import client_for

ROOT = Path(__file__).resolve().parents[2]
# 21:30 UTC on 29 March is 02:30 on the 30th in Yekaterinburg (UTC+5).
MOMENT = datetime.datetime(2026, 3, 29, 21, 30, tzinfo=datetime.UTC)


def _sample(item: models.Field):
    if item.choices:
        return item.flatchoices[-1][0]
    if isinstance(item, models.BooleanField):
        return True
    if isinstance(item, MoneyField):
        return "2500.00"
    if isinstance(item, models.DateTimeField):
        return MOMENT.isoformat()
    if isinstance(item, models.DateField):
        return "2026-03-30"
    if isinstance(item, models.TimeField):
        return "10:00:00"
    if isinstance(item, (models.ForeignKey, models.IntegerField, models.DecimalField)):
        return 4
    if isinstance(item, models.JSONField):
        return None
    return "text"


def _audited():
    return [model for model in apps.get_models() if issubclass(model, AuditedModel)]


def _lines(tenant):
    company = tenant.company
    company.timezone = "Asia/Yekaterinburg"
    events = []
    for model in _audited():
        changes = {}
        for item in model._meta.concrete_fields:
            if item.primary_key or item.name in model.AUDIT_EXCLUDE:
                continue
            value = _sample(item)
            if value is not None:
                changes[item.attname] = [None, value]
        event = Event(
            chain=tenant.chain,
            company=company,
            action=EventAction.CHANGED,
            object_type=model._meta.label_lower,
            object_id="4",
            object_repr="4",
            changes=changes,
        )
        event.created_at = MOMENT
        events.append(event)
    return events


@pytest.mark.django_db
def test_every_audited_models_lines_name_the_object_and_fields_in_words_and_branch_time(tenant_a):
    events = _lines(tenant_a)
    assert len(events) > 40  # the whole product, not a sample
    with translation.override("ru"):
        entries = describe(events, tz=datetime.UTC, currency="₽")
        for entry in entries:
            label = entry.event.object_type
            shown = " ".join(
                [entry.when, entry.who, entry.action, entry.kind, entry.name]
                + [f"{c.label} {c.old} {c.new}" for c in entry.changes]
            )
            assert label not in shown, label
            assert entry.kind != "Object" and re.search("[А-Яа-яЁё]", entry.kind), (label, entry.kind)
            # A bare number is no name: "№4".
            assert entry.name == "№4"
            assert entry.when == "30.03.2026 02:30" and "21:30" not in shown
            for change in entry.changes:
                if change.key == "email":
                    continue  # "Email" is the Russian interface's own word for it
                assert change.label.lower() != change.key.lower().replace("_", " "), (label, change.key)
                assert re.search("[А-Яа-яЁё]", change.label), (label, change.key, change.label)
                assert "2026-03-29T21:30" not in change.new
            money = [c.new for c in entry.changes if c.new.endswith("₽")]
            model = apps.get_model(label)
            if any(isinstance(f, MoneyField) and f.name not in model.AUDIT_EXCLUDE for f in model._meta.fields):
                assert "2\u00a0500,00\u00a0₽" in money, label


@pytest.mark.django_db
def test_choice_values_read_as_their_labels_and_references_as_their_names(tenant_a):
    from frontdesk.clients.models import Client

    client = Client.objects.create(chain=tenant_a.chain, name="Вера Петрова", phone="+79120000001")
    record_model = apps.get_model("scheduling.record")
    event = Event(
        chain=tenant_a.chain,
        company=tenant_a.company,
        action=EventAction.CHANGED,
        object_type="scheduling.record",
        object_id="7",
        object_repr="7",
        changes={"status": ["booked", "completed"], "client_id": [None, client.pk]},
    )
    event.created_at = MOMENT
    with translation.override("ru"):
        (entry,) = describe([event], tz=datetime.UTC)
    status = record_model._meta.get_field("status")
    with translation.override("ru"):
        labels = dict(status.flatchoices)
        assert [(c.old, c.new) for c in entry.changes] == [
            (str(labels["booked"]), str(labels["completed"])),
            ("", "Вера Петрова"),
        ]


def test_every_action_code_in_the_product_has_a_translated_label():
    """A new `log_action(code=…)` without a label would show its dotted code in the log."""
    found = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "log_action" not in text:
            continue
        found |= set(re.findall(r'(?:code|reason)\s*=\s*"([a-z_]+\.[a-z_.]+)"', text))
        found |= set(re.findall(r'else "([a-z_]+\.[a-z_.]+)"', text))
        found |= set(re.findall(r'EventAction\.OTHER, "([a-z_]+\.[a-z_.]+)"', text))
    assert found and found <= set(action_codes()), sorted(found - set(action_codes()))


def test_every_change_key_services_write_has_a_label():
    found = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "audit.py":
            continue
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"changes\s*=\s*\{([^}]*)\}", text):
            found |= set(re.findall(r'"([a-z_]+)"\s*:', block))
    fields = {f.attname for model in _audited() for f in model._meta.concrete_fields}
    fields |= {f.name for model in _audited() for f in model._meta.concrete_fields}
    missing = found - fields - set(CHANGE_LABELS) - HIDDEN_KEYS
    assert not missing, sorted(missing)


@pytest.mark.django_db
def test_the_log_page_speaks_the_branchs_language_time_and_links_the_object(tenant_a):
    from frontdesk.clients.models import Client

    company = tenant_a.company
    company.timezone = "Asia/Yekaterinburg"
    company.save()
    client = Client.objects.create(chain=tenant_a.chain, name="Вера Петрова", phone="+79120000001")
    Event.objects.filter(object_type="clients.client").update(created_at=MOMENT, company=company)
    browser = client_for(tenant_a.owner)
    page = browser.get(f"/c/{company.pk}/events/?object_type=clients.client").content.decode()
    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "clients.client" not in rows
    assert "30.03.2026 02:30:00" in rows and "21:30:00" not in rows
    assert f'href="/c/{company.pk}/clients/{client.pk}/">Вера Петрова</a>' in rows
    assert '<div class="text-muted">Client' in rows
    # The filter names the kinds of objects in words too.
    assert '<option value="clients.client" selected>Client</option>' in page
