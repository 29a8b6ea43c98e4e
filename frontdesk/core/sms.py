"""The SMS adapter: the edge of the network we cannot reach in tests.

`send_sms` uses the backend named by settings.SMS_BACKEND (the server-wide default). The console
backend logs the text; the in-memory backend keeps messages in `outbox` for tests. The HTTP
adapters for the common Russian gateways (SMS.ru, SMSC) are configured per network or branch by
the notifications app and speak each gateway's public HTTP API through `frontdesk.core.http`.

`deliver()` returns a receipt (the gateway's message id and, where the gateway says it, the cost);
it raises `SmsError` with `transient=True` when trying again later may help.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.module_loading import import_string

from frontdesk.core import http

logger = logging.getLogger("frontdesk.sms")

outbox: list[SmsMessage] = []


@dataclass
class SmsMessage:
    phone: str
    text: str


@dataclass
class SmsReceipt:
    message_id: str
    cost: Decimal | None = None


@dataclass
class SmsState:
    """What a gateway says of a message it took: `delivered` True/False once the operator has
    answered for good, None while it is still on its way."""

    delivered: bool | None
    text: str = ""


class SmsError(Exception):
    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


class BaseSmsBackend:
    # False for a backend that only shows the text on this server: the message reached no phone,
    # and the product must not say "sent" of it.
    reaches_phone = True

    def send(self, phone: str, text: str) -> str:
        """Send one message; return the gateway's message id. Raise on failure."""
        return self.deliver(phone, text).message_id

    def deliver(self, phone: str, text: str, key: str = "") -> SmsReceipt:
        """Send one message (`key`: our idempotency key, passed on where the gateway takes one)."""
        raise NotImplementedError

    def state(self, message_id: str, phone: str) -> SmsState | None:
        """Ask whether the message reached the phone; None when this backend cannot tell."""
        return None


class ConsoleSmsBackend(BaseSmsBackend):
    reaches_phone = False

    def deliver(self, phone, text, key=""):
        logger.info("SMS to %s: %s", phone, text)
        return SmsReceipt("console")


class MemorySmsBackend(BaseSmsBackend):
    def deliver(self, phone, text, key=""):
        outbox.append(SmsMessage(phone=phone, text=text))
        return SmsReceipt(f"memory-{len(outbox)}")


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _post(url: str, form: dict, key: str):
    try:
        return http.post(
            url,
            form=form,
            headers={"X-Idempotency-Key": key} if key else None,
            timeout=settings.NOTIFY_HTTP_TIMEOUT,
            accept_error_body=True,
        ).json()
    except http.HttpError as error:
        raise SmsError(str(error), transient=error.transient) from None


class SmsRuBackend(BaseSmsBackend):
    """SMS.ru: POST /sms/send with the account's api_id, `to`, `msg`, `json=1`."""

    # status codes of a single number that a retry may cure: queued-too-fast, gateway trouble
    TRANSIENT_CODES = {220, 500}

    def __init__(self, api_id: str, sender: str = "", base_url: str | None = None):
        self.api_id, self.sender = api_id, sender
        self.base_url = (base_url or settings.NOTIFY_SMSRU_URL).rstrip("/")

    def deliver(self, phone, text, key=""):
        number = phone.lstrip("+")
        form = {"api_id": self.api_id, "to": number, "msg": text, "json": 1}
        if self.sender:
            form["from"] = self.sender
        answer = _post(f"{self.base_url}/sms/send", form, key)
        if answer.get("status") != "OK":
            code = answer.get("status_code")
            raise SmsError(f"SMS.ru {code}: {answer.get('status_text', '')}", transient=code in self.TRANSIENT_CODES)
        result = (answer.get("sms") or {}).get(number) or {}
        if result.get("status") != "OK":
            code = result.get("status_code")
            raise SmsError(f"SMS.ru {code}: {result.get('status_text', '')}", transient=code in self.TRANSIENT_CODES)
        return SmsReceipt(str(result.get("sms_id", "")), _decimal(result.get("cost")))

    # /sms/status codes: 100–102 queued or on the way, 103 delivered, 110 read (a messenger),
    # 104–108 and 150 not delivered (expired, deleted, phone fault, unknown, rejected, no route).
    DELIVERED_CODES = {103, 110}
    UNDELIVERED_CODES = {104, 105, 106, 107, 108, 150}

    def state(self, message_id, phone):
        answer = _post(f"{self.base_url}/sms/status", {"api_id": self.api_id, "sms_id": message_id, "json": 1}, "")
        result = (answer.get("sms") or {}).get(message_id) or {}
        code = result.get("status_code")
        if code in self.DELIVERED_CODES:
            return SmsState(True, str(result.get("status_text", "")))
        if code in self.UNDELIVERED_CODES:
            return SmsState(False, f"SMS.ru {code}: {result.get('status_text', '')}")
        return SmsState(None)


class SmscBackend(BaseSmsBackend):
    """SMSC: POST /sys/send.php with login, psw, phones, mes, fmt=3 (JSON) and cost=3 (send and
    report the cost)."""

    # error codes a retry may cure: 4 (IP blocked for a while), 9 (too many requests)
    TRANSIENT_CODES = {4, 9}

    def __init__(self, login: str, password: str, sender: str = "", base_url: str | None = None):
        self.login, self.password, self.sender = login, password, sender
        self.base_url = (base_url or settings.NOTIFY_SMSC_URL).rstrip("/")

    def deliver(self, phone, text, key=""):
        form = {
            "login": self.login,
            "psw": self.password,
            "phones": phone.lstrip("+"),
            "mes": text,
            "fmt": 3,
            "cost": 3,
            "charset": "utf-8",
        }
        if self.sender:
            form["sender"] = self.sender
        answer = _post(f"{self.base_url}/sys/send.php", form, key)
        if "error" in answer:
            code = answer.get("error_code")
            raise SmsError(f"SMSC {code}: {answer['error']}", transient=code in self.TRANSIENT_CODES)
        return SmsReceipt(str(answer.get("id", "")), _decimal(answer.get("cost")))

    # status.php: -1 waiting, 0 handed to the operator, 1 delivered, 2 read; 3 expired and 20–25
    # not deliverable (impossible, wrong number, forbidden, no money, number unavailable).
    DELIVERED_CODES = {1, 2}
    UNDELIVERED_CODES = {3, 20, 22, 23, 24, 25}

    def state(self, message_id, phone):
        form = {"login": self.login, "psw": self.password, "phone": phone.lstrip("+"), "id": message_id, "fmt": 3}
        answer = _post(f"{self.base_url}/sys/status.php", form, "")
        code = answer.get("status")
        if code in self.DELIVERED_CODES:
            return SmsState(True)
        if code in self.UNDELIVERED_CODES:
            return SmsState(False, f"SMSC {code} ({answer.get('err', '')})")
        return SmsState(None)


def default_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, text: str) -> str:
    return default_backend().send(phone, text)
