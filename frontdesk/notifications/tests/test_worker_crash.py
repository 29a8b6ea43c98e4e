"""A worker killed in the middle of a batch (a real process, SIGKILL) and started again delivers
every message exactly once, counted at the gateway stand-in."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from frontdesk.notifications.models import (
    ChannelKind,
    ChannelSettings,
    Message,
    MessageEvent,
    MessageStatus,
    SmsProvider,
)

ROOT = Path(settings.BASE_DIR)
COUNT = 24


def worker_env(gateway_url: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", "NOTIFY_SMSC_URL": gateway_url}
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = str(db["NAME"])
    else:
        from urllib.parse import quote

        login = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
        env["DATABASE_URL"] = f"postgres://{login}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    return env


def start_worker(env, *extra):
    return subprocess.Popen(
        [sys.executable, "manage.py", "send_due_messages", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_restarted_delivers_every_message_exactly_once(tenant_a, gateway):
    company = tenant_a.company
    ChannelSettings.objects.create(
        chain=tenant_a.chain,
        company=company,
        sms_provider=SmsProvider.SMSC,
        sms_login="salon",
        sms_secret="good-password",
        quiet_from=None,
        quiet_to=None,
    )
    messages = [
        Message.objects.create(
            chain=tenant_a.chain,
            company=company,
            event=MessageEvent.TEST,
            channel=ChannelKind.SMS,
            recipient=f"+7912000{n:04d}",
            body=f"Сообщение {n}",
            due_at=timezone.now(),
        )
        for n in range(COUNT)
    ]
    env = worker_env(gateway.url)
    # 300 ms between messages (the gateway's rate), so that the kill can land between two sends,
    # outside the documented window of one UPDATE after the gateway's answer.
    first = start_worker(env, "--loop", "--interval", "0.2", "--pause-ms", "300")
    try:
        # Kill it in a pause: a third delivered, and each delivery recorded (outside the window).
        def between_two_sends():
            delivered = len(gateway.requests)
            return delivered >= COUNT // 3 and Message.objects.filter(status=MessageStatus.SENT).count() == delivered

        assert wait_for(between_two_sends), first.stderr.read().decode()[-2000:]
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    delivered_before_restart = len(gateway.requests)
    assert delivered_before_restart < COUNT  # it really died mid-batch

    second = start_worker(env)  # the cron form: send what is due, then exit
    assert second.wait(120) == 0, second.stderr.read().decode()[-2000:]

    keys = gateway.keys()
    assert sorted(keys) == sorted(m.idempotency_key for m in messages)  # each exactly once
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert sorted(r.data["phones"] for r in gateway.requests) == sorted(m.recipient.lstrip("+") for m in messages)


def test_a_message_held_by_a_dead_worker_is_taken_over_when_its_lease_ends(tenant_a, gateway):
    from frontdesk.notifications.worker import deliver_due

    ChannelSettings.objects.create(
        chain=tenant_a.chain, company=tenant_a.company, sms_provider=SmsProvider.SMSC, sms_secret="good-password"
    )

    def held(until):
        return Message.objects.create(
            chain=tenant_a.chain,
            company=tenant_a.company,
            event=MessageEvent.TEST,
            channel=ChannelKind.SMS,
            recipient="+79120000001",
            body="x",
            due_at=timezone.now(),
            status=MessageStatus.SENDING,
            claimed_until=until,
            attempts=1,
        )

    live = held(timezone.now() + datetime.timedelta(minutes=1))  # its worker may still be at it
    dead = held(timezone.now() - datetime.timedelta(seconds=1))
    assert deliver_due() == 1
    live.refresh_from_db()
    dead.refresh_from_db()
    assert live.status == MessageStatus.SENDING and dead.status == MessageStatus.SENT and dead.attempts == 2
    assert gateway.keys() == [dead.idempotency_key]
