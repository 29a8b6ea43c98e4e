"""Loyalty state changes: issuing cards, referrals, and what a settled sale does to a card
(bonuses accrued or taken back, statuses, referral rewards). Views, the checkout, the public
QR page, commands and the demo all call these."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from frontdesk.core.audit import log_action
from frontdesk.core.locking import lock_first
from frontdesk.core.money import MoneySum, format_money, to_money
from frontdesk.finance.checkout import refund_means
from frontdesk.finance.models import MeansPayment, Sale, Transaction
from frontdesk.loyalty import ledger, rules
from frontdesk.loyalty.errors import LoyaltyError
from frontdesk.loyalty.models import (
    BonusOperation,
    Card,
    IssuedVia,
    Membership,
    OperationKind,
    Programme,
    ProgrammeKind,
    Referral,
)
from frontdesk.loyalty.notify import BONUS_ACCRUED, STATUS_CHANGED, notify
from frontdesk.loyalty.rules import REFERRER_SOURCE

ZERO = Decimal("0.00")
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _new_number() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(10))


def _new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


def issue_card(client, *, programmes, company=None, via=IssuedVia.HAND, user=None) -> Card:
    """Give the client a card in these programmes, or add the programmes to the card they have.
    Joining a bonus programme credits its welcome bonus once. Programmes not valid in `company`
    are refused (a card issued at a branch works there)."""
    programmes = [p for p in programmes if p.is_active]
    if not programmes:
        raise LoyaltyError("no_programme")
    if company is not None:
        for programme in programmes:
            if not programme.valid_in(company.pk):
                raise LoyaltyError("programme_elsewhere", programme=programme.title)
    with transaction.atomic():
        card = lock_first(Card.objects.filter(client=client))
        if card is None:
            card = _create_card(client, company, via, user)
            log_action(card, code="loyalty.card_issued", changes={"number": [None, card.number]})
        joined = set(card.memberships.values_list("programme_id", flat=True))
        for programme in programmes:
            if programme.pk in joined:
                continue
            Membership.objects.create(chain_id=client.chain_id, card=card, programme=programme)
            if programme.kind == ProgrammeKind.BONUS and programme.welcome_bonus > 0:
                ledger.credit(
                    card,
                    OperationKind.WELCOME,
                    programme.welcome_bonus,
                    programme=programme,
                    company=company,
                    user=user,
                    key=f"welcome:{card.pk}:{programme.pk}",
                )
        refresh_statuses(card, company)
    return card


def _create_card(client, company, via, user) -> Card:
    for _attempt in range(10):
        try:
            with transaction.atomic():
                return Card.objects.create(
                    chain_id=client.chain_id,
                    client=client,
                    number=_new_number(),
                    referral_code=_new_code(),
                    company=company,
                    issued_via=via,
                    issued_by=user if getattr(user, "pk", None) else None,
                )
        except IntegrityError:
            # A number or code already taken (or the client's card made concurrently): try again.
            existing = Card.objects.filter(client=client).first()
            if existing is not None:
                return existing
    raise RuntimeError("Could not find a free card number.")


def card_by_code(code: str) -> Card | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 12:
        return None
    return Card.objects.select_related("client").filter(referral_code=code).first()


def refer(newcomer, code: str) -> Referral:
    """Record that the newcomer came on the recommendation of the card with this code. Only a
    client with no paid visit yet can be a newcomer, once; nobody recommends themselves."""
    card = card_by_code(code)
    if card is None:
        raise LoyaltyError("bad_code")
    if card.client_id == newcomer.pk:
        raise LoyaltyError("own_code")
    with transaction.atomic():
        if Referral.objects.filter(newcomer=newcomer).exists():
            raise LoyaltyError("already_referred")
        if Sale.objects.filter(client=newcomer, paid__gt=0).exists():
            raise LoyaltyError("not_a_newcomer")
        referral = Referral.objects.create(chain_id=newcomer.chain_id, referrer_card=card, newcomer=newcomer)
        if newcomer.referrer_id is None:
            newcomer.referrer_id = card.client_id
            newcomer.save(update_fields=["referrer"])
    return referral


def refer_quietly(newcomer, code: str) -> Referral | None:
    """The booking page's ?ref=: a code that is not a referral code (the widget's own page
    address travels in the same parameter) or a client who cannot be referred changes nothing."""
    if newcomer is None or card_by_code(code) is None:
        return None
    try:
        with transaction.atomic():
            return refer(newcomer, code)
    except LoyaltyError:
        return None


# ---------------------------------------------------------------- a settled sale


def _money_paid(sale) -> Decimal:
    """The real money on the sale, net of refunds: bonuses, certificates and abonements are not
    money the client paid now, and earn nothing."""
    total = Transaction.objects.filter(sale=sale).aggregate(total=MoneySum("amount"))["total"]
    return to_money(total or 0)


def _return_redemptions(sale, user) -> None:
    """A refund of money gives back the bonuses that paid the same check in the same proportion:
    of a check paid 700 in money and 300 in bonuses, refunding 350 returns 150 bonuses. Through
    finance's refund of the means payment, so the sale's ledger shows it too; a return already
    made by hand at the desk counts."""
    money = Transaction.objects.filter(sale=sale)
    paid_in = to_money(money.filter(amount__gt=0).aggregate(t=MoneySum("amount"))["t"] or 0)
    given_back = -to_money(money.filter(amount__lt=0).aggregate(t=MoneySum("amount"))["t"] or 0)
    if paid_in <= 0 or given_back <= 0:
        return
    share = min(given_back / paid_in, Decimal(1))
    for payment in MeansPayment.objects.filter(sale=sale, code="bonus", amount__gt=0, reverses__isnull=True):
        returned = -to_money(payment.reversals.aggregate(t=MoneySum("amount"))["t"] or 0)
        due = to_money(payment.amount * share) - returned
        if due > 0:
            refund_means(payment, due, user=user)


def _sale_lines(sale):
    return list(sale.lines.all())


def settle_sale(sale, kind: str = "checkout", user=None) -> list[BonusOperation]:
    """Bring the client's card in line with what is paid on the sale now. Called inside the
    sale's transaction after every change of what was paid (checkout, debt payment, counter sale,
    refund). Idempotent: the accrual of a sale is a target (cashback × money paid), and only the
    difference from what is already on the ledger is written — a payment adds, a refund takes
    back proportionally (at most what the card still has; what was spent is not clawed back)."""
    client = sale.client
    if client is None:
        return []
    if kind == "refund":
        _return_redemptions(sale, user)
    paid_money = _money_paid(sale)
    card = rules.card_of(client)
    if paid_money > 0:
        # Programmes that take every client in: a card on the first paid visit, or the programme
        # added to the card the client already has.
        on_card = {p.pk for p in card.programmes.all()} if card else set()
        auto = [
            p for p in rules.programmes_for(client, sale.company_id, card=card) if p.auto_issue and p.pk not in on_card
        ]
        if auto:
            issue_card(client, programmes=auto, company=sale.company, via=IssuedVia.AUTO, user=user)
            card = rules.card_of(client)
    if card is None:
        with transaction.atomic():
            return _reward_referral(sale, user)
    written: list[BonusOperation] = []
    with transaction.atomic():
        card = ledger.lock_card(card)
        programmes = [
            m.programme
            for m in card.memberships.select_related("programme", "tier")
            if m.programme.is_active
            and m.programme.kind == ProgrammeKind.BONUS
            and m.programme.valid_in(sale.company_id)
        ]
        lines = _sale_lines(sale)
        categories = rules._categories([line.service_id for line in lines])
        for programme in programmes:
            written.extend(_settle_programme(card, programme, sale, lines, categories, paid_money, user))
        written.extend(_reward_referral(sale, user))
        refresh_statuses(card, sale.company)
    accrued = sum((op.amount for op in written if op.kind == OperationKind.ACCRUAL and op.card_id == card.pk), ZERO)
    if accrued > 0:
        notify(
            sale.company,
            client,
            BONUS_ACCRUED,
            {"amount": format_money(accrued), "balance": format_money(ledger.balance(card)), "card": card.number},
            f"loyalty:accrued:{sale.pk}:{ledger.balance(card)}",
        )
    return written


def _settle_programme(card, programme, sale, lines, categories, paid_money, user):
    ops = BonusOperation.objects.filter(card=card, sale=sale, programme=programme)
    accrued = to_money(ops.filter(kind=OperationKind.ACCRUAL).aggregate(t=MoneySum("amount"))["t"] or 0)
    # A reversal keeps in `base` what it was meant to take back, even where the card had less.
    reversed_ = to_money(ops.filter(kind=OperationKind.ACCRUAL_REVERSAL).aggregate(t=MoneySum("base"))["t"] or 0)
    if not programme.combinable and sale.discount > 0:
        target = ZERO
    else:
        tier = rules.standing(sale.client, programme, exclude_sale=sale).tier if programme.tiers.all() else None
        target = to_money(paid_money * rules.accrual_rate(programme, tier, lines, categories))
        target = max(target, ZERO)
    difference = target - (accrued - reversed_)
    if difference > 0:
        op = ledger.credit(
            card,
            OperationKind.ACCRUAL,
            difference,
            programme=programme,
            company=sale.company,
            sale=sale,
            user=user,
            base=paid_money,
        )
        return [op] if op else []
    if difference < 0:
        last = ops.filter(kind=OperationKind.ACCRUAL).order_by("-id").first()
        op = ledger.debit(
            card,
            OperationKind.ACCRUAL_REVERSAL,
            -difference,
            company=sale.company,
            sale=sale,
            user=user,
            cap=True,
            programme=programme,
            reverses=last,
            base=-difference,
        )
        if op is None:
            # Nothing left on the card to take back: record the intent so it is not retried.
            return []
        return [op]
    return []


def _reward_referral(sale, user) -> list[BonusOperation]:
    """The newcomer's first paid visit rewards both sides once, by the programme's settings (a
    certificate bought at the counter is not a visit)."""
    if sale.visit_id is None or (sale.paid <= 0 and _money_paid(sale) <= 0):
        return []
    # The referrer's card and the newcomer's client rows too: their bonuses are credited below.
    referral = lock_first(
        Referral.objects.select_related("referrer_card", "newcomer").filter(
            newcomer_id=sale.client_id, rewarded_at__isnull=True
        ),
        of=("self", "referrer_card", "newcomer"),
    )
    if referral is None:
        return []
    rewarding = Programme.objects.filter(is_active=True).filter(
        Q(referrer_bonus__gt=0) | Q(newcomer_bonus__gt=0) | Q(referrer_discount__gt=0)
    )
    valid = [p for p in rewarding if p.valid_in(sale.company_id)]
    programmes = [p for p in valid if p.referrer_bonus > 0 or p.newcomer_bonus > 0]
    # The referrer's discount: the largest any programme valid here grants, kept on the referral.
    discounting = max((p for p in valid if p.referrer_discount > 0), key=lambda p: p.referrer_discount, default=None)
    written = []
    referral.rewarded_at = timezone.now()
    referral.sale = sale
    if discounting is not None:
        referral.referrer_discount = discounting.referrer_discount
        referral.discount_programme = discounting
    referral.save(update_fields=["rewarded_at", "sale", "referrer_discount", "discount_programme"])
    if discounting is not None:
        log_action(
            referral.referrer_card,
            code="loyalty.referral_discount_granted",
            changes={"discount": [None, str(discounting.referrer_discount)], "newcomer": referral.newcomer_id},
        )
    for programme in programmes[:1]:
        if programme.referrer_bonus > 0:
            op = ledger.credit(
                ledger.lock_card(referral.referrer_card),
                OperationKind.REFERRAL,
                programme.referrer_bonus,
                programme=programme,
                company=sale.company,
                sale=sale,
                user=user,
                key=f"referral:{referral.pk}:referrer",
            )
            written += [op] if op else []
        if programme.newcomer_bonus > 0:
            card = rules.card_of(referral.newcomer) or issue_card(
                referral.newcomer, programmes=[programme], company=sale.company, via=IssuedVia.AUTO, user=user
            )
            op = ledger.credit(
                ledger.lock_card(card),
                OperationKind.REFERRAL,
                programme.newcomer_bonus,
                programme=programme,
                company=sale.company,
                sale=sale,
                user=user,
                key=f"referral:{referral.pk}:newcomer",
            )
            written += [op] if op else []
    return written


def use_referrer_discount(sale) -> Referral | None:
    """The sale applies the referrer's referral discount named by its discount source: mark it
    used by this sale. Runs inside the checkout's transaction when the sale is written (finance's
    `sale_opened`); the referral's row is locked and re-read, so two checkouts at once cannot both
    use one discount — the later one is refused and nothing of it is saved. A sale refunded whole
    gives the discount back (Referral.discount_waiting_for)."""
    source = sale.discount_source or ""
    if not source.startswith(REFERRER_SOURCE) or sale.discount <= 0:
        return None
    try:
        pk = int(source[len(REFERRER_SOURCE) :])
    except ValueError:
        raise LoyaltyError("referral_discount_used") from None
    # The referral's own row only: the card and the sale joined in need no lock (and PostgreSQL
    # refuses FOR UPDATE on the nullable side of an outer join).
    referral = lock_first(Referral.objects.filter(pk=pk, referrer_card__client_id=sale.client_id))
    if referral is None or not referral.discount_waiting_for(sale):
        raise LoyaltyError("referral_discount_used")
    referral.discount_sale = sale
    referral.save(update_fields=["discount_sale"])
    log_action(
        referral.referrer_card,
        code="loyalty.referral_discount_used",
        changes={"discount": [str(referral.referrer_discount), None], "sale": sale.pk},
    )
    return referral


def refresh_statuses(card, company=None) -> list[Membership]:
    """Re-assign the card's step in each programme with steps; a change is logged and the client
    told (status changed). Returns the memberships that changed."""
    changed = []
    for membership in card.memberships.select_related("programme", "tier").prefetch_related("programme__tiers"):
        programme = membership.programme
        if not programme.tiers.all():
            continue
        tier = rules.standing(card.client, programme).tier
        if (tier.pk if tier else None) == membership.tier_id:
            continue
        old = membership.tier
        membership.tier = tier
        membership.save(update_fields=["tier"])
        changed.append(membership)
        log_action(
            card,
            code="loyalty.status_changed",
            changes={"status": [str(old) if old else None, str(tier) if tier else None], "programme": programme.title},
        )
        if tier is not None and tier.name and company is not None:
            notify(
                company,
                card.client,
                STATUS_CHANGED,
                {"status": tier.name, "programme": programme.title, "card": card.number},
                f"loyalty:status:{membership.pk}:{tier.pk}",
            )
    return changed


def on_booked_online(visit, source):
    """Listens to `booking.booked_online`, in the booking's transaction. A booking that came with
    ?ref=<a client's referral code>: the booking's client is a newcomer recommended by that client
    (the parameter also carries the widget's page address, which matches no code and changes
    nothing)."""
    if not source.referrer or visit.client_id is None:
        return
    refer_quietly(visit.client, source.referrer)
