"""Prepayment of online bookings.

The booking and its payment row are written in one transaction (so the hold's timer exists
whatever happens next); the provider is asked for the payment after the commit, with the row's
idempotency key, so a retry returns the same payment. The provider's webhook settles it: a
succeeded payment posts one transaction to the branch's bank account and marks the records
prepaid; a declined required prepayment, or one not paid in time, releases the hold (the records
are cancelled and the time is free again).

A refund at the cash desk of money that came in online goes back through the same provider, see
`refund_online_payments` and docs/payments.md."""

from __future__ import annotations

import datetime
import logging
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from frontdesk.core.audit import log_action
from frontdesk.core.locking import lock_first, lock_rows
from frontdesk.core.money import MoneySum, to_money
from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.models import PaymentMethod, Transaction
from frontdesk.finance.services import item_by_code, lock_accounts, post_transaction
from frontdesk.payments.models import (
    FiscalSettings,
    OnlinePayment,
    OnlinePaymentStatus,
    OnlineRefund,
    PaymentSettings,
    PrepaymentMode,
    PrepaymentRule,
    ProviderCode,
)
from frontdesk.payments.providers import (
    InvalidWebhook,
    ProviderUnavailable,
    RefundRefused,
    WebhookEvent,
    provider_for,
)
from frontdesk.payments.receipts import prepayment_receipt
from frontdesk.payments.signals import prepayment_held, prepayment_paid
from frontdesk.scheduling.errors import BookingError
from frontdesk.scheduling.models import CancelledBy, CancelReason, Record, RecordService, RecordStatus
from frontdesk.scheduling.services import cancel_record
from frontdesk.tenancy.models import Company

log = logging.getLogger(__name__)
ORDER = {PrepaymentMode.OFF: 0, PrepaymentMode.ALLOWED: 1, PrepaymentMode.REQUIRED: 2}


def payments_enabled(settings: PaymentSettings) -> bool:
    return settings.provider != ProviderCode.OFF and settings.account_id is not None


def prepayment_mode(company, pairs) -> str:
    """The strictest rule over the booked (service, specialist) pairs: required beats allowed
    beats off. For each pair the most specific rule wins. Off when the branch takes no online
    payments."""
    settings = PaymentSettings.for_company(company)
    if not payments_enabled(settings):
        return PrepaymentMode.OFF
    rules = {(r.service_id, r.specialist_id): r.mode for r in PrepaymentRule.objects.filter(company=company)}
    default = settings.default_mode if settings.default_mode in ORDER else PrepaymentMode.OFF
    modes = []
    for service_id, specialist_id in pairs:
        mode = (
            rules.get((service_id, specialist_id))
            or rules.get((service_id, None))
            or rules.get((None, specialist_id))
            or default
        )
        modes.append(mode)
    return max(modes, key=ORDER.get, default=PrepaymentMode.OFF)


def visit_mode(visit) -> str:
    pairs = RecordService.objects.filter(record__visit=visit).exclude(record__status__in=RecordStatus.LOST)
    return prepayment_mode(
        visit.company, [(line.service_id, line.record.specialist_id) for line in pairs.select_related("record")]
    )


def visit_amount(visit) -> Decimal:
    total = (
        RecordService.objects.filter(record__visit=visit)
        .exclude(record__status__in=RecordStatus.LOST)
        .aggregate(s=MoneySum("price"))["s"]
    )
    return to_money(total or 0)


def open_prepayment(visit, *, required: bool, return_url: str = "") -> OnlinePayment | None:
    """The visit's payment waiting to be paid (a new one, or the one already waiting). Call it in
    the booking's transaction. None when there is nothing to pay."""
    with transaction.atomic():
        waiting = lock_first(OnlinePayment.objects.filter(visit=visit, status=OnlinePaymentStatus.PENDING))
        if waiting is not None:
            return waiting
        if OnlinePayment.objects.filter(visit=visit, status=OnlinePaymentStatus.SUCCEEDED).exists():
            return None
        amount = visit_amount(visit)
        if amount <= 0:
            return None
        settings = PaymentSettings.for_company(visit.company)
        payment = OnlinePayment.objects.create(
            company=visit.company,
            chain_id=visit.chain_id,
            visit=visit,
            provider=settings.provider,
            amount=amount,
            required=required,
            return_url=return_url,
            hold_until=timezone.now() + datetime.timedelta(minutes=settings.hold_minutes) if required else None,
        )
        if required:
            log_action(visit, code="visit.prepayment_held", changes={"amount": [None, str(amount)]})
            prepayment_held.send(payment=payment)  # no confirmation or reminder until it is paid
            transaction.on_commit(lambda: schedule_release(payment))
        return payment


