"""The demo network's overview shows its history: the facts are built with the demo and equal a
fresh computation."""

import datetime

from django.utils import timezone

from frontdesk.analytics import facts
from frontdesk.analytics.models import DayFacts, StaleDay
from frontdesk.core.scopes import scope
from frontdesk.tenancy.demo import create_demo


def test_the_demo_networks_facts_are_built_and_true(db):
    demo = create_demo()
    with scope(demo.chain):
        assert not StaleDay.objects.exists()
        for company in demo.companies:
            today = timezone.now().astimezone(company.tz).date()
            assert DayFacts.objects.filter(company=company, date__lt=today, came__gt=0).exists()
            assert facts.stored_differences(company, today - datetime.timedelta(days=60), today) == []
