"""SQLite forgets a table's query-planner statistics when a migration rebuilds it (SQLite alters
a table by copying it). Without them the planner may pick a poor index — the whole network's
overview went from ~150 ms to ~1.2 s on the benchmark copy after the records table was rebuilt.
So after `migrate` applies anything on SQLite, the statistics are gathered again. PostgreSQL
keeps its own (autovacuum analyses changed tables)."""

from __future__ import annotations

from django.db import connections


def refresh_after_migrate(sender, using="default", plan=None, **kwargs) -> None:
    """post_migrate receiver: ANALYZE when this run applied a migration forwards on SQLite."""
    connection = connections[using]
    if connection.vendor != "sqlite" or not plan:
        return
    if not any(not backwards for _migration, backwards in plan):
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
