"""ATOL Online (API v5) behind the fiscal register interface.

A receipt is sent once per external id (ATOL refuses a second document with the same id and
names the first one's uuid, which is then read instead); the register works asynchronously, so
its report is read a few times, and a receipt still waiting is left for a retry. The token
(valid for a day) is kept in the cache and asked for again when ATOL says it has expired.
ATOL's cloud registers open and close their shifts themselves; the shift kept here is the
branch's own bookkeeping of what was printed between opening and closing."""

from __future__ import annotations

import datetime
import logging
import time
from decimal import Decimal

from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from frontdesk.core import http
from frontdesk.core.locking import lock_first
from frontdesk.payments.fiscal import (
    DRIVERS,
    FiscalAnswer,
    FiscalRegister,
    FiscalRegisterError,
    ReceiptDocument,
    check_document,
)
from frontdesk.payments.models import FiscalDriver, FiscalReceipt, FiscalShift, ReceiptStatus

log = logging.getLogger(__name__)

# 54-FZ attribute values in API v5's numeric spelling (FFD 1.2).
PAYMENT_OBJECTS = {"commodity": 1, "service": 4, "payment": 10, "another": 13}
PAYMENT_TYPES = {"cash": 0, "electronic": 1, "prepaid": 2, "credit": 3, "other": 4}
MEASURE_PIECES = 0
TOKEN_EXPIRED = (11, 12, 13)  # the token is missing, wrong or expired: ask for a new one
TOKEN_SECONDS = 23 * 3600


def _number(value) -> float:
    return float(Decimal(str(value)))


