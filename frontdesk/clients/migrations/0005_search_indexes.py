"""Indexes for "any part" search of phones and names.

PostgreSQL: pg_trgm GIN indexes, which serve `LIKE '%…%'` directly.
SQLite: an FTS5 table with the trigram tokenizer (SQLite ≥ 3.34) over the phone and the
lower-cased name, kept in sync with the client table by triggers. `selectors.search` reads it
when it exists; on an older SQLite it is not created and the search falls back to a scan.
"""

import sqlite3

from django.db import migrations

PG_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS client_phone_trgm ON clients_client USING gin ((phone::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS client_name_search_trgm ON clients_client "
    "USING gin ((name_search::text) gin_trgm_ops)",
]
PG_DROP = ["DROP INDEX IF EXISTS client_phone_trgm", "DROP INDEX IF EXISTS client_name_search_trgm"]

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS clients_client_fts USING fts5("
    "phone, name_search, content='clients_client', content_rowid='id', tokenize='trigram')",
    "INSERT INTO clients_client_fts(clients_client_fts) VALUES ('rebuild')",
    "CREATE TRIGGER IF NOT EXISTS clients_client_fts_ai AFTER INSERT ON clients_client BEGIN "
    "INSERT INTO clients_client_fts(rowid, phone, name_search) VALUES (new.id, new.phone, new.name_search); END",
    "CREATE TRIGGER IF NOT EXISTS clients_client_fts_ad AFTER DELETE ON clients_client BEGIN "
    "INSERT INTO clients_client_fts(clients_client_fts, rowid, phone, name_search) "
    "VALUES ('delete', old.id, old.phone, old.name_search); END",
    "CREATE TRIGGER IF NOT EXISTS clients_client_fts_au AFTER UPDATE OF phone, name_search ON clients_client BEGIN "
    "INSERT INTO clients_client_fts(clients_client_fts, rowid, phone, name_search) "
    "VALUES ('delete', old.id, old.phone, old.name_search); "
    "INSERT INTO clients_client_fts(rowid, phone, name_search) VALUES (new.id, new.phone, new.name_search); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS clients_client_fts_ai",
    "DROP TRIGGER IF EXISTS clients_client_fts_ad",
    "DROP TRIGGER IF EXISTS clients_client_fts_au",
    "DROP TABLE IF EXISTS clients_client_fts",
]


def sqlite_has_trigram() -> bool:
    return sqlite3.sqlite_version_info >= (3, 34, 0)


def _run(pg, lite):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            statements = pg
        elif vendor == "sqlite" and sqlite_has_trigram():
            statements = lite
        else:
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("clients", "0004_client_stats")]

    operations = [migrations.RunPython(_run(PG_CREATE, SQLITE_CREATE), _run(PG_DROP, SQLITE_DROP))]
