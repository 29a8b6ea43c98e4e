"""Online prepayments that no checkout will count: «Prepayments to settle».

Money paid online for a visit normally waits on the bank account until the visit is checked out
(`attach_advances`). Some of it never gets there:
- the booking was cancelled (by the administrator, by the client) or the client did not come;
- the money arrived after the unpaid hold had been released (its records are cancelled);
- it arrived after the visit was already checked out without it;
- it was larger than the sale (a discount given after prepaying): the sale is paid with money to
  spare, and that rest is the client's.
`settle_list` finds them for a branch, `offer_for` tells one payment's page what is refundable,
and `refund_prepayment` gives the money back through the payment's provider, with the reversing
ledger row (method «online», on the same account and item, `reverses` the original) and the
refund receipt of the advance. A visit that is still booked keeps its advance for its checkout:
nothing here touches it — unless part of the advance was given back while the visit was
cancelled, then the rest stays here and the checkout takes the full price."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from frontdesk.core.audit import log_action
from frontdesk.core.locking import lock_first, lock_row
from frontdesk.core.models import Event
from frontdesk.core.money import MoneyField, MoneySum, to_money
from frontdesk.finance.checkout import resettle_sale
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.models import Sale, Transaction
from frontdesk.finance.services import ZERO, lock_accounts, parse_amount, post_transaction
from frontdesk.payments.models import FiscalSettings, OnlinePayment, OnlinePaymentStatus, PaymentSettings
from frontdesk.payments.online import give_back_online
from frontdesk.payments.providers import provider_for
from frontdesk.payments.receipts import advance_refund_receipt
from frontdesk.scheduling.models import Record, RecordStatus, Visit


class Reason:
    """Why an advance is to be settled (what the list says)."""

    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    RELEASED = "released"
    CHECKED_OUT = "checked_out"  # arrived after a checkout that did not count it
    SURPLUS = "surplus"  # larger than its sale
    PARTLY_REFUNDED = "partly_refunded"  # the visit is booked again after part was given back


@dataclass
class Offer:
    """An advance the back office may give back now."""

    payment: OnlinePayment
    reason: str
    paid: Decimal  # the payment's amount
    refunded: Decimal  # given back of it so far
    refundable: Decimal  # what may be given back now
    start: object = None  # the visit's first record
    client: object = None

    @property
    def visit_id(self) -> int:
        return self.payment.visit_id


def _refunded_of(original_id) -> Subquery:
    return Subquery(
        Transaction.objects.filter(reverses_id=original_id)
        .order_by()
        .values("reverses_id")
        .annotate(s=MoneySum("amount"))
        .values("s")[:1],
        output_field=MoneyField(),
    )


def _candidates(payments):
    """The succeeded payments of `payments` that are not (or not all) owed to a visit's checkout,
    each annotated with what was given back of it (negative) and its visit's first start."""
    live = Record.objects.filter(visit_id=OuterRef("visit_id")).exclude(status__in=RecordStatus.LOST)
    first_start = Record.objects.filter(visit_id=OuterRef("visit_id")).order_by("start").values("start")[:1]
    return (
        payments.filter(status=OnlinePaymentStatus.SUCCEEDED, transaction__isnull=False)
        .annotate(
            back=Coalesce(_refunded_of(OuterRef("transaction_id")), Value(ZERO), output_field=MoneyField()),
            has_live=Exists(live),
            has_sale=Exists(Sale.objects.filter(visit_id=OuterRef("visit_id"))),
            first_start=Subquery(first_start),
        )
        .filter(
            # Not on a sale: the visit will not be checked out, or was checked out without it, or
            # part of it was given back already (then no checkout counts it: `attach_advances`).
            Q(transaction__sale__isnull=True) & (Q(has_live=False) | Q(has_sale=True) | Q(back__lt=0))
            # On a sale that it paid more than the sale's total.
            | Q(transaction__sale__isnull=False, transaction__sale__paid__gt=F("transaction__sale__total"))
        )
        .filter(transaction__amount__gt=-F("back"))
    )


