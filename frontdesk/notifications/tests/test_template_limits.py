"""A message template cannot cost more than a message is worth: rendering is bounded in output,
filter widths, loop passes and time; the editor refuses a text that breaks a bound when it is
saved; and in the task worker one network's broken text fails its own messages only."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from frontdesk.clients.models import Client
from frontdesk.core import sms
from frontdesk.notifications import template_sandbox
from frontdesk.notifications.models import (
    ChannelKind,
    ChannelSettings,
    Message,
    MessageEvent,
    MessageStatus,
    MessageTemplate,
)
from frontdesk.notifications.templating import BrokenTemplate, check_text, ensure_default_templates, render_text
from frontdesk.notifications.worker import deliver_due
from frontdesk.testing.fixtures import client_for

NAME = {"client_name": "W" * 150, "branch": "Лаванда"}
# A thousand characters, three loops deep: a billion passes.
_THOUSAND = '"' + "0123456789" * 100 + '"'
LOOPS = (
    f"{{% for a in {_THOUSAND} %}}{{% for b in {_THOUSAND} %}}{{% for c in {_THOUSAND} %}}x"
    "{% endfor %}{% endfor %}{% endfor %}"
)
DOUBLING = (
    "{% with a=client_name|add:client_name %}{% with b=a|add:a %}{% with c=b|add:b %}{% with d=c|add:c %}"
    "{% with e=d|add:d %}{% with f=e|add:e %}{{ f|length }}{% endwith %}{% endwith %}{% endwith %}"
    "{% endwith %}{% endwith %}{% endwith %}"
)


@pytest.fixture(autouse=True)
def forget_slow_texts():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    "text,reason",
    [
        ("{{ client_name|ljust:20000000 }}", "The filter “ljust” takes a width of at most 200, not 20000000."),
        ("{{ client_name|center:'99999' }}", "The filter “center” takes a width of at most 200, not 99999."),
        ('{{ client_name|stringformat:"20000000s" }}', "The filter “stringformat” takes a width of at most 200"),
        ("{{ 1.5|floatformat:100000 }}", "The filter “floatformat” takes a width of at most 200"),
        (DOUBLING, "The filter “add” would make a text longer than 5000 characters."),
        (LOOPS, "The loops of the template would run more than 1000 times."),
        (
            "{% for a in client_name %}{% for b in client_name %}{% endfor %}{% endfor %}",
            "The loops of the template would run more than 1000 times.",
        ),
        ("{% for a in client_name %}{{ client_name }}{% endfor %}", "The text would be longer than 10000 characters."),
        ("{{ client_name|make_list }}", "Invalid filter: 'make_list'"),
        ("{{ client_name|pprint }}", "Invalid filter: 'pprint'"),
        ("x" * 4001, "The text is longer than 4000 characters."),
    ],
)
def test_each_bound_stops_a_render_with_its_reason(text, reason):
    with pytest.raises(BrokenTemplate) as error:
        render_text(text, NAME)
    assert reason in str(error.value)


def test_rendering_stops_when_its_time_is_up(monkeypatch):
    monkeypatch.setattr(template_sandbox, "MAX_SECONDS", 0)
    with pytest.raises(BrokenTemplate) as error:
        render_text("{% if client_name %}{{ client_name }}{% endif %}", NAME)
    assert "takes longer than 0 s to fill in" in str(error.value)


def test_a_text_too_slow_once_is_refused_at_once_for_a_while_and_others_still_render(monkeypatch):
    slow = "{% for a in client_name %}{{ a }}{% endfor %}"
    monkeypatch.setattr(template_sandbox, "MAX_SECONDS", 0)
    with pytest.raises(BrokenTemplate):
        render_text(slow, NAME)
    monkeypatch.setattr(template_sandbox, "MAX_SECONDS", 0.5)
    rendered = []
    monkeypatch.setattr(template_sandbox, "render_bounded", lambda t, c: rendered.append(t) or "ok")
    with pytest.raises(BrokenTemplate) as error:
        render_text(slow, NAME)  # not rendered again: the verdict is remembered
    assert "takes longer" in str(error.value) and rendered == []
    assert render_text(slow + " ", NAME) == "ok" and len(rendered) == 1  # an edited text is tried afresh


def test_ordinary_templates_render_within_the_bounds():
    text = (
        "{{ client_name|title }}, {% if time %}в {{ time }}{% endif %} {{ branch|upper|ljust:12 }}|"
        "{% for word in 'а б в' %}{{ forloop.counter }}{% endfor %} {{ amount|floatformat:2 }}"
    )
    assert render_text(text, {"client_name": "мария", "time": "15:30", "branch": "Лаванда", "amount": "150"}) == (
        "Мария, в 15:30 ЛАВАНДА     |12345 150.00"
    )
    check_text(text)


def test_the_editor_refuses_a_template_that_breaks_a_bound(alice, tenant_a):
    ensure_default_templates(tenant_a.chain.pk)
    template = MessageTemplate.objects.get(
        chain=tenant_a.chain, event=MessageEvent.BOOKED, channel=ChannelKind.SMS, language="en"
    )
    before = template.body
    page = f"/c/{tenant_a.company.pk}/messages/templates/{template.pk}/"
    browser = client_for(alice)
    for text, reason in [
        ("Hi {{ client_name|rjust:20000000 }}", "takes a width of at most 200"),
        ("Hi {% for a in client_name %}{% for b in branch_address %}.{% endfor %}{% endfor %}", "more than 1000"),
    ]:
        response = browser.post(page, {"body": text, "is_active": "on"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400 and "The template has an error" in response.text and reason in response.text
    template.refresh_from_db()
    assert template.body == before


def test_the_mailing_form_refuses_a_text_that_breaks_a_bound(alice, tenant_a):
    response = client_for(alice).post(
        f"/c/{tenant_a.company.pk}/messages/mailings/new/",
        {"name": "Акция", "channel": "sms", "body": "{{ client_name|ljust:9999999 }}", "audience": "all"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "The text has an error" in response.text and "at most 200" in response.text


def _birthday_messages(tenant, count):
    ChannelSettings.objects.get_or_create(chain=tenant.chain, company=None, defaults={"quiet_from": None})
    ChannelSettings.objects.filter(chain=tenant.chain).update(quiet_from=None)
    ensure_default_templates(tenant.chain.pk)
    person = Client.objects.create(chain=tenant.chain, name="Ирина", phone=f"+7916555{tenant.chain.pk:04d}")
    due = timezone.now() - datetime.timedelta(minutes=1)
    return [
        Message.objects.create(
            chain=tenant.chain,
            company=tenant.company,
            client=person,
            event=MessageEvent.LOYALTY_STATUS_CHANGED,
            channel=ChannelKind.SMS,
            language="ru",
            due_at=due,
            context={"status": "Gold"},
        )
        for _ in range(count)
    ]


def test_one_networks_broken_template_fails_only_its_own_messages(tenant_a, tenant_b):
    sms.outbox.clear()
    broken = _birthday_messages(tenant_a, 5)
    # Saved before the bounds existed (or written past the form): loops a billion times.
    MessageTemplate.unscoped.filter(
        chain=tenant_a.chain, event=MessageEvent.LOYALTY_STATUS_CHANGED, channel=ChannelKind.SMS
    ).update(body=LOOPS)
    [fine] = _birthday_messages(tenant_b, 1)
    assert deliver_due() == 6
    for message in broken:
        message.refresh_from_db()
        assert message.status == MessageStatus.FAILED
        assert "more than 1000 times" in message.error
    fine.refresh_from_db()
    assert fine.status == MessageStatus.SENT and "Gold" in fine.body
    assert [sent.phone for sent in sms.outbox] == [fine.recipient]
