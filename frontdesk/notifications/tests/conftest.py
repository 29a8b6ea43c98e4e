import datetime
import socket
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from frontdesk.core import sms
from frontdesk.core.scopes import scope
from frontdesk.notifications.tests.stand_ins import Mailbox, start_gateway
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist


@pytest.fixture(autouse=True)
def english_and_empty_outbox():
    sms.outbox.clear()
    with translation.override("en"):
        yield
    sms.outbox.clear()


@pytest.fixture
def gateway(settings):
    """The local HTTP server standing in for SMS.ru, SMSC and Telegram."""
    gateway, server = start_gateway()
    settings.NOTIFY_SMSRU_URL = gateway.url
    settings.NOTIFY_SMSC_URL = gateway.url
    settings.NOTIFY_TELEGRAM_URL = gateway.url
    settings.NOTIFY_HTTP_TIMEOUT = 5
    yield gateway
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (aiosmtpd); Django's SMTP backend talks to it."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield mailbox
    controller.stop()


@pytest.fixture
def salon(tenant_a):
    """Branch A1 (Yekaterinburg time, UTC+5) with a haircut and Anna working 10–18 in five days."""
    company = tenant_a.company
    company.timezone = "Asia/Yekaterinburg"
    company.address = "Ленина, 1"
    company.save()
    day = timezone.now().astimezone(company.tz).date() + datetime.timedelta(days=5)
    with scope(company.chain):
        haircut = make_service(company, "Стрижка", duration=60, price=1500)
        anna = make_specialist(company, "Анна", [haircut])
        add_shift(anna, company, day, "10:00", "18:00")
    return SimpleNamespace(company=company, chain=tenant_a.chain, haircut=haircut, anna=anna, day=day)


def at(company, day, hhmm):
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm), tzinfo=company.tz)
