"""Every change of a certificate or an abonement goes through these functions: the counter sale,
the checkout's payment means, the pages and the daily expiry all call them.

Each change runs in one transaction that locks the certificate's or abonement's row, re-reads its
ledger and re-checks before it writes (lock, re-read, re-check): two cash desks paying with one
certificate at once queue on that lock, and the second sees what the first spent. On SQLite the
IMMEDIATE transaction already holds the database's write lock and select_for_update is a no-op.
A refusal raises PrepaidError and leaves nothing half-saved."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from frontdesk.core.audit import log_action
from frontdesk.core.locking import lock_row
from frontdesk.core.money import AmountError, MoneySum, parse_amount, to_money
from frontdesk.prepaid import codes
from frontdesk.prepaid.errors import PrepaidError
from frontdesk.prepaid.models import (
    Abonement,
    AbonementFreeze,
    AbonementKind,
    AbonementOperation,
    AbonementOpKind,
    AbonementType,
    AppliesTo,
    Certificate,
    CertificateOperation,
    CertificateOpKind,
    CertificateType,
)

ZERO = Decimal("0.00")


def local_today(company, now=None) -> datetime.date:
    return (now or timezone.now()).astimezone(company.tz).date()


def _user(user):
    return user if getattr(user, "pk", None) else None


def parse_money(value, *, allow_zero=False) -> Decimal:
    """An amount typed by a person (core.money.parse_amount); any refusal asks for a positive one."""
    try:
        return parse_amount(value, allow_zero=allow_zero)
    except AmountError:
        raise PrepaidError("amount_positive") from None


def _allowed_in(type_, company) -> bool:
    ids = [c.pk for c in type_.companies.all()]
    return not ids or company.pk in ids


@dataclass(frozen=True)
class PayLine:
    """A line of a sale as the means see it: what it is and what it costs."""

    position: int
    kind: str  # "service", "goods", "certificate", "abonement"
    price: Decimal
    service_id: int | None = None
    category_id: int | None = None
    title: str = ""


# ---------------------------------------------------------------- certificates
def certificate_balance(certificate) -> Decimal:
    total = CertificateOperation.objects.filter(certificate_id=certificate.pk).aggregate(t=MoneySum("amount"))["t"]
    return to_money(total or 0)


def certificate_balances(certificates) -> dict[int, Decimal]:
    ids = [c.pk for c in certificates]
    rows = (
        CertificateOperation.objects.filter(certificate_id__in=ids)
        .values("certificate_id")
        .annotate(total=MoneySum("amount"))
    )
    found = {row["certificate_id"]: to_money(row["total"] or 0) for row in rows}
    return {pk: found.get(pk, ZERO) for pk in ids}


def certificate_amount(type_: CertificateType, amount=None) -> Decimal:
    """The amount a certificate of this type is sold for, checked against the type."""
    if type_.nominal is not None:
        if amount not in (None, "") and parse_money(amount) != type_.nominal:
            raise PrepaidError("amount_fixed", type=type_.title, nominal=type_.nominal)
        return type_.nominal
    amount = parse_money(amount if amount not in (None, "") else "0")
    low, high = type_.amount_min or Decimal("0.01"), type_.amount_max
    if amount < low or (high is not None and amount > high):
        raise PrepaidError("amount_range", type=type_.title, min=low, max=high if high is not None else "∞")
    return amount


def issue_certificate(
    type_: CertificateType,
    *,
    company,
    amount=None,
    client=None,
    sale=None,
    sale_line=None,
    user=None,
    today: datetime.date | None = None,
) -> Certificate:
    """Sell a certificate: a new unique code, its end date (validity counted from the sale) and
    the ledger's first operation, the money put on it."""
    if type_.is_archived:
        raise PrepaidError("type_archived", type=type_.title)
    nominal = certificate_amount(type_, amount)
    today = today or local_today(company)
    for _attempt in range(10):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    chain_id=company.chain_id,
                    type=type_,
                    code=codes.new_code(),
                    nominal=nominal,
                    client=client,
                    company=company,
                    sale=sale,
                    sale_line=sale_line,
                    issued_on=today,
                    expires_on=today + datetime.timedelta(days=type_.validity_days - 1),
                    created_by=_user(user),
                )
                break
        except IntegrityError:
            # A code already taken in this network (one in 10¹¹ per certificate) — draw again.
            # A second certificate for the same sale line is refused by the same constraint set.
            if sale_line is not None and Certificate.objects.filter(sale_line=sale_line).exists():
                return Certificate.objects.get(sale_line=sale_line)
            continue
    else:  # pragma: no cover - ten collisions in a row
        raise RuntimeError("Could not draw a free certificate code.")
    CertificateOperation.objects.create(
        chain_id=company.chain_id,
        certificate=certificate,
        kind=CertificateOpKind.ISSUE,
        amount=nominal,
        company=company,
        sale=sale,
        created_by=_user(user),
    )
    return certificate


