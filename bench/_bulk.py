"""Plain bulk inserts for the benchmarks' generators: rows as tuples, written with PostgreSQL's
COPY or SQLite's executemany, with no model instances in between.

Why: `bulk_create` spends most of its time compiling each value through the fields (a profile of
`bench/clients.py` generating 2,000 clients: 15 of its 24 s in `SQLInsertCompiler.as_sql` and
`Model.__init__`), which made the full client-base network take hours. Here the caller gives the
values already in the database's form (`moment` for datetimes) and every other column of the
model gets its default, computed once per table.
"""

import contextlib
import datetime
import json

from django.db import connection
from django.db.models import JSONField
from django.utils import timezone

BATCH = 20_000


def loading() -> None:
    """Settings of this connection for a long load. SQLite: a 1 GiB page cache (the default 2 MB
    re-reads the indexes of a table of millions of rows from disk on every insert) and no fsync
    per commit (a crash mid-generation loses at most the chunk being written; generation resumes)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1048576")
            cursor.execute("PRAGMA synchronous = OFF")
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")


def moment(value: datetime.datetime, _utc=datetime.UTC):
    """An aware datetime as the database takes it (SQLite: naive UTC text, as Django stores it)."""
    if connection.vendor == "sqlite":
        return value.astimezone(_utc).replace(tzinfo=None).isoformat(" ")
    return value


def next_ids(model, count: int) -> range:
    """Primary keys for `count` new rows, written explicitly (the caller needs them for the rows
    that point at these); `reset_sequences` afterwards on PostgreSQL."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        low = cursor.fetchone()[0] + 1
    return range(low, low + count)


def reset_sequences(*models) -> None:
    """After explicit primary keys: PostgreSQL's sequences start past them (SQLite needs nothing)."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)


def insert(model, columns: tuple[str, ...], rows) -> int:
    """Insert `rows` (tuples of the `columns`' values, database-ready) into the model's table;
    the other columns take their defaults (auto_now / auto_now_add: the moment of the call).
    Returns the number of rows written."""
    now = timezone.now()
    extra_columns, extra_values = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns or (field.primary_key and "id" not in columns):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default() or not field.null:
            value = field.get_default()
        else:
            value = None
        if isinstance(field, JSONField):
            value = json.dumps(value)
        elif connection.vendor == "sqlite":
            value = field.get_db_prep_save(value, connection)
        extra_columns.append(field.column)
        extra_values.append(value)
    names = ", ".join(connection.ops.quote_name(c) for c in (*columns, *extra_columns))
    table = connection.ops.quote_name(model._meta.db_table)
    extra = tuple(extra_values)
    written = 0
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row + extra)
                written += 1
        return written
    marks = ", ".join(["?"] * (len(columns) + len(extra)))
    statement = f"INSERT INTO {table} ({names}) VALUES ({marks})"
    cursor = connection.connection.cursor()
    batch = []
    for row in rows:
        batch.append(row + extra)
        if len(batch) >= BATCH:
            cursor.executemany(statement, batch)
            written += len(batch)
            batch = []
    if batch:
        cursor.executemany(statement, batch)
        written += len(batch)
    return written


@contextlib.contextmanager
def bare_tables(*models):
    """PostgreSQL: load into these tables without their secondary indexes and constraints, then
    build them back in one pass each (much faster than maintaining them row by row for millions
    of rows), with foreign-key triggers off for the session (the generator's rows are consistent
    by construction; `session_replication_role` needs the superuser the bench's own server has).
    A no-op elsewhere."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'x')""",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
               WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for table, name, definition in constraints:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for _name, definition in indexes:
                cursor.execute(definition)
