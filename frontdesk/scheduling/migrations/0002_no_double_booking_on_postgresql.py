"""On PostgreSQL the database itself refuses a double booking: an exclusion constraint over each
specialist's time ranges (invariant 1 in DESIGN.md). SQLite has no such constraint; there the
booking transaction takes the write lock (BEGIN IMMEDIATE) before it checks."""

from django.db import migrations

HOLDING = "('booked', 'confirmed', 'arrived', 'completed')"

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE scheduling_record ADD CONSTRAINT record_no_double_booking EXCLUDE USING gist "
    "(specialist_id WITH =, tstzrange(block_start, block_end, '[)') WITH &&) "
    f"WHERE (status IN {HOLDING} AND NOT overbooked)",
]
DROP = ["ALTER TABLE scheduling_record DROP CONSTRAINT IF EXISTS record_no_double_booking"]


def _run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
