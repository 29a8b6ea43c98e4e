import datetime

from frontdesk.core.scopes import scope
from frontdesk.staff.models import Specialist, WorkInterval
from frontdesk.tenancy.demo import SPECIALISTS, create_demo


def test_the_demo_has_eight_specialists_with_three_months_of_shifts(db):
    demo = create_demo()
    with scope(demo.chain):
        specialists = list(Specialist.objects.select_related("position", "user").order_by("sort_order"))
        assert [s.name for s in specialists] == [name for name, _ in SPECIALISTS]
        assert specialists[0].user == demo.specialist_users[0]
        for index, specialist in enumerate(specialists):
            assert list(specialist.companies.all()) == [demo.companies[index % 2]]
            assert specialist.position is not None
            days = WorkInterval.objects.filter(specialist=specialist).values("date").distinct().count()
            assert days > 40
        lunch = WorkInterval.objects.filter(specialist=specialists[4], start=datetime.time(14))
        assert lunch.exists()
