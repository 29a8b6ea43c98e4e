"""The payment-provider interface, shaped like YooKassa's API: create a payment with an
idempotency key (the same key returns the same payment), send the payer to its confirmation URL,
learn the outcome from a verified webhook (payment.succeeded / payment.canceled), cancel a
payment still waiting, give (part of) a taken payment back with a refund (an idempotency key
again: the same key returns the same refund). Drivers: the built-in test provider and YooKassa.

The built-in test provider keeps its payments in the database (TestProviderPayment), shows its
own confirmation page inside the product, keeps its refunds (TestProviderRefund), and notifies the webhook with a body signed by the
branch's webhook secret, exactly as the webhook view receives it."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from frontdesk.core import http
from frontdesk.core.locking import lock_first
from frontdesk.core.money import format_money, to_money
from frontdesk.payments.models import (
    OnlinePaymentStatus,
    OnlineRefundStatus,
    ProviderCode,
    TestProviderPayment,
    TestProviderRefund,
)

SIGNATURE_HEADER = "HTTP_X_FRONTDESK_SIGNATURE"
EVENTS = {"payment.succeeded": OnlinePaymentStatus.SUCCEEDED, "payment.canceled": OnlinePaymentStatus.CANCELED}


@dataclass
class ProviderPayment:
    id: str
    status: str
    amount: Decimal
    confirmation_url: str


@dataclass
class ProviderRefund:
    id: str
    status: str
    amount: Decimal


@dataclass
class WebhookEvent:
    event: str
    payment_id: str
    status: str
    amount: Decimal


class InvalidWebhook(Exception):
    """A webhook body that is not signed by the provider, or not a notification we understand."""


class ProviderUnavailable(Exception):
    """The provider could not be asked now (network, its 5xx, a refusal); nothing changed here."""


class RefundRefused(Exception):
    """The provider answered and will not make this refund (more than is left of the payment, a
    payment it does not know, its own rules); `reason` is its explanation. Nothing was refunded."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class PaymentProvider:
    code = ""

    def __init__(self, company, settings):
        self.company = company
        self.settings = settings

    def create_payment(
        self, *, amount, currency, description, idempotency_key, return_url, metadata
    ) -> ProviderPayment:
        raise NotImplementedError

    def cancel_payment(self, payment_id: str) -> None:
        raise NotImplementedError

    def create_refund(self, *, payment_id, amount, currency, idempotency_key, description) -> ProviderRefund:
        """Give `amount` of a succeeded payment back to the payer. The same idempotency key returns
        the same refund (never a second one). RefundRefused when the provider says no,
        ProviderUnavailable when it could not be asked."""
        raise NotImplementedError

    def parse_webhook(self, body: bytes, headers) -> WebhookEvent:
        """Verify the signature and read the notification; InvalidWebhook otherwise."""
        signature = headers.get(SIGNATURE_HEADER, "")
        if not signature or not hmac.compare_digest(signature, sign(self.settings.webhook_secret, body)):
            raise InvalidWebhook("bad signature")
        try:
            data = json.loads(body)
            obj = data["object"]
            event, payment_id = data["event"], str(obj["id"])
            amount = to_money(Decimal(str(obj["amount"]["value"])))
            status = str(obj["status"])
        except (ValueError, KeyError, TypeError, InvalidOperation):
            raise InvalidWebhook("malformed body") from None
        if event not in EVENTS or EVENTS[event] != status or not payment_id:
            raise InvalidWebhook("unknown event")
        return WebhookEvent(event=event, payment_id=payment_id, status=status, amount=amount)


def notification_body(payment_id: str, status: str, amount, currency: str, metadata: dict) -> bytes:
    """A webhook body in YooKassa's shape."""
    event = "payment.succeeded" if status == OnlinePaymentStatus.SUCCEEDED else "payment.canceled"
    return json.dumps(
        {
            "type": "notification",
            "event": event,
            "object": {
                "id": payment_id,
                "status": status,
                "paid": status == OnlinePaymentStatus.SUCCEEDED,
                "amount": {"value": str(to_money(amount)), "currency": currency},
                "metadata": metadata,
            },
        },
        sort_keys=True,
    ).encode()


