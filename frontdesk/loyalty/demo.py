"""The demo's loyalty: a cumulative discount with three steps (3, 6 and 10 visits → 3%, 5%, 10%),
a bonus programme (5% cashback, up to 30% of a check, a year's lifetime, 300 welcome bonuses,
silver and gold statuses), and cards for the clients with the most visits. Runs before the money
step, so the demo's checkouts accrue bonuses and move statuses like real ones."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count

from frontdesk.clients.models import Client
from frontdesk.loyalty.models import Basis, IssuedVia, Programme, ProgrammeKind, Tier
from frontdesk.loyalty.services import issue_card
from frontdesk.tenancy.demo import register_demo_step


@register_demo_step(44)
def demo_loyalty(demo) -> None:
    chain = demo.chain
    club = Programme.objects.create(
        chain=chain,
        title="Клуб постоянных гостей",
        kind=ProgrammeKind.CUMULATIVE,
        basis=Basis.VISITS,
        window_days=365,
        lapse_days=180,
        self_issue=True,
    )
    for threshold, percent in ((3, 3), (6, 5), (10, 10)):
        Tier.objects.create(chain=chain, programme=club, threshold=threshold, discount_services=percent)
    bonus = Programme.objects.create(
        chain=chain,
        title="Бонусы «Кэшбэк»",
        kind=ProgrammeKind.BONUS,
        accrual_percent=Decimal("5"),
        redeem_percent=Decimal("30"),
        bonus_lifetime_days=365,
        welcome_bonus=Decimal("300"),
        birthday_bonus=Decimal("500"),
        self_issue=True,
        basis=Basis.SPEND,
        referrer_bonus=Decimal("500"),
        newcomer_bonus=Decimal("300"),
    )
    Tier.objects.create(chain=chain, programme=bonus, threshold=0, accrual_percent=Decimal("5"))
    Tier.objects.create(chain=chain, programme=bonus, threshold=20000, name="Серебро", accrual_percent=Decimal("7"))
    Tier.objects.create(
        chain=chain, programme=bonus, threshold=50000, name="Золото", accrual_percent=Decimal("10"), discount_goods=5
    )
    regulars = Client.objects.annotate(n=Count("records")).filter(n__gt=0).order_by("-n", "pk")[:30]
    for client in regulars:
        issue_card(client, programmes=[club, bonus], company=demo.companies[0], via=IssuedVia.DEMO, user=demo.admin)
