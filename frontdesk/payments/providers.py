"""The payment-provider interface, shaped like YooKassa's API: create a payment with an
idempotency key (the same key returns the same payment), send the payer to its confirmation URL,
learn the outcome from a signed webhook (payment.succeeded / payment.canceled), cancel a
payment still waiting.

The built-in test provider keeps its payments in the database (TestProviderPayment), shows its
own confirmation page inside the product, and notifies the webhook with a body signed by the
branch's webhook secret, exactly as the webhook view receives it."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.urls import reverse

from frontdesk.core.money import to_money
from frontdesk.payments.models import OnlinePaymentStatus, ProviderCode, TestProviderPayment

SIGNATURE_HEADER = "HTTP_X_FRONTDESK_SIGNATURE"
EVENTS = {"payment.succeeded": OnlinePaymentStatus.SUCCEEDED, "payment.canceled": OnlinePaymentStatus.CANCELED}


@dataclass
class ProviderPayment:
    id: str
    status: str
    amount: Decimal
    confirmation_url: str


@dataclass
class WebhookEvent:
    event: str
    payment_id: str
    status: str
    amount: Decimal


class InvalidWebhook(Exception):
    """A webhook body that is not signed by the provider, or not a notification we understand."""


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


PROVIDERS: dict[str, type[PaymentProvider]] = {ProviderCode.TEST: TestProvider}


def provider_for(company, settings) -> PaymentProvider | None:
    provider = PROVIDERS.get(settings.provider)
    return provider(company, settings) if provider else None
