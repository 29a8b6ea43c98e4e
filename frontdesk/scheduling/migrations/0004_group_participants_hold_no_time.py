"""Participants of a class are records that hold no individual time (the class itself does):
the PostgreSQL exclusion constraint leaves them out."""

from django.db import migrations

HOLDING = "('booked', 'confirmed', 'arrived', 'completed')"
NEW = (
    "ALTER TABLE scheduling_record ADD CONSTRAINT record_no_double_booking EXCLUDE USING gist "
    "(specialist_id WITH =, tstzrange(block_start, block_end, '[)') WITH &&) "
    f"WHERE (status IN {HOLDING} AND NOT overbooked AND group_event_id IS NULL)"
)
OLD = (
    "ALTER TABLE scheduling_record ADD CONSTRAINT record_no_double_booking EXCLUDE USING gist "
    "(specialist_id WITH =, tstzrange(block_start, block_end, '[)') WITH &&) "
    f"WHERE (status IN {HOLDING} AND NOT overbooked)"
)
DROP = "ALTER TABLE scheduling_record DROP CONSTRAINT IF EXISTS record_no_double_booking"


def _run(statement):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(DROP)
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0003_series_group_events_waitlist")]

    operations = [migrations.RunPython(_run(NEW), _run(OLD))]