def awaits_prepayment(visit_id) -> bool:
    """The notifications' gate (registered by notifications): a visit whose required prepayment is not paid yet is not
    confirmed or reminded of (it may still be released)."""
    return OnlinePayment.unscoped.filter(visit_id=visit_id, required=True, status=OnlinePaymentStatus.PENDING).exists()


def schedule_release(payment: OnlinePayment) -> None:
    """Ask the task worker to release the hold when its time is up (a backend that can defer
    tasks, such as the database one); `release_unpaid_holds` catches whatever it misses."""
    from frontdesk.payments.tasks import release_hold_task  # inside: tasks imports this module

    try:
        if release_hold_task.get_backend().supports_defer:
            release_hold_task.using(run_after=payment.hold_until).enqueue(payment.pk, payment.chain_id)
    except Exception:
        log.exception("Could not schedule the release of payment %s", payment.pk)


def confirmation_url(payment: OnlinePayment) -> str:
    """Ask the provider for the payment (after the commit, never under a lock) and return where
    the payer confirms it. The idempotency key makes a repeated call return the same payment."""
    if payment.confirmation_url:
        return payment.confirmation_url
    settings = PaymentSettings.for_company(payment.company)
    provider = provider_for(payment.company, settings)
    if provider is None or provider.code != payment.provider:
        return ""
    try:
        created = provider.create_payment(
            amount=payment.amount,
            currency=payment.company.chain.currency,
            description=f"{payment.company.name}: #{payment.visit_id}",
            idempotency_key=payment.idempotency_key,
            return_url=payment.return_url,
            metadata={"visit": payment.visit_id, "payment": payment.pk},
        )
    except ProviderUnavailable as error:
        # The booking stands and its page offers to pay again (the same key: one payment).
        log.warning("The provider did not create payment %s: %s", payment.pk, error)
        return ""
    OnlinePayment.objects.filter(pk=payment.pk).update(
        provider_payment_id=created.id, confirmation_url=created.confirmation_url
    )
    payment.provider_payment_id, payment.confirmation_url = created.id, created.confirmation_url
    return created.confirmation_url


def handle_webhook(branch_id: int, body: bytes, headers) -> OnlinePayment:
    """Verify and apply a provider's notification for a branch. Raises InvalidWebhook (nothing
    changed) for anything not signed by the branch's provider or not about its payments."""
    with scopes_disabled():
        company = Company.unscoped.select_related("chain").filter(pk=branch_id, is_active=True).first()
    if company is None:
        raise InvalidWebhook("unknown branch")
    with scope(company.chain_id):
        settings = PaymentSettings.objects.filter(company=company).first()
        provider = provider_for(company, settings) if settings else None
        if provider is None:
            raise InvalidWebhook("no provider")
        event = provider.parse_webhook(body, headers)
        return settle_payment(company, settings, event)


def settle_payment(company, settings: PaymentSettings, event: WebhookEvent) -> OnlinePayment:
    """Apply a verified event once. A replay, or a second webhook racing the first, finds the
    payment already settled under the row's lock and changes nothing."""
    with transaction.atomic():
        # The visit's row too: a checkout of the visit (which locks it) waits for the settlement.
        payment = lock_first(
            OnlinePayment.objects.select_related("visit").filter(
                company=company, provider=settings.provider, provider_payment_id=event.payment_id
            ),
            of=("self", "visit"),
        )
        if payment is None:
            raise InvalidWebhook("unknown payment")
        if event.amount != payment.amount:
            raise InvalidWebhook("amount differs")
        if payment.status == event.status or payment.status == OnlinePaymentStatus.SUCCEEDED:
            return payment  # a replay, or a late cancel of a payment already taken
        if event.status == OnlinePaymentStatus.SUCCEEDED:
            _take(payment, settings)
        else:
            _release(payment, reason="visit.prepayment_declined")
        return payment


