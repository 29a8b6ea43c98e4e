"""Schemathesis fuzzes every operation of the project's own OpenAPI document through the WSGI
application: whatever it sends, the API never answers with a server error."""

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.api.tests.conftest import user_token

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.generation import GenerationMode  # noqa: E402

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 20


@pytest.fixture
def wsgi_app(settings):
    """The WSGI application over the test's database: like Django's test client, keep the
    request signals from closing the connection the test's transaction lives in."""
    settings.API_RATE_LIMIT = 0
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_no_operation_answers_with_a_server_error(salon, alice, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    headers = {
        "Authorization": f"Bearer {salon.partner}, User {user_token(salon, alice)}",
        "Accept": "application/vnd.yclients.v2+json",
    }
    real_ids = {
        "company_id": salon.company.pk,
        "id": salon.company.pk,
        "staff_id": salon.specialist.pk,
        "service_id": salon.service.pk,
        "date": salon.day.isoformat(),
    }
    operations = [result.ok() for result in schema.get_all_operations()]
    # The 26 P0 operations, book_code, the 10 analytics and report ones and the 13 of goods and storages.
    assert len(operations) == 50
    failures = []
    for operation in operations:
        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, real=st.booleans())
        def run(case, real):
            if real and case.path_parameters:
                # Half the cases use ids that exist, so the fuzzing reaches past "not found".
                for name, value in real_ids.items():
                    if name in case.path_parameters:
                        case.path_parameters[name] = value
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append((case.operation.label, case.as_curl_command(headers=headers), response.text[:300]))

        run()
    cache.clear()
    assert failures == []
