"""PostgreSQL: the list sorted by last visit, visits or spend walks these indexes in order and
stops after a page, instead of sorting every matching client (ORDER BY … DESC NULLS LAST, client
id, as `selectors.SORTS` writes it). SQLite cannot declare NULLS LAST in an index; there the sort
of the (already narrowed) rows is cheap enough."""

from django.db import migrations

SORTED = ("last_visit", "visits", "spend")
CREATE = [
    f"CREATE INDEX IF NOT EXISTS client_stats_{name}_order ON clients_clientstats "
    f"(chain_id, {name} DESC NULLS LAST, client_id)"
    for name in SORTED
]
DROP = [f"DROP INDEX IF EXISTS client_stats_{name}_order" for name in SORTED]


def _run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("clients", "0005_search_indexes")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
