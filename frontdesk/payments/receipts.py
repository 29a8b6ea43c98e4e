"""Receipts for the money a branch takes and gives back.

The receipt is written in the transaction that moves the money (the finance event
`finance.money_moved`), so it exists exactly when the money does — never lost with a rolled-back
checkout, never missing after a committed one. After the commit a task hands it to the
branch's register; the register answers the same external id with the same fiscal document,
so a retried delivery (a crashed worker, the `deliver_receipts` command) never prints twice.
The receipt is emailed once (a compare-and-set on `emailed_at`) when the client asked for it."""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from django.conf import settings as django_settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from frontdesk.core.money import to_money
from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.finance.models import PaymentMethod, SaleLine
from frontdesk.payments.fiscal import (
    FiscalRegisterError,
    ReceiptDocument,
    ReceiptLine,
    ReceiptPayment,
    register_for,
)
from frontdesk.payments.models import FiscalReceipt, FiscalSettings, ReceiptOperation, ReceiptStatus, Taxation, Vat
from frontdesk.scheduling.models import RecordService

log = logging.getLogger(__name__)

CENT = Decimal("0.01")
PAYMENT_TYPE = {
    PaymentMethod.CASH: "cash",
    PaymentMethod.CARD: "electronic",
    PaymentMethod.TRANSFER: "electronic",
    PaymentMethod.ONLINE: "electronic",
}


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` over lines in proportion to `weights`, in kopecks, so that the parts add up
    to the total exactly (the rounding remainder goes to the largest line)."""
    total = to_money(total)
    whole = sum(weights, Decimal(0))
    if not weights:
        return []
    if whole <= 0:
        return [total] + [Decimal("0.00")] * (len(weights) - 1)
    parts = [(total * w / whole).quantize(CENT, rounding="ROUND_DOWN") for w in weights]
    largest = max(range(len(weights)), key=lambda i: weights[i])
    parts[largest] += total - sum(parts, Decimal(0))
    return parts


def _lines(names_and_weights, total, *, vat, method, obj="service") -> list[ReceiptLine]:
    names = [n for n, _w in names_and_weights]
    sums = allocate(total, [w for _n, w in names_and_weights])
    return [
        ReceiptLine(
            name=name[:128], price=str(s), quantity="1", sum=str(s), vat=vat, payment_method=method, payment_object=obj
        )
        for name, s in zip(names, sums, strict=True)
        if s > 0
    ]


def _counted(name: str, quantity: Decimal, part: Decimal, *, vat, method) -> list[ReceiptLine]:
    """Receipt lines of goods: `quantity` units for `part` (the line's share of the money). A
    register checks price × quantity = sum to the kopeck, so when the share does not divide
    evenly, the last unit is a line of its own carrying the odd kopecks (3 for 100.00 → 2 × 33.33
    and 1 × 33.34). A fractional quantity that does not divide is one line at its whole sum."""
    shown = format(quantity.normalize(), "f")

    def line(price, count, total):
        return ReceiptLine(
            name=name[:128],
            price=str(price),
            quantity=count,
            sum=str(total),
            vat=vat,
            payment_method=method,
            payment_object="commodity",
        )

    unit = (part / quantity).quantize(CENT, rounding="ROUND_DOWN")
    if to_money(unit * quantity) == part:
        return [line(unit, shown, part)]
    if quantity == quantity.to_integral_value() and quantity > 1:
        rest = quantity - 1
        return [
            line(unit, format(rest.normalize(), "f"), to_money(unit * rest)),
            line(to_money(part - unit * rest), "1", to_money(part - unit * rest)),
        ]
    return [line(part, "1", part)]


def _sale_lines(lines, total, *, vat, method) -> list[ReceiptLine]:
    """The sale's lines on a receipt, `total` split over them by their sums: a service (and a
    certificate, an abonement) is one unit at the branch's VAT; goods keep their quantity, their
    own VAT and the payment object «commodity»."""
    sums = allocate(total, [line.amount for line in lines])
    items: list[ReceiptLine] = []
    for line, part in zip(lines, sums, strict=True):
        if part <= 0:
            continue
        if line.kind == "goods":
            items += _counted(line.title, line.quantity, part, vat=line.vat or vat, method=method)
        else:
            items += _lines([(line.title, part)], part, vat=vat, method=method)
    return items


def _payments(transactions) -> list[ReceiptPayment]:
    by_type: dict[str, Decimal] = {}
    for row in transactions:
        kind = PAYMENT_TYPE.get(row.method, "other")
        by_type[kind] = by_type.get(kind, Decimal(0)) + abs(row.amount)
    return [ReceiptPayment(type=kind, sum=str(to_money(amount))) for kind, amount in by_type.items()]


def _cashier(transactions) -> str:
    user = next((row.created_by for row in transactions if row.created_by_id), None)
    if user is None:
        return ""
    return (user.get_full_name() if hasattr(user, "get_full_name") else "") or user.get_username()


def sale_document(
    sale, transactions, *, operation: str, kind: str, fiscal: FiscalSettings, email=""
) -> ReceiptDocument:
    """The 54-FZ receipt for money taken or given back on a sale.

    - checkout: the sale's lines at their sold sums; what was not paid is a credit (the debt),
      the lines then say «partial payment» instead of «full payment»;
    - debt: what was paid, spread over the lines, as «payment of a credit»;
    - refund: what was given back, spread over the lines, by the methods it was paid with."""
    lines = list(SaleLine.objects.filter(sale=sale).order_by("position", "id"))
    moved = to_money(sum((abs(row.amount) for row in transactions), Decimal(0)))
    payments = _payments(transactions)
    if kind == "checkout":
        total = sale.total
        # Whatever the sale had before this operation is an advance paid earlier (an online
        # prepayment with its own receipt): this receipt counts it as «prepaid».
        # At most what the sale costs: an advance larger than the sale keeps its rest as an advance
        # (refunded later with its own refund receipt, `advance_refund_receipt`).
        advance = min(to_money(sale.paid - moved), to_money(total - moved))
        if advance > 0:
            payments.append(ReceiptPayment(type="prepaid", sum=str(advance)))
        credit = to_money(total - moved - max(advance, Decimal(0)))
        method = "full_payment" if credit <= 0 else "partial_payment"
        if credit > 0:
            payments.append(ReceiptPayment(type="credit", sum=str(credit)))
    elif kind == "debt":
        total, method = moved, "credit_payment"
    elif kind == "counter" and lines and all(line.kind in ("certificate", "abonement") for line in lines):
        # A gift certificate or an abonement is paid for services to come: 54-FZ calls it an advance.
        total, method = moved, "advance"
    else:
        total, method = moved, "full_payment"
    client = sale.client
    return ReceiptDocument(
        operation=operation,
        external_id="",
        taxation=fiscal.taxation,
        items=_sale_lines(lines, total, vat=fiscal.vat, method=method),
        payments=payments,
        total=str(to_money(total)),
        inn=fiscal.inn,
        payment_address=fiscal.payment_address or sale.company.address,
        customer_email=email,
        customer_phone=getattr(client, "phone", "") or "",
        customer_name=getattr(client, "name", "") or "",
        cashier=_cashier(transactions),
        cashier_inn=fiscal.cashier_inn,
        extra={"sale": sale.pk, "kind": kind},
    )


def write_receipt(company, document: ReceiptDocument, *, total, fiscal, transactions=(), **links) -> FiscalReceipt:
    """Save the receipt (to be sent after the commit) in the caller's transaction."""
    receipt = FiscalReceipt(
        company=company,
        chain_id=company.chain_id,
        operation=document.operation,
        driver=fiscal.driver,
        total=to_money(total),
        email=document.customer_email,
        document={},
        **links,
    )
    document.external_id = str(receipt.external_id)
    receipt.document = document.as_json()
    receipt.save()
    if transactions:
        receipt.transactions.set(transactions)
    receipt_id = receipt.pk
    transaction.on_commit(lambda: enqueue_delivery(receipt_id))
    return receipt


def receipt_for_money(sale, transactions, operation, kind, receipt_email):
    """Listens to `finance.money_moved`, in its transaction: one receipt for each operation that
    moved money."""
    fiscal = FiscalSettings.for_company(sale.company)
    if register_for(sale.company, fiscal) is None:
        return None
    document = sale_document(sale, transactions, operation=operation, kind=kind, fiscal=fiscal, email=receipt_email)
    return write_receipt(
        sale.company, document, total=document.total, fiscal=fiscal, transactions=transactions, sale=sale
    )


def enqueue_delivery(receipt_id: int) -> None:
    from frontdesk.payments.tasks import deliver_receipt_task  # inside: tasks imports this module

    try:
        deliver_receipt_task.enqueue(receipt_id)
    except Exception:  # the receipt stays pending; `deliver_receipts` picks it up
        log.exception("Could not enqueue the delivery of receipt %s", receipt_id)


def deliver_receipt(receipt_id: int) -> FiscalReceipt:
    """Hand a pending receipt to its register and keep the answer; then email it if asked.
    Safe to run twice or concurrently: the register is idempotent on the external id."""
    with scopes_disabled():
        receipt = FiscalReceipt.unscoped.select_related("company").get(pk=receipt_id)
    with scope(receipt.chain_id):
        if receipt.status != ReceiptStatus.DONE:
            fiscal = FiscalSettings.for_company(receipt.company)
            register = register_for(receipt.company, fiscal)
            FiscalReceipt.objects.filter(pk=receipt.pk).update(attempts=F("attempts") + 1)
            try:
                if register is None or register.code != receipt.driver:
                    raise FiscalRegisterError("The branch's register was changed; the receipt was not sent.")
                answer = register.register(ReceiptDocument.from_json(receipt.document))
            except FiscalRegisterError as error:
                FiscalReceipt.objects.filter(pk=receipt.pk).exclude(status=ReceiptStatus.DONE).update(
                    status=ReceiptStatus.FAILED, error=str(error)[:255]
                )
            else:
                FiscalReceipt.objects.filter(pk=receipt.pk).update(
                    status=ReceiptStatus.DONE,
                    error="",
                    fiscal_document_number=answer.fiscal_document_number,
                    fiscal_sign=answer.fiscal_sign,
                    fn_number=answer.fn_number,
                    shift_number=answer.shift_number,
                    number_in_shift=answer.number_in_shift,
                    registered_at=answer.registered_at,
                )
            receipt.refresh_from_db()
        if receipt.status == ReceiptStatus.DONE and receipt.email and receipt.emailed_at is None:
            email_receipt(receipt)
    return receipt


def email_receipt(receipt: FiscalReceipt, to: str | None = None, *, again: bool = False) -> bool:
    """Send a registered receipt by email. Without `again`, only the first caller sends it (the
    compare-and-set on `emailed_at`); a failed send releases the mark for a retry."""
    to = to or receipt.email
    if not to or receipt.status != ReceiptStatus.DONE:
        return False
    now = timezone.now()
    claimed = FiscalReceipt.objects.filter(pk=receipt.pk)
    if not again:
        claimed = claimed.filter(emailed_at__isnull=True)
    if not claimed.update(emailed_at=now, email=to):
        return False
    receipt.refresh_from_db()
    with translation.override(django_settings.LANGUAGE_CODE):
        context = receipt_context(receipt)
        subject = _("Receipt from %(branch)s") % {"branch": receipt.company.name}
        body = render_to_string("payments/receipt_email.txt", context)
    try:
        send_mail(subject, body, None, [to])
    except Exception:
        FiscalReceipt.objects.filter(pk=receipt.pk, emailed_at=now).update(emailed_at=None)
        log.exception("Could not email receipt %s", receipt.pk)
        return False
    return True


def receipt_context(receipt: FiscalReceipt) -> dict:
    document = {"items": [], "payments": [], "taxation": "", **(receipt.document or {})}
    vats = dict(_vat_choices())
    rates = {item["vat"] for item in document["items"]}
    return {
        "receipt": receipt,
        "document": document,
        "company": receipt.company,
        "is_refund": receipt.operation == ReceiptOperation.SELL_REFUND,
        "payment_labels": payment_type_labels(),
        "payments": [
            {"label": payment_type_labels().get(p["type"], p["type"]), "sum": p["sum"]} for p in document["payments"]
        ],
        "method_labels": payment_method_labels(),
        "items": [
            {
                **item,
                "method_label": payment_method_labels().get(item["payment_method"], item["payment_method"]),
                "vat_label": vats.get(item["vat"], item["vat"]),
            }
            for item in document["items"]
        ],
        # One rate for the whole receipt when every line has it (goods may carry their own).
        "vat_label": vats.get(document["items"][0]["vat"], "") if len(rates) == 1 else "",
        "taxation_label": dict(_taxation_choices()).get(document["taxation"], document["taxation"]),
    }


def _vat_choices():
    return Vat.choices


def _taxation_choices():
    return Taxation.choices


def payment_type_labels() -> dict:
    return {
        "cash": _("Cash"),
        "electronic": _("Electronic"),
        "prepaid": _("Prepayment (advance)"),
        "credit": _("Credit (paid later)"),
        "other": _("Other"),
    }


def payment_method_labels() -> dict:
    return {
        "full_prepayment": _("Full prepayment"),
        "prepayment": _("Partial prepayment"),
        "advance": _("Advance"),
        "full_payment": _("Full payment"),
        "partial_payment": _("Partial payment and credit"),
        "credit": _("Transfer on credit"),
        "credit_payment": _("Payment of a credit"),
    }


def deliver_waiting(older_than_seconds: int = 60) -> int:
    """Deliver every receipt still waiting (a worker died, the register was down). Returns how
    many were tried."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    with scopes_disabled():
        ids = list(
            FiscalReceipt.unscoped.filter(
                status__in=[ReceiptStatus.PENDING, ReceiptStatus.FAILED], created_at__lte=cutoff
            ).values_list("pk", flat=True)
        )
    for receipt_id in ids:
        deliver_receipt(receipt_id)
    return len(ids)


def _advance_document(payment, amount: Decimal, fiscal: FiscalSettings, *, operation: str, kind: str):
    """The 54-FZ receipt of an online prepayment's money: the booked services, paid (or given
    back) in advance by card. A refund uses the same lines and the same «prepayment» attribute as
    the receipt it reverses, for the part given back."""
    lines = RecordService.objects.filter(record__visit=payment.visit).select_related("service")
    weights = [(line.service.title, line.price) for line in lines]
    full = sum((w for _n, w in weights), Decimal(0))
    method = "full_prepayment" if to_money(full) == payment.amount else "prepayment"
    client = payment.visit.client
    return ReceiptDocument(
        operation=operation,
        external_id="",
        taxation=fiscal.taxation,
        items=_lines(weights, amount, vat=fiscal.vat, method=method),
        payments=[ReceiptPayment(type="electronic", sum=str(to_money(amount)))],
        total=str(to_money(amount)),
        inn=fiscal.inn,
        payment_address=fiscal.payment_address or payment.company.address,
        customer_email=getattr(client, "email", "") or "",
        customer_phone=getattr(client, "phone", "") or "",
        customer_name=getattr(client, "name", "") or "",
        extra={"visit": payment.visit_id, "kind": kind},
    )


def prepayment_receipt(payment, row, fiscal: FiscalSettings) -> FiscalReceipt | None:
    """The receipt of an online prepayment: the booked services, paid in advance by card."""
    if register_for(payment.company, fiscal) is None:
        return None
    document = _advance_document(payment, payment.amount, fiscal, operation=ReceiptOperation.SELL, kind="prepayment")
    return write_receipt(
        payment.company, document, total=payment.amount, fiscal=fiscal, transactions=[row], online_payment=payment
    )


def advance_refund_receipt(payment, row, fiscal: FiscalSettings) -> FiscalReceipt | None:
    """The refund receipt («возврат прихода») of money of an online prepayment given back before
    it paid for a service: a cancelled visit's advance, or the rest of one larger than its sale.
    `row` is the refund transaction (a negative amount)."""
    if register_for(payment.company, fiscal) is None:
        return None
    amount = to_money(-row.amount)
    document = _advance_document(
        payment, amount, fiscal, operation=ReceiptOperation.SELL_REFUND, kind="prepayment_refund"
    )
    document.cashier = _cashier([row])
    document.cashier_inn = fiscal.cashier_inn
    return write_receipt(
        payment.company, document, total=amount, fiscal=fiscal, transactions=[row], online_payment=payment
    )


def sale_receipts(sale) -> list[FiscalReceipt]:
    """The receipts of a sale, oldest first, for the sale's page."""
    return list(FiscalReceipt.objects.filter(sale=sale).order_by("created_at", "id"))