class TestProvider(PaymentProvider):
    __test__ = False  # not a pytest class
    code = ProviderCode.TEST

    def create_payment(
        self, *, amount, currency, description, idempotency_key, return_url, metadata
    ) -> ProviderPayment:
        key = str(idempotency_key)
        try:
            with transaction.atomic():
                row, _created = TestProviderPayment.objects.get_or_create(
                    company=self.company,
                    idempotency_key=key,
                    defaults={
                        "chain_id": self.company.chain_id,
                        "payment_id": "test-" + secrets.token_hex(12),
                        "amount": to_money(amount),
                        "currency": currency,
                        "description": description[:255],
                        "return_url": return_url,
                        "metadata": metadata,
                    },
                )
        except IntegrityError:
            row = TestProviderPayment.objects.get(company=self.company, idempotency_key=key)
        url = reverse("payments:test_pay", kwargs={"payment_id": row.payment_id})
        return ProviderPayment(id=row.payment_id, status=row.status, amount=row.amount, confirmation_url=url)

    def cancel_payment(self, payment_id: str) -> None:
        TestProviderPayment.objects.filter(
            company=self.company, payment_id=payment_id, status=OnlinePaymentStatus.PENDING
        ).update(status=OnlinePaymentStatus.CANCELED)

    def create_refund(self, *, payment_id, amount, currency, idempotency_key, description) -> ProviderRefund:
        key, amount = str(idempotency_key), to_money(amount)
        with transaction.atomic():
            # The payment's row is the lock two refunds of it queue on, as at a real acquirer.
            payment = lock_first(TestProviderPayment.objects.filter(company=self.company, payment_id=payment_id))
            if payment is None:
                raise RefundRefused(_("The test provider has no such payment."))
            known = TestProviderRefund.objects.filter(company=self.company, idempotency_key=key).first()
            if known is not None:
                return ProviderRefund(id=known.refund_id, status=OnlineRefundStatus.SUCCEEDED, amount=known.amount)
            if payment.status != OnlinePaymentStatus.SUCCEEDED:
                raise RefundRefused(_("The payment was not paid, so there is nothing to refund."))
            if currency != payment.currency or amount <= 0:
                raise RefundRefused(_("The refund's amount or currency does not fit the payment."))
            refunded = sum((r.amount for r in payment.refunds.all()), Decimal(0))
            left = to_money(payment.amount - refunded)
            if amount > left:
                raise RefundRefused(_("Only %(left)s of the payment is left to refund.") % {"left": format_money(left)})
            row = TestProviderRefund.objects.create(
                company=self.company,
                chain_id=self.company.chain_id,
                refund_id="test-refund-" + secrets.token_hex(10),
                payment=payment,
                idempotency_key=key,
                amount=amount,
                description=str(description)[:255],
            )
        return ProviderRefund(id=row.refund_id, status=OnlineRefundStatus.SUCCEEDED, amount=row.amount)


