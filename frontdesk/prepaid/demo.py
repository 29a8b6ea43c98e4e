"""The demo's certificates and abonements: two certificate types, an 8-visit abonement for the
yoga classes and a money abonement, and a few of each sold at every branch's counter through the
same counter sale as the front desk. Runs after the money step (the branches' cash desks)."""

from __future__ import annotations

import random
from decimal import Decimal

from frontdesk.catalog.models import Service
from frontdesk.clients.models import Client
from frontdesk.finance.checkout import CounterLine, sell_at_counter
from frontdesk.finance.models import Account, AccountKind, PaymentMethod
from frontdesk.finance.services import Payment
from frontdesk.prepaid.models import AbonementKind, AbonementType, AppliesTo, CertificateType
from frontdesk.tenancy.demo import register_demo_step


@register_demo_step(47)
def demo_prepaid(demo) -> None:
    rng = random.Random(20261123)
    chain = demo.chain
    fixed = CertificateType.objects.create(
        chain=chain, title="Подарочный сертификат 3 000 ₽", nominal=Decimal("3000"), validity_days=365
    )
    free = CertificateType.objects.create(
        chain=chain,
        title="Сертификат на любую сумму",
        amount_min=Decimal("1000"),
        amount_max=Decimal("50000"),
        applies_to=AppliesTo.BOTH,
        validity_days=180,
    )
    yoga = AbonementType.objects.create(
        chain=chain,
        title="Йога: 8 занятий",
        kind=AbonementKind.VISITS,
        price=Decimal("6400"),
        visits=8,
        validity_days=60,
        from_first_use=True,
        freeze_days_max=14,
    )
    # In Python: SQLite's LIKE ignores case for ASCII letters only.
    yoga.services.set([s for s in Service.objects.filter(chain=chain) if "йога" in s.title.lower()])
    deposit = AbonementType.objects.create(
        chain=chain,
        title="Депозит 10 000 ₽",
        kind=AbonementKind.MONEY,
        price=Decimal("9000"),
        amount=Decimal("10000"),
        validity_days=180,
        freeze_days_max=30,
    )
    clients = list(Client.objects.filter(chain=chain).order_by("id")[:40])
    if not clients:
        return
    for company in demo.companies:
        desk = Account.objects.filter(company=company, kind=AccountKind.CASH).first()
        if desk is None:
            continue
        sales = [
            (fixed, Decimal("3000"), None),
            (free, Decimal("5000"), rng.choice(clients)),
            (yoga, yoga.price, rng.choice(clients)),
            (deposit, deposit.price, rng.choice(clients)),
        ]
        for type_, price, buyer in sales:
            kind = "certificate" if isinstance(type_, CertificateType) else "abonement"
            sell_at_counter(
                company,
                client=buyer,
                lines=[
                    CounterLine(kind, ("ct" if kind == "certificate" else "at") + str(type_.pk), type_.title, price)
                ],
                payments=[Payment(desk, PaymentMethod.CASH, price)],
                user=demo.admin,
            )
