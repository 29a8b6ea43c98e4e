"""The fiscal register interface, shaped like the online cash desks' APIs (ATOL Online, Evotor,
ModulKassa): sell, sell_refund, open_shift, close_shift, each keyed by an external id so that a
repeated request returns the first answer instead of a second receipt.

A receipt document carries the 54-FZ fields: lines (name, price, quantity, sum, VAT rate,
payment object, payment method), payments by type (cash, electronic, prepaid, credit), the
taxation system, the customer's email or phone, the cashier, the seller's INN and place of
settlement. A real driver sends it over the network; the built-in test driver fiscalises it in
the database (TestRegisterDocument) and answers with fiscal attributes of the same shape."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from frontdesk.core.locking import lock_first
from frontdesk.core.money import to_money
from frontdesk.payments.models import FiscalDriver, FiscalShift, TestRegisterDocument

# Payment object (tag 1212) and payment method (tag 1214) values, in the cash desks' spelling.
PAYMENT_OBJECTS = ("service", "commodity", "payment", "another")
PAYMENT_METHODS = (
    "full_prepayment",
    "prepayment",
    "advance",
    "full_payment",
    "partial_payment",
    "credit",
    "credit_payment",
)
# Payment types (tag 1031/1081/1215/1216/1217): cash, electronic, prepaid (an earlier advance
# counted against this receipt), credit (paid later), other.
PAYMENT_TYPES = ("cash", "electronic", "prepaid", "credit", "other")


@dataclass
class ReceiptLine:
    name: str
    price: str
    quantity: str
    sum: str
    vat: str
    payment_object: str = "service"
    payment_method: str = "full_payment"


@dataclass
class ReceiptPayment:
    type: str
    sum: str


@dataclass
class ReceiptDocument:
    operation: str  # sell | sell_refund
    external_id: str
    taxation: str
    items: list[ReceiptLine]
    payments: list[ReceiptPayment]
    total: str
    inn: str = ""
    payment_address: str = ""
    customer_email: str = ""
    customer_phone: str = ""
    customer_name: str = ""
    cashier: str = ""
    cashier_inn: str = ""
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> ReceiptDocument:
        data = dict(data)
        data["items"] = [ReceiptLine(**line) for line in data["items"]]
        data["payments"] = [ReceiptPayment(**payment) for payment in data["payments"]]
        return cls(**data)


@dataclass
class FiscalAnswer:
    fiscal_document_number: str
    fiscal_sign: str
    fn_number: str
    shift_number: int
    number_in_shift: int
    registered_at: object


class FiscalRegisterError(Exception):
    """The register refused or could not be reached; the receipt stays to be retried."""


def check_document(document: ReceiptDocument) -> None:
    """What every register refuses: lines that do not add up, payments that do not cover the
    total, unknown attribute values. Checked before anything is sent."""
    lines_total = sum((Decimal(line.sum) for line in document.items), Decimal(0))
    paid_total = sum((Decimal(p.sum) for p in document.payments), Decimal(0))
    if not document.items or lines_total != Decimal(document.total) or paid_total != Decimal(document.total):
        raise FiscalRegisterError("The lines and payments do not add up to the total.")
    for line in document.items:
        if to_money(Decimal(line.price) * Decimal(line.quantity)) != Decimal(line.sum):
            raise FiscalRegisterError(f"Line {line.name!r}: price × quantity is not the sum.")
        if line.payment_object not in PAYMENT_OBJECTS or line.payment_method not in PAYMENT_METHODS:
            raise FiscalRegisterError(f"Line {line.name!r}: unknown payment object or method.")
    if any(p.type not in PAYMENT_TYPES for p in document.payments):
        raise FiscalRegisterError("Unknown payment type.")


class FiscalRegister:
    """One branch's register. Drivers implement the four operations; `sell` and `sell_refund`
    must return the first answer again for an external id they have already fiscalised."""

    code = ""

    def __init__(self, company, settings):
        self.company = company
        self.settings = settings

    def sell(self, document: ReceiptDocument) -> FiscalAnswer:
        raise NotImplementedError

    def sell_refund(self, document: ReceiptDocument) -> FiscalAnswer:
        raise NotImplementedError

    def open_shift(self, cashier: str = "") -> FiscalShift:
        raise NotImplementedError

    def close_shift(self, cashier: str = "") -> FiscalShift:
        raise NotImplementedError

    def register(self, document: ReceiptDocument) -> FiscalAnswer:
        if document.operation == "sell_refund":
            return self.sell_refund(document)
        return self.sell(document)


class TestRegister(FiscalRegister):
    __test__ = False  # not a pytest class
    """The built-in test register: fiscalises in the database, opens a shift by itself when a
    receipt comes and none is open (as the online cash desks do)."""

    code = FiscalDriver.TEST

    @property
    def fn_number(self) -> str:
        return f"99990789{self.company.pk:08d}"[-16:]

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

    def close_shift(self, cashier: str = "") -> FiscalShift:
        with transaction.atomic():
            shift = lock_first(FiscalShift.objects.filter(pk=getattr(self._open(), "pk", None)))
            if shift is None:
                return None
            docs = TestRegisterDocument.objects.filter(company=self.company, shift_number=shift.number)
            report = {}
            for operation in ("sell", "sell_refund"):
                rows = [d for d in docs if d.operation == operation]
                report[operation] = {
                    "count": len(rows),
                    "total": str(sum((Decimal(d.payload["total"]) for d in rows), Decimal(0))),
                }
            shift.closed_at = timezone.now()
            shift.receipts_count = len(docs)
            shift.report = report
            shift.save(update_fields=["closed_at", "receipts_count", "report"])
            return shift

    def _fiscalise(self, document: ReceiptDocument) -> FiscalAnswer:
        check_document(document)
        try:
            with transaction.atomic():
                known = TestRegisterDocument.objects.filter(external_id=document.external_id).first()
                if known is None:
                    shift = self.open_shift(document.cashier)
                    number = (
                        TestRegisterDocument.objects.filter(company=self.company).aggregate(
                            n=Max("fiscal_document_number")
                        )["n"]
                        or 0
                    ) + 1
                    in_shift = (
                        TestRegisterDocument.objects.filter(company=self.company, shift_number=shift.number).count() + 1
                    )
                    sign = hashlib.sha256(f"{self.fn_number}:{number}:{document.external_id}".encode()).hexdigest()
                    known = TestRegisterDocument.objects.create(
                        company=self.company,
                        external_id=document.external_id,
                        operation=document.operation,
                        shift_number=shift.number,
                        number_in_shift=in_shift,
                        fiscal_document_number=number,
                        fiscal_sign=str(int(sign[:12], 16))[-10:],
                        fn_number=self.fn_number,
                        payload=document.as_json(),
                        registered_at=timezone.now(),
                    )
        except IntegrityError:
            # A racing retry of the same receipt fiscalised it first: answer with its result.
            known = TestRegisterDocument.objects.get(external_id=document.external_id)
        return FiscalAnswer(
            fiscal_document_number=str(known.fiscal_document_number),
            fiscal_sign=known.fiscal_sign,
            fn_number=known.fn_number,
            shift_number=known.shift_number,
            number_in_shift=known.number_in_shift,
            registered_at=known.registered_at,
        )

    def sell(self, document: ReceiptDocument) -> FiscalAnswer:
        return self._fiscalise(document)

    def sell_refund(self, document: ReceiptDocument) -> FiscalAnswer:
        return self._fiscalise(document)


DRIVERS: dict[str, type[FiscalRegister]] = {FiscalDriver.TEST: TestRegister}


def register_for(company, settings) -> FiscalRegister | None:
    """The branch's configured register, or None when it prints no receipts."""
    driver = DRIVERS.get(settings.driver)
    return driver(company, settings) if driver else None