def find_certificate(chain_id, text: str) -> Certificate | None:
    code = codes.normalize(text)
    if not codes.is_valid(code):
        return None
    return Certificate.objects.select_related("type").filter(chain_id=chain_id, code=code).first()


def certificate_limit(type_: CertificateType, lines: list[PayLine]) -> Decimal:
    """What a certificate of this type may pay of these lines: services (maybe only some
    categories), goods, or both; never certificates or abonements themselves."""
    category_ids = {c.pk for c in type_.categories.all()}
    total = ZERO
    for line in lines:
        if line.kind == "service" and type_.applies_to in (AppliesTo.SERVICES, AppliesTo.BOTH):
            if not category_ids or line.category_id in category_ids:
                total += line.price
        elif line.kind == "goods" and type_.applies_to in (AppliesTo.GOODS, AppliesTo.BOTH):
            total += line.price
    return to_money(total)


def certificate_refusal(certificate: Certificate, company, today: datetime.date) -> PrepaidError | None:
    """Why the certificate cannot pay in this branch today, or None."""
    if not _allowed_in(certificate.type, company):
        return PrepaidError("branch_not_allowed")
    if certificate.expired_at or today > certificate.expires_on:
        return PrepaidError("expired", date=certificate.expires_on)
    if today < certificate.issued_on:
        return PrepaidError("not_started", date=certificate.issued_on)
    return None


def _lock_certificate(pk) -> Certificate:
    return lock_row(Certificate.objects.select_related("type"), pk)


def redeem_certificate(
    certificate: Certificate,
    amount,
    *,
    company,
    sale=None,
    lines: list[PayLine] | None = None,
    user=None,
    today: datetime.date | None = None,
) -> CertificateOperation:
    """Pay `amount` with the certificate. Guarantees: never more than its balance, whatever pays
    with it concurrently (its row is locked and the balance re-read under the lock); only in its
    branches, before its end date, only for what its type pays for."""
    amount = parse_money(amount)
    today = today or local_today(company)
    with transaction.atomic():
        certificate = _lock_certificate(certificate.pk)
        refusal = certificate_refusal(certificate, company, today)
        if refusal is not None:
            raise refusal
        left = certificate_balance(certificate)
        if (
            left <= 0
            and certificate.type.single_use
            and certificate.operations.filter(kind=CertificateOpKind.REDEEM).exists()
        ):
            raise PrepaidError("single_used")
        if amount > left:
            raise PrepaidError("insufficient", balance=left)
        if lines is not None:
            limit = certificate_limit(certificate.type, lines)
            if amount > limit:
                raise PrepaidError("not_applicable", limit=limit)
        operation = CertificateOperation.objects.create(
            chain_id=certificate.chain_id,
            certificate=certificate,
            kind=CertificateOpKind.REDEEM,
            amount=-amount,
            company=company,
            sale=sale,
            created_by=_user(user),
        )
        if certificate.type.single_use and left > amount:
            CertificateOperation.objects.create(
                chain_id=certificate.chain_id,
                certificate=certificate,
                kind=CertificateOpKind.FORFEIT,
                amount=-(left - amount),
                company=company,
                sale=sale,
                lost_with=operation,
                created_by=_user(user),
            )
        log_action(certificate, code="certificate.redeemed", changes={"amount": [None, str(amount)]})
        return operation


def _left_to_give_back(operation) -> Decimal:
    back = operation.reversals.aggregate(t=MoneySum("amount"))["t"] or 0
    return to_money(-operation.amount - back)