def _take(payment: OnlinePayment, settings: PaymentSettings) -> None:
    released = payment.status == OnlinePaymentStatus.CANCELED
    account = lock_accounts(settings.account_id)[settings.account_id]
    row = post_transaction(
        account,
        payment.amount,
        method=PaymentMethod.ONLINE,
        item=item_by_code(payment.chain_id, "services"),
        comment=f"{payment.provider}:{payment.provider_payment_id}",
    )
    payment.status = OnlinePaymentStatus.SUCCEEDED
    payment.transaction = row
    payment.settled_at = timezone.now()
    payment.save(update_fields=["status", "transaction", "settled_at"])
    if not released:
        Record.objects.filter(visit=payment.visit).exclude(status__in=RecordStatus.LOST).update(prepaid=True)
        prepayment_paid.send(payment=payment)  # a required one: now the booking is confirmed and reminded
    # Money that came after the hold was released is kept on the account and shows in the log for
    # the administrator to refund or to book the client again.
    log_action(
        payment.visit,
        code="visit.prepaid_after_release" if released else "visit.prepaid",
        changes={"amount": [None, str(payment.amount)]},
    )
    fiscal = FiscalSettings.for_company(payment.company)
    prepayment_receipt(payment, row, fiscal)


def _release(payment: OnlinePayment, *, reason: str) -> None:
    """Cancel the payment and, for a required prepayment, the visit's records (the time is free)."""
    payment.status = OnlinePaymentStatus.CANCELED
    payment.settled_at = timezone.now()
    payment.save(update_fields=["status", "settled_at"])
    if payment.required:
        for record in Record.objects.filter(visit=payment.visit, status__in=RecordStatus.UNFINISHED):
            try:
                cancel_record(record, reason=CancelReason.UNPAID, by=CancelledBy.SYSTEM)
            except BookingError:
                # The client came and was checked out before the hold ran out: the visit stays.
                continue
    log_action(payment.visit, code=reason, changes={"amount": [None, str(payment.amount)]})


def release_hold(payment_id: int, now=None) -> bool:
    """Release one unpaid hold whose time is up. True when it was released by this call."""
    now = now or timezone.now()
    with transaction.atomic():
        # The visit's row too: a checkout of the visit (which locks it) waits for the release.
        payment = lock_first(OnlinePayment.objects.select_related("visit").filter(pk=payment_id), of=("self", "visit"))
        if (
            payment is None
            or payment.status != OnlinePaymentStatus.PENDING
            or not payment.required
            or payment.hold_until is None
            or payment.hold_until > now
        ):
            return False
        _release(payment, reason="visit.prepayment_expired")
    settings = PaymentSettings.for_company(payment.company)
    provider = provider_for(payment.company, settings)
    if provider is not None and provider.code == payment.provider and payment.provider_payment_id:
        try:  # after the commit: the payer can no longer pay a hold that is gone
            provider.cancel_payment(payment.provider_payment_id)
        except Exception:
            log.exception("Could not cancel payment %s at the provider", payment.pk)
    return True


def release_unpaid_holds(now=None) -> int:
    """Release every hold not paid in time, across all networks (the task and the command)."""
    now = now or timezone.now()
    with scopes_disabled():
        due = list(
            OnlinePayment.unscoped.filter(
                status=OnlinePaymentStatus.PENDING, required=True, hold_until__lte=now
            ).values_list("pk", "chain_id")
        )
    released = 0
    for payment_id, chain_id in due:
        with scope(chain_id):
            released += release_hold(payment_id, now)
    return released


def hold_for_prepayment(visit, return_url: str) -> OnlinePayment | None:
    """In the online booking's transaction: when the booked services need a prepayment, open
    the payment that holds the time until it is paid or the hold runs out."""
    if visit_mode(visit) != PrepaymentMode.REQUIRED:
        return None
    return open_prepayment(visit, required=True, return_url=return_url)


def booking_mode(company, segments) -> str:
    """The prepayment the client will meet for these segments (the details step says so)."""
    return prepayment_mode(company, [(s.service_id, s.specialist_id) for s in segments])


def prepayment_state(visit) -> dict:
    """What a booking's own page shows about paying online."""
    payments = list(OnlinePayment.objects.filter(visit=visit).order_by("-created_at", "-id"))
    paid = next((p for p in payments if p.status == OnlinePaymentStatus.SUCCEEDED), None)
    waiting = next((p for p in payments if p.status == OnlinePaymentStatus.PENDING), None)
    live = Record.objects.filter(visit=visit, status__in=RecordStatus.UNFINISHED).exists()
    mode = visit_mode(visit) if live and paid is None else PrepaymentMode.OFF
    return {
        "mode": mode,
        "paid": paid,
        "waiting": waiting,
        "can_pay": live and paid is None and mode != PrepaymentMode.OFF,
        "amount": waiting.amount if waiting else (visit_amount(visit) if mode != PrepaymentMode.OFF else None),
    }


def _countable_advances(visit_id):
    """The visit's online prepayments a checkout counts: paid, not on a sale yet, and never
    (partly) refunded — money given back before the checkout cannot be shown on a sale (a refund
    there counts as covering the price), so such an advance stays in «Prepayments to settle»."""
    return OnlinePayment.objects.filter(
        visit_id=visit_id, status=OnlinePaymentStatus.SUCCEEDED, transaction__sale__isnull=True
    ).exclude(transaction__reversals__isnull=False)


