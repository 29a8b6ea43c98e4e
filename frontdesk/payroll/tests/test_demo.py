"""The demo network pays every employee by a scheme, and last month is closed and paid out."""

from frontdesk.core.scopes import scope
from frontdesk.payroll.models import Assignment, Line, Payout, Period
from frontdesk.payroll.services import balances
from frontdesk.staff.models import Specialist
from frontdesk.tenancy.demo import create_demo


def test_the_demo_has_schemes_for_everyone_and_last_month_closed_and_paid(db):
    demo = create_demo()
    with scope(demo.chain):
        for company in demo.companies:
            staff = list(Specialist.objects.filter(companies=company, is_dismissed=False))
            assert {a.specialist_id for a in Assignment.objects.filter(company=company)} == {s.pk for s in staff}
            period = Period.objects.get(company=company)
            assert Line.objects.filter(period=period, kind="service").exists()
            paid = set(Payout.objects.filter(company=company).values_list("specialist_id", flat=True))
            owed = balances(company, [s.pk for s in staff])
            # Everyone with something earned was paid; whoever is still owed, the branch had not the money.
            assert paid and all(owed[pk] == 0 for pk in paid)