def give_back_certificate(operation: CertificateOperation, amount=None, *, user=None) -> CertificateOperation:
    """A refund of a payment made with the certificate: the money goes back on it (even if it
    has expired since; the next expiry run takes it again). A one-write-off certificate whose
    payment is given back in full gets its lost rest back too."""
    with transaction.atomic():
        certificate = _lock_certificate(operation.certificate_id)
        operation = CertificateOperation.objects.get(pk=operation.pk)
        left = _left_to_give_back(operation)
        if left <= 0:
            raise PrepaidError("nothing_to_give_back")
        amount = left if amount in (None, "") else parse_money(amount)
        if amount > left:
            raise PrepaidError("give_back_too_big", amount=left)
        back = CertificateOperation.objects.create(
            chain_id=certificate.chain_id,
            certificate=certificate,
            kind=CertificateOpKind.GIVE_BACK,
            amount=amount,
            company=operation.company,
            sale=operation.sale,
            reverses=operation,
            created_by=_user(user),
        )
        if amount == left:
            for lost in operation.losses.all():
                rest = _left_to_give_back(lost)
                if rest > 0:
                    CertificateOperation.objects.create(
                        chain_id=certificate.chain_id,
                        certificate=certificate,
                        kind=CertificateOpKind.GIVE_BACK,
                        amount=rest,
                        company=operation.company,
                        sale=operation.sale,
                        reverses=lost,
                        created_by=_user(user),
                    )
        log_action(certificate, code="certificate.given_back", changes={"amount": [None, str(amount)]})
        return back


def expire_certificate(certificate: Certificate, *, today: datetime.date) -> CertificateOperation | None:
    """Take what is left off a certificate past its end date. Idempotent: a second run finds a
    zero balance and writes nothing."""
    with transaction.atomic():
        certificate = _lock_certificate(certificate.pk)
        if today <= certificate.expires_on:
            return None
        if certificate.expired_at is None:
            certificate.expired_at = timezone.now()
            certificate.save(update_fields=["expired_at"])
        left = certificate_balance(certificate)
        if left <= 0:
            return None
        return CertificateOperation.objects.create(
            chain_id=certificate.chain_id,
            certificate=certificate,
            kind=CertificateOpKind.EXPIRE,
            amount=-left,
            company=None,
        )


def cancel_sold(sale, *, user=None) -> int:
    """The counter sale that sold certificates and abonements was refunded in full: take what is
    left on them off, so that money given back cannot be spent again. What was already spent
    stays spent (the refund was the salon's decision). Idempotent; returns how many were cancelled."""
    cancelled = 0
    with transaction.atomic():
        for pk in Certificate.objects.filter(sale=sale).order_by("pk").values_list("pk", flat=True):
            certificate = _lock_certificate(pk)
            left = certificate_balance(certificate)
            if left > 0:
                CertificateOperation.objects.create(
                    chain_id=certificate.chain_id,
                    certificate=certificate,
                    kind=CertificateOpKind.CANCEL,
                    amount=-left,
                    company=sale.company,
                    sale=sale,
                    created_by=_user(user),
                )
                cancelled += 1
        for pk in Abonement.objects.filter(sale=sale).order_by("pk").values_list("pk", flat=True):
            abonement = _lock_abonement(pk)
            balance = abonement_balance(abonement)
            if balance.visits > 0 or balance.amount > 0:
                AbonementOperation.objects.create(
                    chain_id=abonement.chain_id,
                    abonement=abonement,
                    kind=AbonementOpKind.CANCEL,
                    visits=-max(balance.visits, 0),
                    amount=-max(balance.amount, ZERO),
                    company=sale.company,
                    sale=sale,
                    created_by=_user(user),
                )
                cancelled += 1
    return cancelled


class CertificateStatus:
    ACTIVE = "active"
    SPENT = "spent"
    EXPIRED = "expired"


def certificate_status(certificate: Certificate, balance: Decimal, today: datetime.date) -> str:
    if certificate.expired_at or today > certificate.expires_on:
        return CertificateStatus.EXPIRED
    if balance <= 0:
        return CertificateStatus.SPENT
    return CertificateStatus.ACTIVE


# ---------------------------------------------------------------- abonements
@dataclass
class AbonementBalance:
    visits: int
    amount: Decimal


def abonement_balance(abonement) -> AbonementBalance:
    row = AbonementOperation.objects.filter(abonement_id=abonement.pk).aggregate(
        visits=Sum("visits"), amount=MoneySum("amount")
    )
    return AbonementBalance(int(row["visits"] or 0), to_money(row["amount"] or 0))