class YooKassaProvider(PaymentProvider):
    """YooKassa's API v3 over HTTPS: Basic auth with the shop ID and the secret key, an
    Idempotence-Key on every creating request, a redirect confirmation. YooKassa does not sign
    its notifications; as its documentation says, one is trusted only when it comes from its
    published networks, and even then its status and amount are read back from the API, so a
    forged body changes nothing."""

    code = ProviderCode.YOOKASSA

    def _headers(self, idempotency_key=None) -> dict:
        headers = {"Authorization": http.basic_auth(self.settings.shop_id, self.settings.secret_key)}
        if idempotency_key is not None:
            headers["Idempotence-Key"] = str(idempotency_key)
        return headers

    def _read(self, response) -> ProviderPayment:
        try:
            data = response.json()
            return ProviderPayment(
                id=str(data["id"]),
                status=str(data["status"]),
                amount=to_money(Decimal(str(data["amount"]["value"]))),
                confirmation_url=str((data.get("confirmation") or {}).get("confirmation_url", "")),
            )
        except (http.HttpError, KeyError, TypeError, InvalidOperation) as error:
            raise ProviderUnavailable(f"unreadable answer: {error}") from None

    def create_payment(
        self, *, amount, currency, description, idempotency_key, return_url, metadata
    ) -> ProviderPayment:
        body = {
            "amount": {"value": str(to_money(amount)), "currency": currency},
            "capture": True,  # the money is taken at once: a prepayment, not a card hold
            "confirmation": {"type": "redirect", "return_url": return_url},
            "description": description[:128],
            "metadata": {key: str(value) for key, value in metadata.items()},
        }
        try:
            response = http.post(
                f"{django_settings.YOOKASSA_API_URL}/payments",
                json_body=body,
                headers=self._headers(idempotency_key),
                timeout=django_settings.PAYMENTS_HTTP_TIMEOUT,
            )
        except http.HttpError as error:
            raise ProviderUnavailable(f"{error} {error.body[:200]}") from None
        return self._read(response)

    def create_refund(self, *, payment_id, amount, currency, idempotency_key, description) -> ProviderRefund:
        body = {
            "payment_id": payment_id,
            "amount": {"value": str(to_money(amount)), "currency": currency},
            "description": str(description)[:250],
        }
        try:
            response = http.post(
                f"{django_settings.YOOKASSA_API_URL}/refunds",
                json_body=body,
                headers=self._headers(idempotency_key),
                timeout=django_settings.PAYMENTS_HTTP_TIMEOUT,
                accept_error_body=True,  # a 4xx says why YooKassa refuses; a 5xx or no answer raises
            )
        except http.HttpError as error:
            raise ProviderUnavailable(f"{error} {error.body[:200]}") from None
        try:
            data = response.json()
        except http.HttpError as error:
            raise ProviderUnavailable(f"unreadable answer: {error}") from None
        if response.status >= 400:
            reason = data.get("description") or data.get("code") if isinstance(data, dict) else ""
            raise RefundRefused(str(reason or f"HTTP {response.status}"))
        try:
            refund = ProviderRefund(
                id=str(data["id"]),
                status=str(data["status"]),
                amount=to_money(Decimal(str(data["amount"]["value"]))),
            )
        except (KeyError, TypeError, InvalidOperation) as error:
            raise ProviderUnavailable(f"unreadable answer: {error!r}") from None
        if refund.status == OnlineRefundStatus.CANCELED:
            details = data.get("cancellation_details") or {}
            raise RefundRefused(str(details.get("reason") or refund.status))
        if refund.status not in OnlineRefundStatus.values:
            raise ProviderUnavailable(f"unknown refund status {refund.status!r}")
        return refund

    def fetch_payment(self, payment_id: str) -> ProviderPayment:
        try:
            response = http.get(
                f"{django_settings.YOOKASSA_API_URL}/payments/{quote(payment_id, safe='')}",
                headers=self._headers(),
                timeout=django_settings.PAYMENTS_HTTP_TIMEOUT,
            )
        except http.HttpError as error:
            raise ProviderUnavailable(str(error)) from None
        return self._read(response)

    def cancel_payment(self, payment_id: str) -> None:
        # A captured-at-once payment that is still pending cannot be cancelled through the API
        # (only one waiting for capture can): it expires at YooKassa by itself. Money that still
        # arrives after the hold was released is kept and logged (visit.prepaid_after_release).
        return None

    def parse_webhook(self, body: bytes, headers) -> WebhookEvent:
        if not from_networks(headers.get("REMOTE_ADDR", ""), django_settings.YOOKASSA_WEBHOOK_NETWORKS):
            raise InvalidWebhook("not from YooKassa's networks")
        try:
            data = json.loads(body)
            event, payment_id = str(data["event"]), str(data["object"]["id"])
        except (ValueError, KeyError, TypeError):
            raise InvalidWebhook("malformed body") from None
        if event not in EVENTS or not payment_id:
            raise InvalidWebhook("unknown event")
        # The body only says where to look: the API says what happened.
        actual = self.fetch_payment(payment_id)
        if actual.id != payment_id or actual.status not in EVENTS.values():
            raise InvalidWebhook(f"the payment is {actual.status} at YooKassa")
        return WebhookEvent(event=event, payment_id=payment_id, status=actual.status, amount=actual.amount)


def from_networks(address: str, networks) -> bool:
    """Whether an IP address belongs to one of the networks (a bad address or entry: no)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    for network in networks:
        try:
            if ip in ipaddress.ip_network(network.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


PROVIDERS: dict[str, type[PaymentProvider]] = {ProviderCode.TEST: TestProvider, ProviderCode.YOOKASSA: YooKassaProvider}


def provider_for(company, settings) -> PaymentProvider | None:
    provider = PROVIDERS.get(settings.provider)
    return provider(company, settings) if provider else None
