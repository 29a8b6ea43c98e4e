"""The daily loyalty job (`manage.py loyalty_daily`, or the `loyalty_daily_task`): write off
expired bonuses, credit birthday bonuses, warn clients whose bonuses expire soon. Every part is
idempotent — a lot expires once (its key), a birthday bonus is credited once a year (its key),
a warning is queued once per lot — so running it twice, or after a missed day, is harmless."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from frontdesk.core.money import format_money
from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.loyalty import ledger
from frontdesk.loyalty.models import BonusOperation, Card, Membership, OperationKind, ProgrammeKind
from frontdesk.loyalty.notify import EXPIRING, notify

WARN_DAYS = 7


def _chains_with_cards() -> list[int]:
    with scopes_disabled():
        return list(Card.objects.values_list("chain_id", flat=True).distinct())


def expire_bonuses(now=None) -> int:
    """Write off what is left of every lot past its expiry, card by card under the card's lock."""
    now = now or timezone.now()
    count = 0
    for chain_id in _chains_with_cards():
        with scope(chain_id):
            card_ids = set(
                BonusOperation.objects.filter(amount__gt=0, expires_at__lte=now)
                .exclude(reversals__kind=OperationKind.EXPIRY)
                .values_list("card_id", flat=True)
            )
            for card_id in sorted(card_ids):
                with transaction.atomic():
                    count += len(ledger.expire_due(ledger.lock_card(card_id), now))
    return count


def grant_birthday_bonuses(today: datetime.date | None = None) -> int:
    """Credit each bonus programme's birthday bonus to the cards of clients born today, once a year."""
    today = today or timezone.localdate()
    count = 0
    for chain_id in _chains_with_cards():
        with scope(chain_id):
            memberships = Membership.objects.filter(
                programme__is_active=True,
                programme__kind=ProgrammeKind.BONUS,
                programme__birthday_bonus__gt=0,
                card__client__birthday_md=today.month * 100 + today.day,
            ).select_related("programme", "card")
            for membership in memberships:
                with transaction.atomic():
                    card = ledger.lock_card(membership.card_id)
                    op = ledger.credit(
                        card,
                        OperationKind.BIRTHDAY,
                        membership.programme.birthday_bonus,
                        programme=membership.programme,
                        key=f"birthday:{today.year}:{card.pk}:{membership.programme_id}",
                    )
                    count += op is not None
    return count


def warn_expiring(now=None, days: int = WARN_DAYS) -> int:
    """Tell clients about bonuses that expire within `days` (once per lot)."""
    now = now or timezone.now()
    count = 0
    for chain_id in _chains_with_cards():
        with scope(chain_id):
            lots = (
                BonusOperation.objects.filter(
                    amount__gt=0, expires_at__gt=now, expires_at__lte=now + datetime.timedelta(days=days)
                )
                .select_related("card__client", "card__company", "company")
                .order_by("card_id", "expires_at")
            )
            for op in lots:
                left = next((lot.left for lot in ledger.lots(op.card) if lot.operation.pk == op.pk), None)
                company = op.company or op.card.company
                if not left or company is None:
                    continue
                sent = notify(
                    company,
                    op.card.client,
                    EXPIRING,
                    {"amount": format_money(left), "expires": op.expires_at.date().isoformat(), "card": op.card.number},
                    f"loyalty:expiring:{op.pk}",
                )
                count += sent
    return count


def run_daily(now=None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "expired": expire_bonuses(now),
        "birthdays": grant_birthday_bonuses(timezone.localdate(now)),
        "warned": warn_expiring(now),
    }