def abonement_balances(abonements) -> dict[int, AbonementBalance]:
    ids = [a.pk for a in abonements]
    rows = (
        AbonementOperation.objects.filter(abonement_id__in=ids)
        .values("abonement_id")
        .annotate(visits=Sum("visits"), amount=MoneySum("amount"))
    )
    found = {r["abonement_id"]: AbonementBalance(int(r["visits"] or 0), to_money(r["amount"] or 0)) for r in rows}
    return {pk: found.get(pk, AbonementBalance(0, ZERO)) for pk in ids}


def abonement_left(abonement, balance: AbonementBalance):
    """What is left in the abonement's own unit: visits, or money."""
    return balance.visits if abonement.type.kind == AbonementKind.VISITS else balance.amount


def covers(type_: AbonementType, service_id, category_id) -> bool:
    service_ids = {s.pk for s in type_.services.all()}
    category_ids = {c.pk for c in type_.categories.all()}
    if not service_ids and not category_ids:
        return True
    return service_id in service_ids or category_id in category_ids


def issue_abonement(
    type_: AbonementType, *, company, client, sale=None, sale_line=None, user=None, today: datetime.date | None = None
) -> Abonement:
    """Sell an abonement to a client: its visits (or money) go on its ledger; its period starts
    today, or when the type says so at the first visit — but no later than the type's
    `activate_within_days` after the sale, so an abonement never used still ends."""
    if client is None:
        raise PrepaidError("client_required")
    if type_.is_archived:
        raise PrepaidError("type_archived", type=type_.title)
    today = today or local_today(company)
    if type_.from_first_use:
        starts, start_by = None, today + datetime.timedelta(days=type_.activate_within_days)
        ends = start_by + datetime.timedelta(days=type_.validity_days - 1)
    else:
        starts, start_by = today, None
        ends = today + datetime.timedelta(days=type_.validity_days - 1)
    with transaction.atomic():
        if sale_line is not None:
            existing = Abonement.objects.filter(sale_line=sale_line).first()
            if existing is not None:
                return existing
        abonement = Abonement.objects.create(
            chain_id=company.chain_id,
            type=type_,
            client=client,
            company=company,
            sale=sale,
            sale_line=sale_line,
            price=type_.price,
            sold_on=today,
            starts_on=starts,
            start_by=start_by,
            ends_on=ends,
            created_by=_user(user),
        )
        visits = (type_.visits or 0) if type_.kind == AbonementKind.VISITS else 0
        amount = (type_.amount or ZERO) if type_.kind == AbonementKind.MONEY else ZERO
        if visits or amount:
            AbonementOperation.objects.create(
                chain_id=company.chain_id,
                abonement=abonement,
                kind=AbonementOpKind.ISSUE,
                visits=visits,
                amount=amount,
                company=company,
                sale=sale,
                created_by=_user(user),
            )
    return abonement


def effective_start(abonement, today: datetime.date) -> datetime.date | None:
    """The day the abonement's period started, or None while it still waits for the first visit
    (an abonement counted from first use starts on `start_by` at the latest)."""
    if abonement.starts_on is not None:
        return abonement.starts_on
    if abonement.start_by is not None and today >= abonement.start_by:
        return abonement.start_by
    return None


def pending_start(abonement, today: datetime.date) -> datetime.date | None:
    """For an abonement still waiting for its first visit: the day it starts anyway."""
    if abonement.starts_on is None and abonement.start_by is not None and today < abonement.start_by:
        return abonement.start_by
    return None


def _begin_if_due(abonement, today: datetime.date) -> bool:
    """Write down the start of an unused abonement whose latest start has come (the caller holds
    its lock). Its end was set for this start when it was sold."""
    if abonement.starts_on is None and abonement.start_by is not None and today >= abonement.start_by:
        abonement.starts_on = abonement.start_by
        abonement.save(update_fields=["starts_on"])
        return True
    return False


def begin_abonement(abonement: Abonement, *, today: datetime.date) -> bool:
    """The hourly job: an abonement not used by its latest start starts then. Idempotent."""
    with transaction.atomic():
        abonement = _lock_abonement(abonement.pk)
        if not _begin_if_due(abonement, today):
            return False
        log_action(abonement, code="abonement.started", changes={"starts_on": [None, str(abonement.starts_on)]})
        return True