class AtolRegister(FiscalRegister):
    code = FiscalDriver.ATOL

    @property
    def _base(self) -> str:
        return django_settings.ATOL_API_URL.rstrip("/")

    def _cache_key(self) -> str:
        return f"atol-token:{self.company.pk}:{self.settings.atol_login}"

    def _token(self, fresh: bool = False) -> str:
        key = self._cache_key()
        token = None if fresh else cache.get(key)
        if token:
            return token
        try:
            answer = http.post(
                f"{self._base}/getToken",
                json_body={"login": self.settings.atol_login, "pass": self.settings.atol_password},
                timeout=django_settings.PAYMENTS_HTTP_TIMEOUT,
                accept_error_body=True,
            ).json()
        except http.HttpError as error:
            raise FiscalRegisterError(f"ATOL Online cannot be reached: {error}") from None
        token = answer.get("token") if isinstance(answer, dict) else None
        if not token:
            raise FiscalRegisterError(f"ATOL Online refused the login: {self._error_text(answer)}")
        cache.set(key, token, TOKEN_SECONDS)
        return token

    @staticmethod
    def _error_text(answer) -> str:
        error = (answer or {}).get("error") if isinstance(answer, dict) else None
        if isinstance(error, dict):
            return f"{error.get('code', '')} {error.get('text', '')}".strip()
        return str(error or answer)[:200]

    @staticmethod
    def _error_code(answer):
        error = answer.get("error") if isinstance(answer, dict) else None
        return error.get("code") if isinstance(error, dict) else None

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        """One authorised call; a token ATOL no longer accepts is renewed once."""
        for fresh in (False, True):
            headers = {"Token": self._token(fresh)}
            try:
                if method == "POST":
                    response = http.post(
                        f"{self._base}/{path}",
                        json_body=body,
                        headers=headers,
                        timeout=django_settings.PAYMENTS_HTTP_TIMEOUT,
                        accept_error_body=True,
                    )
                else:
                    response = http.get(
                        f"{self._base}/{path}",
                        headers=headers,
                        timeout=django_settings.PAYMENTS_HTTP_TIMEOUT,
                        accept_error_body=True,
                    )
                answer = response.json()
            except http.HttpError as error:
                raise FiscalRegisterError(f"ATOL Online cannot be reached: {error}") from None
            if not isinstance(answer, dict):
                raise FiscalRegisterError("ATOL Online answered something unreadable.")
            if response.status == 401 or self._error_code(answer) in TOKEN_EXPIRED:
                cache.delete(self._cache_key())
                continue
            return answer
        raise FiscalRegisterError(f"ATOL Online refused the token: {self._error_text(answer)}")

    def payload(self, document: ReceiptDocument) -> dict:
        """The document in API v5's shape (amounts as numbers, attributes as ATOL codes)."""
        client = {}
        if document.customer_email:
            client["email"] = document.customer_email
        elif document.customer_phone:
            client["phone"] = document.customer_phone
        else:
            client["email"] = self.settings.seller_email  # ATOL needs a contact: the seller's own
        if document.customer_name:
            client["name"] = document.customer_name[:256]
        receipt = {
            "client": client,
            "company": {
                "email": self.settings.seller_email,
                "sno": document.taxation,
                "inn": document.inn or self.settings.inn,
                "payment_address": document.payment_address or self.settings.payment_address,
            },
            "items": [
                {
                    "name": line.name[:128],
                    "price": _number(line.price),
                    "quantity": _number(line.quantity),
                    "measure": MEASURE_PIECES,
                    "sum": _number(line.sum),
                    "payment_method": line.payment_method,
                    "payment_object": PAYMENT_OBJECTS[line.payment_object],
                    "vat": {"type": line.vat},
                }
                for line in document.items
            ],
            "payments": [{"type": PAYMENT_TYPES[p.type], "sum": _number(p.sum)} for p in document.payments],
            "total": _number(document.total),
        }
        if document.cashier:
            receipt["cashier"] = document.cashier[:64]
        if document.cashier_inn:
            receipt["cashier_inn"] = document.cashier_inn
        return {
            "external_id": document.external_id,
            "timestamp": timezone.now().astimezone(self.company.tz).strftime("%d.%m.%Y %H:%M:%S"),
            "receipt": receipt,
        }

    def _register(self, document: ReceiptDocument) -> FiscalAnswer:
        check_document(document)
        operation = "sell_refund" if document.operation == "sell_refund" else "sell"
        answer = self._call("POST", f"{self.settings.atol_group_code}/{operation}", self.payload(document))
        uuid = answer.get("uuid")
        if not uuid:
            raise FiscalRegisterError(f"ATOL Online refused the receipt: {self._error_text(answer)}")
        # A second request with the same external id is refused with the first one's uuid:
        # reading that uuid's report gives the first answer, as the interface promises.
        return self._report(uuid)

    def _report(self, uuid: str) -> FiscalAnswer:
        polls = max(django_settings.ATOL_REPORT_POLLS, 1)
        for attempt in range(polls):
            answer = self._call("GET", f"{self.settings.atol_group_code}/report/{uuid}")
            status = answer.get("status")
            if status == "done" and answer.get("payload"):
                return self._answer(answer["payload"])
            if status == "fail":
                raise FiscalRegisterError(f"ATOL Online refused the receipt: {self._error_text(answer)}")
            if attempt + 1 < polls:
                time.sleep(django_settings.ATOL_REPORT_DELAY_MS / 1000)
        raise FiscalRegisterError("ATOL Online has not registered the receipt yet; it will be checked again.")

    def _answer(self, payload: dict) -> FiscalAnswer:
        try:
            registered = datetime.datetime.strptime(payload["receipt_datetime"], "%d.%m.%Y %H:%M:%S").replace(
                tzinfo=self.company.tz
            )
        except (KeyError, TypeError, ValueError):
            registered = timezone.now()
        return FiscalAnswer(
            fiscal_document_number=str(payload.get("fiscal_document_number", "")),
            fiscal_sign=str(payload.get("fiscal_document_attribute", "")),
            fn_number=str(payload.get("fn_number", "")),
            shift_number=int(payload.get("shift_number") or 0),
            number_in_shift=int(payload.get("fiscal_receipt_number") or 0),
            registered_at=registered,
        )

    def sell(self, document: ReceiptDocument) -> FiscalAnswer:
        return self._register(document)

    def sell_refund(self, document: ReceiptDocument) -> FiscalAnswer:
        return self._register(document)

    def _open(self) -> FiscalShift | None:
        return FiscalShift.objects.filter(company=self.company, driver=self.code, closed_at__isnull=True).first()

    def open_shift(self, cashier: str = "") -> FiscalShift:
        with transaction.atomic():
            shift = self._open()
            if shift is not None:
                return shift
            last = FiscalShift.objects.filter(company=self.company, driver=self.code).aggregate(n=Max("number"))["n"]
            return FiscalShift.objects.create(
                company=self.company, driver=self.code, number=(last or 0) + 1, opened_at=timezone.now()
            )

    def close_shift(self, cashier: str = "") -> FiscalShift | None:
        with transaction.atomic():
            shift = lock_first(FiscalShift.objects.filter(pk=getattr(self._open(), "pk", None)))
            if shift is None:
                return None
            printed = FiscalReceipt.objects.filter(
                company=self.company, driver=self.code, status=ReceiptStatus.DONE, registered_at__gte=shift.opened_at
            )
            report = {}
            for operation in ("sell", "sell_refund"):
                rows = [r for r in printed if r.operation == operation]
                report[operation] = {"count": len(rows), "total": str(sum((r.total for r in rows), Decimal(0)))}
            shift.closed_at = timezone.now()
            shift.receipts_count = sum(item["count"] for item in report.values())
            shift.report = report
            shift.save(update_fields=["closed_at", "receipts_count", "report"])
            return shift


DRIVERS[FiscalDriver.ATOL] = AtolRegister
