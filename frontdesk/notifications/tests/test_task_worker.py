"""The way `make run` delivers: a booking commits, the Tasks API queues the worker task in the
database, and `manage.py db_worker` (a real process) sends the confirmation. And two workers
racing over one outbox send each message once."""

import datetime
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from frontdesk.clients.models import Client
from frontdesk.core.scopes import scope
from frontdesk.notifications.models import ChannelKind, ChannelSettings, Message, MessageEvent, MessageStatus
from frontdesk.notifications.tests.conftest import at
from frontdesk.notifications.tests.test_worker_crash import ROOT, wait_for, worker_env
from frontdesk.notifications.worker import deliver_due
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.services import book_visit
from frontdesk.testing.concurrency import race

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def smsc_settings(salon):
    return ChannelSettings.objects.create(
        chain=salon.chain,
        company=salon.company,
        language="en",
        sms_provider="smsc",
        sms_secret="good-password",
        reminder_hours="24",
        quiet_from=None,
        quiet_to=None,
    )


def test_a_committed_booking_is_confirmed_by_the_db_worker_process(salon, gateway, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.NOTIFY_WAKE_WORKER = True
    smsc_settings(salon)
    client = Client.objects.create(chain=salon.chain, name="Вера", phone="+79123456789")
    with scope(salon.chain):
        book_visit(
            company=salon.company,
            segments=[Segment(salon.haircut.pk, salon.anna.pk)],
            start=at(salon.company, salon.day, "10:00"),
            client=client,
        )
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.count() == 2  # deliver now, and wake again at the reminder's time
    env = {**worker_env(gateway.url), "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "WARNING"}
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert wait_for(lambda: len(gateway.requests) >= 1, 60)
        time.sleep(0.5)  # anything more would arrive now
    finally:
        worker.terminate()
        worker.wait(20)
    confirmation = Message.objects.get(event=MessageEvent.BOOKED)
    assert confirmation.status == MessageStatus.SENT and gateway.keys() == [confirmation.idempotency_key]
    assert Message.objects.get(event=MessageEvent.REMINDER).status == MessageStatus.PENDING


def test_two_workers_racing_send_each_message_once(tenant_a, gateway):
    ChannelSettings.objects.create(
        chain=tenant_a.chain, company=tenant_a.company, sms_provider="smsc", sms_secret="good-password"
    )
    messages = [
        Message.objects.create(
            chain=tenant_a.chain,
            company=tenant_a.company,
            event=MessageEvent.TEST,
            channel=ChannelKind.SMS,
            recipient=f"+7912000{n:04d}",
            body=f"#{n}",
            due_at=timezone.now() - datetime.timedelta(seconds=1),
        )
        for n in range(30)
    ]
    outcomes = race(2, lambda i: deliver_due(), refusals=())
    assert [kind for kind, _value in outcomes] == ["ok", "ok"]
    assert sum(value for _kind, value in outcomes) == 30
    assert sorted(gateway.keys()) == sorted(m.idempotency_key for m in messages)
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
