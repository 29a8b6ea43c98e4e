"""The channels behind one interface: `channel_for(kind, settings).send(to, subject, body, key)`
returns a `Delivery` or raises `DeliveryError` (with `transient=True` when a retry may help).

- email: Django's mail machinery with the server's EMAIL_BACKEND (SMTP in production);
- SMS: the adapters in frontdesk.core.sms (the server default, SMS.ru, SMSC);
- Telegram: the Bot API's sendMessage.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings as django_settings
from django.core.mail import EmailMessage, get_connection
from django.utils.translation import gettext_noop

from frontdesk.core import http, sms
from frontdesk.notifications.models import ChannelKind, ChannelSettings, SmsProvider


@dataclass
class Delivery:
    provider: str
    provider_message_id: str = ""
    cost: Decimal | None = None
    # Why it reached nobody ("" when it went out): the server only printed it to its console.
    console: str = ""


# Django's mail backends that deliver no letter: they print it, write it to a file or drop it.
NOWHERE_EMAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    }
)
NO_SMS_GATEWAY = gettext_noop(
    "no SMS gateway is set up (Settings → Messages): the text was only shown in the server console"
)
NO_MAIL_SERVER = gettext_noop("no mail server is set up on the server: the letter was only shown in the server console")


class DeliveryError(Exception):
    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


class EmailChannel:
    kind = ChannelKind.EMAIL

    def __init__(self, config: ChannelSettings):
        self.from_email = config.email_from or django_settings.DEFAULT_FROM_EMAIL

    def send(self, *, to: str, subject: str, body: str, key: str, attachments=()) -> Delivery:
        """`attachments`: (filename, bytes, content type) triples."""
        message_id = f"<{key}@frontdesk>"
        letter = EmailMessage(
            subject=subject.replace("\n", " ").strip() or "—",
            body=body,
            from_email=self.from_email,
            to=[to],
            headers={"Message-ID": message_id},
            # The server's EMAIL_BACKEND (SMTP in production) with its EMAIL_TIMEOUT.
            connection=get_connection(fail_silently=False),
            attachments=list(attachments),
        )
        try:
            letter.send()
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryError(f"Refused: {error.recipients}", transient=False) from None
        except smtplib.SMTPResponseException as error:
            # 4xx: try later; 5xx: the server will not take it.
            raise DeliveryError(
                f"SMTP {error.smtp_code}: {error.smtp_error!r}", transient=error.smtp_code < 500
            ) from None
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"SMTP: {error}", transient=True) from None
        nowhere = django_settings.EMAIL_BACKEND in NOWHERE_EMAIL_BACKENDS
        return Delivery("email", message_id, console=NO_MAIL_SERVER if nowhere else "")


class SmsChannel:
    kind = ChannelKind.SMS

    def __init__(self, config: ChannelSettings):
        self.provider = config.sms_provider
        if config.sms_provider == SmsProvider.SMSRU:
            self.backend = sms.SmsRuBackend(config.sms_secret, config.sms_sender)
        elif config.sms_provider == SmsProvider.SMSC:
            self.backend = sms.SmscBackend(config.sms_login, config.sms_secret, config.sms_sender)
        else:
            self.backend = sms.default_backend()

    def send(self, *, to: str, subject: str, body: str, key: str) -> Delivery:
        try:
            receipt = self.backend.deliver(to, body, key)
        except sms.SmsError as error:
            raise DeliveryError(str(error), transient=error.transient) from None
        console = "" if getattr(self.backend, "reaches_phone", True) else NO_SMS_GATEWAY
        return Delivery(self.provider, receipt.message_id, receipt.cost, console=console)

    def state(self, message_id: str, phone: str) -> sms.SmsState | None:
        """The gateway's word on a message sent earlier (None when it cannot tell)."""
        try:
            return self.backend.state(message_id, phone)
        except sms.SmsError as error:
            raise DeliveryError(str(error), transient=True) from None


class TelegramChannel:
    kind = ChannelKind.TELEGRAM

    def __init__(self, config: ChannelSettings):
        self.token = config.telegram_token

    def send(self, *, to: str, subject: str, body: str, key: str) -> Delivery:
        if not self.token:
            raise DeliveryError("No bot token.", transient=False)
        url = f"{django_settings.NOTIFY_TELEGRAM_URL.rstrip('/')}/bot{self.token}/sendMessage"
        try:
            answer = http.post(
                url,
                json_body={"chat_id": to, "text": body},
                headers={"X-Idempotency-Key": key},
                timeout=django_settings.NOTIFY_HTTP_TIMEOUT,
                accept_error_body=True,
            ).json()
        except http.HttpError as error:
            raise DeliveryError(f"Telegram: {error}", transient=error.transient) from None
        if not answer.get("ok"):
            code = answer.get("error_code")
            raise DeliveryError(f"Telegram {code}: {answer.get('description', '')}", transient=code == 429)
        return Delivery("telegram", str((answer.get("result") or {}).get("message_id", "")))


CHANNELS = {ChannelKind.EMAIL: EmailChannel, ChannelKind.SMS: SmsChannel, ChannelKind.TELEGRAM: TelegramChannel}


def channel_for(kind: str, config: ChannelSettings):
    return CHANNELS[kind](config)
