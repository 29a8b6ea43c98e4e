"""`manage.py verify_analytics` compares the overview's figures with the plain recomputation."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from frontdesk.analytics import overview
from frontdesk.analytics.tests.test_dashboard import _paid_visit_today

pytestmark = pytest.mark.django_db


def test_verify_analytics_finds_every_figure_equal_on_a_real_database(tenant_a, tenant_b):
    _paid_visit_today(tenant_a.company, 2750)
    out = io.StringIO()

    call_command("verify_analytics", "--days", "7", stdout=out)

    assert "2 network(s): every figure equals the recomputation" in out.getvalue()


def test_verify_analytics_prints_a_figure_that_differs_and_fails(tenant_a, monkeypatch):
    _paid_visit_today(tenant_a.company, 2750)
    wrong = overview.Today(bookings=5, arrived=0, to_come=0, revenue=Decimal("0.00"))
    monkeypatch.setattr(overview, "today", lambda companies, now: wrong)
    out = io.StringIO()

    with pytest.raises(CommandError, match="difference"):
        call_command("verify_analytics", "--chain", str(tenant_a.chain.pk), stdout=out)

    assert "today: Today(bookings=5" in out.getvalue()
