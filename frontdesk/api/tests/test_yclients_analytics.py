"""The real `yclients` 0.1.1 client library reads every analytics and report operation: each
answer parses into the client's own typed model, and what it parsed is what the server meant."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from frontdesk.api.tests.conftest import ApiClient, user_token
from frontdesk.api.tests.test_analytics import FIRST, LAST, week  # noqa: F401 (a fixture)
from frontdesk.api.tests.test_yclients_client import yclients_python  # noqa: F401 (a fixture)
from frontdesk.testing.fixtures import PASSWORD

DRIVER = Path(__file__).with_name("yclients_analytics_driver.py")
PATHS = {
    "overall": "/api/v1/company/{c}/analytics/overall/",
    "income_daily": "/api/v1/company/{c}/analytics/overall/charts/income_daily/",
    "records_daily": "/api/v1/company/{c}/analytics/overall/charts/records_daily/",
    "fullness_daily": "/api/v1/company/{c}/analytics/overall/charts/fullness_daily/",
    "record_source": "/api/v1/company/{c}/analytics/overall/charts/record_source/",
    "record_status": "/api/v1/company/{c}/analytics/overall/charts/record_status/",
    "loyalty_visits": "/api/v1/company/{c}/analytics/loyalty_programs/visits",
    "loyalty_income": "/api/v1/company/{c}/analytics/loyalty_programs/income/",
    "loyalty_staff": "/api/v1/company/{c}/analytics/loyalty_programs/staff/",
}


def _without_nulls(value):
    """The client's models fill every field it knows and never saw with None."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


@pytest.mark.django_db(transaction=True)
def test_the_yclients_client_reads_every_analytics_operation(yclients_python, live_server, week, alice):  # noqa: F811
    company = week["company"]
    env = {
        **os.environ,
        "BASE_URL": live_server.url,
        "PARTNER": week["salon"].partner,
        "LOGIN": alice.email,
        "PASSWORD": PASSWORD,
        "COMPANY_ID": str(company.pk),
        "STAFF_ID": str(week["boris"].pk),
        "DATE_FROM": FIRST.isoformat(),
        "DATE_TO": LAST.isoformat(),
    }
    result = subprocess.run([yclients_python, DRIVER], env=env, capture_output=True, text=True, timeout=120, cwd="/")
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout)

    # The client sends no Accept-Language: the answers are in Russian, the default.
    direct = ApiClient(week["salon"].partner, user_token(week["salon"], alice), language="ru")
    period = {"date_from": FIRST.isoformat(), "date_to": LAST.isoformat()}
    for name, path in PATHS.items():
        sent = direct.get(path.format(c=company.pk), **period).json()["data"]
        assert _without_nulls(seen[name]) == _without_nulls(sent), name
    assert seen["overall"]["income_total_stats"]["current_sum"] == "5000.00"
    assert seen["overall_staff"]["income_total_stats"]["current_sum"] == "1700.00"
    assert seen["z_report"]["stats"]["targets_paid"] == 2000