def visit_advance(visit) -> Decimal:
    """Online prepayments of the visit not yet counted by a checkout."""
    total = _countable_advances(visit.pk).aggregate(s=MoneySum("amount"))["s"]
    return to_money(total or 0)


def attach_advances(sale):
    """Listens to `finance.sale_opened`: count the visit's online prepayments as paid on its sale
    (their transactions now point at the sale; the amounts and the account do not change). An
    advance larger than the sale (a discount given after prepaying) is counted whole: the sale is
    then paid with money to spare, and the rest is refunded from «Prepayments to settle»
    (frontdesk.payments.advances) instead of vanishing."""
    rows = [(p.transaction_id, p.amount) for p in lock_rows(_countable_advances(sale.visit_id)).values()]
    if not rows:
        return
    Transaction.objects.filter(pk__in=[pk for pk, _a in rows], sale__isnull=True).update(sale=sale)
    total = sum((amount for _id, amount in rows), Decimal(0))
    log_action(sale, code="sale.advance_counted", changes={"advance": [None, str(to_money(total))]})


def refund_key(payment: OnlinePayment, original, refunded_before) -> str:
    """The idempotency key of a refund: the same payment, the same original transaction and the
    same amount already given back of it make the same key. A retry after a crash between the
    provider's answer and our commit finds nothing of the first attempt here, so it computes the
    same key and the provider returns the refund it already made instead of making another."""
    return str(uuid.uuid5(payment.idempotency_key, f"refund:{original.pk}:{to_money(refunded_before)}"))


def refund_online_payments(sale, refunds):
    """Listens to `finance.refund_posted` (last in the refund's transaction, under the sale's
    lock): give each refunded part of an online payment back through its provider and record the
    provider's refund. Any refusal raises FinanceError, which rolls the whole refund back."""
    online = {
        p.transaction_id: p
        for p in OnlinePayment.objects.filter(
            transaction_id__in=[original.pk for original, _row in refunds], status=OnlinePaymentStatus.SUCCEEDED
        )
    }
    if not online:
        return
    company = sale.company
    provider = provider_for(company, PaymentSettings.for_company(company))
    for original, row in refunds:
        payment = online.get(original.pk)
        if payment is None:
            continue
        amount = to_money(-row.amount)
        refund = give_back_online(
            payment, original, row, amount, provider=provider, description=f"{company.name}: #{sale.pk}"
        )
        log_action(
            sale,
            code="sale.refunded_online",
            changes={"refunded": [None, str(amount)], "refund": [None, f"{payment.provider}:{refund.id}"]},
        )


def give_back_online(payment: OnlinePayment, original, row, amount: Decimal, *, provider, description: str):
    """Ask the payment's provider to give `amount` of it back and record the provider's refund
    against our refund row `row` (a reversal of `original`, already written, not yet committed).
    The key is the deterministic `refund_key`, so a retry after a crash asks for the same refund.
    Raises FinanceError (the caller's transaction rolls back) when the money cannot go back."""
    if provider is None or provider.code != payment.provider or not payment.provider_payment_id:
        raise FinanceError("online_refund_no_provider")
    back = original.reversals.exclude(pk=row.pk).aggregate(s=MoneySum("amount"))["s"] or 0
    key = refund_key(payment, original, -back)
    try:
        refund = provider.create_refund(
            payment_id=payment.provider_payment_id,
            amount=amount,
            currency=payment.company.chain.currency,
            idempotency_key=key,
            description=description,  # one language: a retry sends the same body
        )
    except RefundRefused as error:
        raise FinanceError("online_refund_refused", amount=amount, reason=error.reason) from None
    except ProviderUnavailable as error:
        log.warning("The provider did not refund %s of payment %s: %s", amount, payment.pk, error)
        raise FinanceError("online_refund_unavailable", amount=amount) from None
    if refund.amount != amount:
        # The key's first use refunded another amount (an attempt that crashed before its
        # commit, then a retry with a different sum): record nothing, say what is out there.
        raise FinanceError("online_refund_mismatch", amount=refund.amount)
    OnlineRefund.objects.create(
        company_id=payment.company_id,
        chain_id=payment.chain_id,
        online_payment=payment,
        transaction=row,
        provider=payment.provider,
        provider_refund_id=refund.id[:64],
        idempotency_key=key,
        amount=amount,
        status=refund.status,
    )
    return refund
