"""The demo's certificates and abonements: two certificate types and two abonement types; once
the counter sale is there, a few of each sold (see `demo_prepaid`)."""

from __future__ import annotations

from decimal import Decimal

from frontdesk.prepaid.models import AbonementKind, AbonementType, AppliesTo, CertificateType
from frontdesk.tenancy.demo import register_demo_step


@register_demo_step(47)
def demo_prepaid(demo) -> None:
    chain = demo.chain
    CertificateType.objects.create(
        chain=chain, title="Подарочный сертификат 3 000 ₽", nominal=Decimal("3000"), validity_days=365
    )
    CertificateType.objects.create(
        chain=chain,
        title="Сертификат на любую сумму",
        amount_min=Decimal("1000"),
        amount_max=Decimal("50000"),
        applies_to=AppliesTo.BOTH,
        validity_days=180,
    )
    AbonementType.objects.create(
        chain=chain,
        title="8 посещений",
        kind=AbonementKind.VISITS,
        price=Decimal("9600"),
        visits=8,
        validity_days=60,
        from_first_use=True,
        freeze_days_max=14,
    )
    AbonementType.objects.create(
        chain=chain,
        title="Депозит 10 000 ₽",
        kind=AbonementKind.MONEY,
        price=Decimal("9000"),
        amount=Decimal("10000"),
        validity_days=180,
        freeze_days_max=30,
    )
