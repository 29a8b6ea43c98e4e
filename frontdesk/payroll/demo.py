"""The demo's payroll: three schemes (the master's also pays 10 % of the goods sold), one for every demo employee in every branch they work in
(from the first day of the past month), the past month closed and paid out from the
branch's cash desk (or its bank account when the desk has not got the money) — all through the
same services as the back office. Runs after the money step (accounts and checked-out visits)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from frontdesk.catalog.models import Service
from frontdesk.finance.models import Account, AccountKind
from frontdesk.finance.services import balance
from frontdesk.payroll.models import PayoutKind, Scheme, SchemeRule
from frontdesk.payroll.services import assign_scheme, balances, close_period, pay_out
from frontdesk.staff.models import Specialist
from frontdesk.tenancy.demo import register_demo_step


def _schemes(chain) -> list[Scheme]:
    master = Scheme.objects.create(
        chain=chain,
        title="Мастер: 40 % услуг, 10 % товаров, минимум 30 000 ₽",
        service_percent=Decimal("40"),
        goods_percent=Decimal("10"),
        minimum=Decimal("30000"),
    )
    senior = Scheme.objects.create(
        chain=chain, title="Старший мастер: 45 % услуг до скидки", service_percent=Decimal("45"), basis="before"
    )
    trainee = Scheme.objects.create(
        chain=chain,
        title="Стажёр: 20 % услуг и 1 500 ₽ за смену",
        service_percent=Decimal("20"),
        per_shift=Decimal("1500"),
    )
    return [master, senior, trainee]


@register_demo_step(52)
def demo_payroll(demo) -> None:
    schemes = _schemes(demo.chain)
    # A senior master is paid a fixed 500 ₽ for every service of the first category she does.
    first_service = None
    for company in demo.companies:
        today = timezone.localtime(timezone.now(), company.tz).date()
        this_month = today.replace(day=1)
        start = (this_month - datetime.timedelta(days=1)).replace(day=1)
        specialists = list(Specialist.objects.filter(companies=company, is_dismissed=False).order_by("pk"))
        for n, specialist in enumerate(specialists):
            assign_scheme(company, specialist, schemes[n % len(schemes)], start, user=demo.owner)
        if first_service is None:
            first_service = Service.objects.filter(company=company).order_by("pk").first()
            if first_service is not None:
                SchemeRule.objects.create(
                    chain=demo.chain, scheme=schemes[1], service=first_service, fixed=Decimal("500")
                )
        close_period(company, start, this_month - datetime.timedelta(days=1), user=demo.owner)
        desk = Account.objects.filter(company=company, kind=AccountKind.CASH).first()
        bank = Account.objects.filter(company=company, kind=AccountKind.BANK).first()
        owed = balances(company, [s.pk for s in specialists])
        for specialist in specialists:
            amount = owed[specialist.pk]
            if amount <= 0:
                continue
            account = desk if desk is not None and balance(desk) >= amount else bank
            if account is None:
                continue
            try:
                pay_out(company, specialist, account, amount, kind=PayoutKind.SALARY, user=demo.owner)
            except ValidationError:
                continue  # the branch has not got the money: the balance stays owed, as in life
