"""A database restart costs no request: on PostgreSQL a kept-open connection is checked before a
request reuses it (CONN_HEALTH_CHECKS), so a worker whose connection the server dropped reconnects
instead of answering its next request with a 500 (issue 22, B12)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import close_old_connections, connection


def test_the_postgresql_configuration_checks_connections_before_reuse():
    # The real settings module in a fresh interpreter, as gunicorn would load it with DATABASE_URL set.
    env = {**os.environ, "DATABASE_URL": "postgres://frontdesk@127.0.0.1:5432/frontdesk"}
    env.pop("DB_CONN_MAX_AGE", None)
    code = (
        "import json, config.settings as s; d = s.DATABASES['default'];"
        "print(json.dumps([d['ENGINE'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    engine, max_age, health_checks = json.loads(result.stdout.strip().splitlines()[-1])
    assert engine == "django.db.backends.postgresql"
    assert max_age == 60
    assert health_checks is True


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_is_replaced_at_the_next_request(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("a server-side restart of a kept-open connection is a PostgreSQL matter")
    # Keep the connection open between requests, as production does (DB_CONN_MAX_AGE).
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (old_pid,) = cursor.fetchone()

    # The server drops the backend, as a PostgreSQL restart would, through a second connection.
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [old_pid])
            assert cursor.fetchone() == (True,)
    finally:
        other.close()

    # What Django does when a request starts; the test client leaves it out, so call it here.
    close_old_connections()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (new_pid,) = cursor.fetchone()
    assert new_pid != old_pid