def frozen_until(abonement, today: datetime.date) -> datetime.date | None:
    """The last frozen day if the abonement is frozen today."""
    for freeze in abonement.freezes.all():
        last = freeze.starts_on + datetime.timedelta(days=freeze.days - 1)
        if freeze.starts_on <= today <= last:
            return last
    return None


def abonement_refusal(abonement: Abonement, company, today: datetime.date) -> PrepaidError | None:
    """Why the abonement cannot be used in this branch today (apart from its balance), or None."""
    if not _allowed_in(abonement.type, company):
        return PrepaidError("branch_not_allowed")
    if abonement.expired_at or (abonement.ends_on is not None and today > abonement.ends_on):
        return PrepaidError("expired", date=abonement.ends_on)
    if abonement.starts_on is not None and today < abonement.starts_on:
        return PrepaidError("not_started", date=abonement.starts_on)
    last = frozen_until(abonement, today)
    if last is not None:
        return PrepaidError("frozen", date=last)
    return None


def _lock_abonement(pk) -> Abonement:
    return lock_row(Abonement.objects.select_related("type"), pk)


def use_abonement(
    abonement: Abonement,
    *,
    company,
    service,
    price,
    sale=None,
    user=None,
    today: datetime.date | None = None,
) -> AbonementOperation:
    """Write one visit of `service` off the abonement (a money abonement: its price). Guarantees:
    never below zero visits or money, whatever is written off concurrently (its row is locked and
    its ledger re-read); only for covered services, in its branches, within its period and not
    while frozen. The first visit of an abonement counted from first use starts its period."""
    price = parse_money(price, allow_zero=True)
    today = today or local_today(company)
    with transaction.atomic():
        abonement = _lock_abonement(abonement.pk)
        refusal = abonement_refusal(abonement, company, today)
        if refusal is not None:
            raise refusal
        if not covers(abonement.type, service.pk, service.category_id):
            raise PrepaidError("not_covered", service=service.title)
        balance = abonement_balance(abonement)
        if abonement.type.kind == AbonementKind.VISITS:
            if balance.visits < 1:
                raise PrepaidError("no_visits")
            visits, amount = -1, ZERO
        else:
            if price <= 0:
                raise PrepaidError("amount_positive")
            if price > balance.amount:
                raise PrepaidError("insufficient", balance=balance.amount)
            visits, amount = 0, -price
        if abonement.starts_on is None:
            # The first visit starts the period, unless its latest start has already come.
            start = min(today, abonement.start_by) if abonement.start_by else today
            ends = start + datetime.timedelta(days=abonement.type.validity_days - 1 + _frozen_days(abonement))
            if ends != abonement.ends_on:
                # A warning about the latest end no longer holds: the client hears of the real one.
                abonement.notified_expiring = False
            abonement.starts_on, abonement.ends_on = start, ends
            abonement.save(update_fields=["starts_on", "ends_on", "notified_expiring"])
        operation = AbonementOperation.objects.create(
            chain_id=abonement.chain_id,
            abonement=abonement,
            kind=AbonementOpKind.USE,
            visits=visits,
            amount=amount,
            service=service,
            company=company,
            sale=sale,
            created_by=_user(user),
        )
        log_action(abonement, code="abonement.used", changes={"service": [None, service.title]})
        return operation


def give_back_abonement(operation: AbonementOperation, *, user=None) -> AbonementOperation:
    """A refund of a visit written off: the visit (or money) goes back on the abonement."""
    with transaction.atomic():
        abonement = _lock_abonement(operation.abonement_id)
        operation = AbonementOperation.objects.get(pk=operation.pk)
        if operation.kind != AbonementOpKind.USE or operation.reversals.exists():
            raise PrepaidError("nothing_to_give_back")
        back = AbonementOperation.objects.create(
            chain_id=abonement.chain_id,
            abonement=abonement,
            kind=AbonementOpKind.GIVE_BACK,
            visits=-operation.visits,
            amount=-operation.amount,
            service=operation.service,
            company=operation.company,
            sale=operation.sale,
            reverses=operation,
            created_by=_user(user),
        )
        log_action(abonement, code="abonement.given_back")
        return back


def _frozen_days(abonement) -> int:
    return sum(f.days for f in AbonementFreeze.objects.filter(abonement_id=abonement.pk))


