"""Loyalty at the cash desk, through the finance seam (frontdesk/finance/means.py):

- `LoyaltyDiscounts` offers the discounts of the client's programmes, each with its reason; the
  checkout pre-fills the best one (rules.py states which applies);
- `BonusMeans` lets the client pay part of a check with bonuses (up to the programme's % of the
  check), writing a redemption linked to the sale under the card's lock; a refund gives them back;
- `finance.sale_opened` marks the referrer's one-time referral discount used by the sale that applies it;
- `finance.sale_settled` accrues bonuses on the money paid, takes them back proportionally on a refund,
  moves statuses and rewards referrals (services.settle_sale).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.core.money import format_money, to_money
from frontdesk.finance import means
from frontdesk.finance.signals import sale_opened, sale_settled
from frontdesk.loyalty import ledger, rules, services
from frontdesk.loyalty.errors import LoyaltyError
from frontdesk.loyalty.models import BonusOperation, OperationKind, ProgrammeKind

BONUS_CODE = "bonus"
HUNDRED = Decimal(100)


def redeem_percent(card, company_id) -> Decimal:
    """The most bonuses may pay of a check here: the largest % among the card's bonus programmes
    valid in this branch (one balance per card, whichever programme filled it)."""
    percents = [
        p.redeem_percent
        for p in card.programmes.all()
        if p.kind == ProgrammeKind.BONUS and p.is_active and p.valid_in(company_id)
    ]
    return max(percents, default=Decimal(0))


def redeem_limit(card, company_id, total) -> Decimal:
    percent = redeem_percent(card, company_id)
    # Rounded down to whole kopecks: never a kopeck more than the programme allows.
    cap = (Decimal(total) * percent / HUNDRED).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    return cap


def _means_classes():
    class BonusMeans(means.PaymentMeans):
        code = BONUS_CODE
        label = gettext_lazy("Bonuses")
        order = 10

        def options(self, draft):
            card = rules.card_of(getattr(draft, "client", None))
            if card is None or draft.total <= 0:
                return []
            percent = redeem_percent(card, draft.company.pk)
            if percent <= 0:
                return []
            available = ledger.spendable(card)
            total = draft.total
            if not draft.discount:
                # The desk pre-fills the best loyalty discount: bonuses pay a share of what is left.
                offer = means.best_offer(draft)
                total -= offer.amount if offer else 0
            limit = min(available, redeem_limit(card, draft.company.pk, total))
            if limit <= 0:
                return []
            label = _("Bonuses: %(balance)s on card %(card)s, up to %(percent)s%% of the check") % {
                "balance": format_money(available),
                "card": card.number,
                "percent": rules._plain_percent(percent),
            }
            return [means.MeansOption(BONUS_CODE, "", label, to_money(limit))]

        def belongs(self, draft, ref):
            # The only balance this means names is the client's own card (`spend` reads it).
            return draft.client is not None and not ref

        def spend(self, sale, ref, amount, *, user):
            card = rules.card_of(sale.client)
            if card is None:
                raise means.MeansError(str(LoyaltyError("no_card").text))
            amount = to_money(amount)
            card = ledger.lock_card(card)
            if redeem_percent(card, sale.company_id) <= 0:
                raise means.MeansError(LoyaltyError("no_bonus_programme").text)
            limit = redeem_limit(card, sale.company_id, sale.total)
            # What bonuses already paid on this sale counts towards the limit too.
            already = -sum(
                (
                    op.amount
                    for op in BonusOperation.objects.filter(card=card, sale=sale, kind=OperationKind.REDEMPTION)
                ),
                Decimal(0),
            )
            if amount + already > limit:
                raise means.MeansError(LoyaltyError("over_limit", limit=limit).text)
            try:
                op = ledger.debit(card, OperationKind.REDEMPTION, amount, company=sale.company, sale=sale, user=user)
            except LoyaltyError as error:
                raise means.MeansError(error.text) from None
            return str(op.pk)

        def give_back(self, payment, amount, *, user):
            sale = payment.sale
            card = rules.card_of(sale.client)
            card = ledger.lock_card(card)
            original = BonusOperation.objects.filter(pk=int(payment.operation), card=card).first()
            programme = ledger.bonus_programme_of(card, sale.company_id)
            op = ledger.credit(
                card,
                OperationKind.REDEMPTION_RETURN,
                amount,
                programme=programme,
                company=sale.company,
                sale=sale,
                user=user,
                reverses=original,
            )
            return str(op.pk)

    class LoyaltyDiscounts(means.DiscountProvider):
        def offers(self, draft):
            return [means.DiscountOffer(o.source, o.label, o.amount) for o in rules.offers(draft)]

    return BonusMeans, LoyaltyDiscounts


def on_sale_settled(sale, kind):
    services.settle_sale(sale, kind)


def on_sale_opened(sale):
    services.use_referrer_discount(sale)


def connect() -> None:
    """Register with the finance seam (AppConfig.ready)."""
    bonus_means, discounts = _means_classes()
    means.register_means(bonus_means())
    means.register_discount(discounts())
    sale_settled.listen(on_sale_settled)
    sale_opened.listen(on_sale_opened)
