"""After a migrate that changed something, SQLite's planner statistics are there again."""

import pytest
from django.db import connection

from frontdesk.core.sqlite_stats import refresh_after_migrate

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps its own statistics"),
]


def _stats():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone():
            return 0
        cursor.execute("SELECT count(*) FROM sqlite_stat1")
        return cursor.fetchone()[0]


def _forget():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("DELETE FROM sqlite_stat1")


def test_a_migrate_that_applied_something_gathers_the_statistics(tenant_a):
    _forget()

    refresh_after_migrate(sender=None, using="default", plan=[(object(), False)])

    assert _stats() > 0


def test_a_migrate_with_nothing_to_do_leaves_them_alone(tenant_a):
    _forget()

    refresh_after_migrate(sender=None, using="default", plan=[])

    assert _stats() == 0
