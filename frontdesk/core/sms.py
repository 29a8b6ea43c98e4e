"""The SMS adapter: the edge of the network we cannot reach in tests.

`send_sms` uses the backend named by settings.SMS_BACKEND. The console backend logs the text;
the in-memory backend keeps messages in `outbox` for tests. Real gateways (SMS.ru, SMSC) plug in
behind the same two methods.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("frontdesk.sms")

outbox: list[SmsMessage] = []


@dataclass
class SmsMessage:
    phone: str
    text: str


class BaseSmsBackend:
    def send(self, phone: str, text: str) -> str:
        """Send one message; return the gateway's message id. Raise on failure."""
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    def send(self, phone, text):
        logger.info("SMS to %s: %s", phone, text)
        return "console"


class MemorySmsBackend(BaseSmsBackend):
    def send(self, phone, text):
        outbox.append(SmsMessage(phone=phone, text=text))
        return f"memory-{len(outbox)}"


def send_sms(phone: str, text: str) -> str:
    backend = import_string(settings.SMS_BACKEND)()
    return backend.send(phone, text)