def freeze_abonement(
    abonement: Abonement, *, days, starts_on: datetime.date, user=None, comment="", today: datetime.date | None = None
) -> AbonementFreeze:
    """Pause an abonement for `days` days from `starts_on` (today or later): it cannot be used
    then, and its end moves `days` later. The type limits the days of all freezes together."""
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise PrepaidError("freeze_days") from None
    if days <= 0:
        raise PrepaidError("freeze_days")
    with transaction.atomic():
        abonement = _lock_abonement(abonement.pk)
        today = today or local_today(abonement.company)
        limit = abonement.type.freeze_days_max
        if not limit:
            raise PrepaidError("freeze_not_allowed")
        _begin_if_due(abonement, today)
        if abonement.starts_on is None or abonement.ends_on is None:
            raise PrepaidError("freeze_not_started")
        if abonement.expired_at:
            raise PrepaidError("expired", date=abonement.ends_on)
        if starts_on < today:
            raise PrepaidError("freeze_past")
        used = _frozen_days(abonement)
        if used + days > limit:
            raise PrepaidError("freeze_limit", days=max(limit - used, 0))
        last = starts_on + datetime.timedelta(days=days - 1)
        for freeze in abonement.freezes.all():
            other_last = freeze.starts_on + datetime.timedelta(days=freeze.days - 1)
            if freeze.starts_on <= last and starts_on <= other_last:
                raise PrepaidError("freeze_overlap")
        freeze = AbonementFreeze.objects.create(
            chain_id=abonement.chain_id,
            abonement=abonement,
            starts_on=starts_on,
            days=days,
            comment=(comment or "")[:255],
            created_by=_user(user),
        )
        abonement.ends_on = abonement.ends_on + datetime.timedelta(days=days)
        abonement.save(update_fields=["ends_on"])
        return freeze


def expire_abonement(abonement: Abonement, *, today: datetime.date) -> AbonementOperation | None:
    """Take what is left off an abonement past its end date. Idempotent."""
    with transaction.atomic():
        abonement = _lock_abonement(abonement.pk)
        if abonement.ends_on is None or today <= abonement.ends_on:
            return None
        if abonement.expired_at is None:
            abonement.expired_at = timezone.now()
            abonement.save(update_fields=["expired_at"])
        balance = abonement_balance(abonement)
        if balance.visits <= 0 and balance.amount <= 0:
            return None
        return AbonementOperation.objects.create(
            chain_id=abonement.chain_id,
            abonement=abonement,
            kind=AbonementOpKind.EXPIRE,
            visits=-max(balance.visits, 0),
            amount=-max(balance.amount, ZERO),
        )


class AbonementStatus:
    ACTIVE = "active"
    NOT_STARTED = "not_started"
    FROZEN = "frozen"
    USED_UP = "used_up"
    EXPIRED = "expired"


def abonement_status(abonement: Abonement, balance: AbonementBalance, today: datetime.date) -> str:
    if abonement.expired_at or (abonement.ends_on is not None and today > abonement.ends_on):
        return AbonementStatus.EXPIRED
    if abonement_left(abonement, balance) <= 0:
        return AbonementStatus.USED_UP
    if effective_start(abonement, today) is None:
        return AbonementStatus.NOT_STARTED
    if frozen_until(abonement, today):
        return AbonementStatus.FROZEN
    return AbonementStatus.ACTIVE


def live_abonements(client_id, *, today: datetime.date | None = None):
    """The client's abonements that still have something on them and have not ended, with
    their balances: [(abonement, balance)]."""
    rows = list(
        Abonement.objects.filter(client_id=client_id, expired_at__isnull=True)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today or timezone.localdate()))
        .select_related("type", "company")
        .prefetch_related("type__services", "type__categories", "type__companies", "freezes")
        .order_by("ends_on", "id")
    )
    balances = abonement_balances(rows)
    return [(a, balances[a.pk]) for a in rows if abonement_left(a, balances[a.pk]) > 0]


def covering_abonements(client_id, company, service, *, today: datetime.date | None = None):
    """The client's abonements usable in this branch today for this service: [(abonement, balance)],
    the one ending soonest first."""
    today = today or local_today(company)
    return [
        (a, b)
        for a, b in live_abonements(client_id, today=today)
        if covers(a.type, service.pk, service.category_id) and abonement_refusal(a, company, today) is None
    ]
