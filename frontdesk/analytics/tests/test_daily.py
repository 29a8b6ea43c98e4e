"""The overview's figures split by local date (analytics.daily, the API's daily charts) add up to
the overview's figure for the whole period, and the specialist filter keeps exactly that
specialist's part, after any sequence of bookings, status changes, moves, checkouts, payments,
refunds and shifts in two branches whose time zones differ."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.analytics import daily, overview
from frontdesk.analytics.overview import Period
from frontdesk.analytics.tests.test_overview_properties import (  # noqa: F401 (network is a fixture)
    DAYS,
    FIRST_DAY,
    ZONES,
    _apply,
    network,
    operations,
)
from frontdesk.core.money import to_money

pytestmark = pytest.mark.django_db


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
    ops=st.lists(operations, min_size=1, max_size=25),
    first=st.integers(0, DAYS - 1),
    length=st.integers(1, DAYS),
)
def test_the_days_add_up_to_the_period_and_a_specialist_is_their_own_part(network, zones, ops, first, length):  # noqa: F811
    branches, _services, specialists = network[0], network[1], network[2]
    with transaction.atomic():
        for company, zone in zip(branches, zones, strict=True):
            company.timezone = zone
            company.save(update_fields=["timezone"])
        records = []
        for op in ops:
            _apply(op, network, records)
        period = Period(
            FIRST_DAY + datetime.timedelta(days=first),
            FIRST_DAY + datetime.timedelta(days=min(first + length, DAYS) - 1),
        )
        revenue = daily.revenue_by_day(branches, period)
        assert to_money(sum(revenue.values())) == overview.revenue(branches, period).revenue
        visits = daily.visits_by_day(branches, period)
        assert {g: sum(v[g] for v in visits.values()) for g in overview.STATUS_GROUPS} == overview.visits_by_status(
            branches, period
        )
        fill = daily.fill_by_day(branches, period)
        whole = overview.fill_rate(branches, period)
        assert sum(f.booked_minutes for f in fill.values()) == whole.booked_minutes
        assert sum(f.scheduled_minutes for f in fill.values()) == whole.scheduled_minutes
        # Each branch has one specialist: the network's figures for one of them are the branch's.
        for company, specialist in zip(branches, specialists, strict=True):
            mine = overview.period_figures([company], period)
            assert overview.revenue(branches, period, specialist=specialist) == mine.revenue
            assert overview.visits_by_status(branches, period, specialist=specialist.pk) == mine.visits
            assert overview.booking_sources(branches, period, specialist=[specialist.pk]) == mine.sources
            assert overview.clients(branches, period, specialist=specialist) == mine.clients
            assert overview.fill_rate(branches, period, specialist=specialist) == mine.fill_rate
        transaction.set_rollback(True)