def _offers(rows) -> list[Offer]:
    rows = list(rows)
    released = set()
    if rows:
        released = {
            int(pk)
            for pk in Event.objects.filter(
                code="visit.prepaid_after_release", object_id__in=[str(r.visit_id) for r in rows]
            ).values_list("object_id", flat=True)
        }
    no_show = set()
    if rows:
        no_show = set(
            Record.objects.filter(visit_id__in=[r.visit_id for r in rows], status=RecordStatus.NO_SHOW).values_list(
                "visit_id", flat=True
            )
        )
    offers = []
    for row in rows:
        original = row.transaction
        left = to_money(original.amount + row.back)
        if original.sale_id is not None:
            sale = original.sale
            left = min(left, to_money(sale.paid - sale.total))
            reason = Reason.SURPLUS
        elif row.has_sale:
            reason = Reason.CHECKED_OUT
        elif row.has_live:
            reason = Reason.PARTLY_REFUNDED
        elif row.visit_id in released:
            reason = Reason.RELEASED
        elif row.visit_id in no_show:
            reason = Reason.NO_SHOW
        else:
            reason = Reason.CANCELLED
        if left <= 0:
            continue
        offers.append(
            Offer(
                payment=row,
                reason=reason,
                paid=to_money(original.amount),
                refunded=to_money(-row.back),
                refundable=left,
                start=row.first_start,
                client=row.visit.client,
            )
        )
    return offers


def _base(company):
    return OnlinePayment.objects.filter(company=company).select_related(
        "transaction__sale", "transaction__account", "visit__client"
    )


def settle_list(company) -> list[Offer]:
    """Every advance of the branch with money to give back, oldest visit first. Four queries."""
    return _offers(_candidates(_base(company)).order_by("first_start", "id"))


def offers_for_visits(company, visit_ids) -> list[Offer]:
    if not visit_ids:
        return []
    return _offers(_candidates(_base(company).filter(visit_id__in=list(visit_ids))).order_by("id"))


def offers_for_client(company, client) -> list[Offer]:
    return _offers(_candidates(_base(company).filter(visit__client=client)).order_by("first_start", "id"))


def offer_for(payment: OnlinePayment) -> Offer | None:
    found = _offers(_candidates(_base(payment.company).filter(pk=payment.pk)))
    return found[0] if found else None


def refund_prepayment(payment: OnlinePayment, amount=None, *, user=None) -> Transaction:
    """Give (part of) an advance back to the payer through its provider. `amount=None` gives back
    all that may be given back.

    Guarantees: never more than was paid, and of an advance on a sale never what pays for the
    sale; a refusal or an unreachable provider saves nothing (FinanceError). Two refunds at once
    queue on the visit's and the payment's row locks (the same order as the checkout, which
    locks the visit first), so the second sees the first. The provider is asked under the lock,
    as for a refund at the cash desk (docs/payments.md): the idempotency key depends on what was
    given back before, which is only true while we hold it."""
    with transaction.atomic():
        lock_first(Visit.objects.filter(pk=payment.visit_id))
        payment = lock_row(
            OnlinePayment.objects.select_related("company__chain", "visit__client", "transaction").filter(
                company=payment.company_id
            ),
            payment.pk,
        )
        original = payment.transaction
        sale = lock_row(Sale.objects, original.sale_id) if original and original.sale_id else None
        offer = offer_for(payment)
        if offer is None:
            if original is not None and payment.status == OnlinePaymentStatus.SUCCEEDED:
                left = to_money(original.amount + (original.reversals.aggregate(s=MoneySum("amount"))["s"] or 0))
                if left <= 0:
                    raise FinanceError("refund_too_big", refundable=ZERO)
                if sale is not None:
                    raise FinanceError("prepayment_refund_too_big", refundable=ZERO)
            raise FinanceError("prepayment_not_refundable")
        amount = offer.refundable if amount in (None, "") else parse_amount(amount)
        if amount > offer.refundable:
            code = "prepayment_refund_too_big" if sale is not None else "refund_too_big"
            raise FinanceError(code, refundable=offer.refundable)
        account = lock_accounts(original.account_id)[original.account_id]
        row = post_transaction(
            account,
            -amount,
            method=original.method,
            item=original.item,
            user=user,
            sale=sale,
            reverses=original,
            comment=original.comment,
        )
        if sale is not None:
            resettle_sale(sale)
        log_action(
            payment.visit,
            code="visit.prepayment_refunded",
            changes={"refunded": [None, str(amount)], "payment": [None, str(payment)]},
        )
        advance_refund_receipt(payment, row, FiscalSettings.for_company(payment.company))
        # Last, as at the cash desk: a refusal here rolls back everything above.
        company = payment.company
        provider = provider_for(company, PaymentSettings.for_company(company))
        give_back_online(
            payment, original, row, amount, provider=provider, description=f"{company.name}: #{payment.visit_id}"
        )
        return row
