"""Small SQL functions that hand the engine plain integers instead of datetime objects: turning
tens of thousands of timestamps into Python datetimes costs more than all the arithmetic.

The SQL of each function is kept in TEMPLATES, per database, so that the engine's hand-written
hot queries (frontdesk/scheduling/engine_sql.py) use exactly the same expressions as the ORM."""

from django.db.models import Func, IntegerField

# `%(x)s` is the column; literal percent signs are doubled for the DB-API parameter style.
TEMPLATES = {
    "sqlite": {
        "epoch_minute": "(CAST(strftime('%%s', %(x)s) AS INTEGER) / 60)",
        "epoch_minute_ceil": "((CAST(strftime('%%s', %(x)s) AS INTEGER) + 59) / 60)",
        "epoch_day": "CAST(julianday(%(x)s) - 2440587.5 AS INTEGER)",
        "minute_of_day": "(CAST(substr(%(x)s, 1, 2) AS INTEGER) * 60 + CAST(substr(%(x)s, 4, 2) AS INTEGER))",
    },
    "postgresql": {
        "epoch_minute": "FLOOR(EXTRACT(EPOCH FROM %(x)s) / 60)::bigint",
        "epoch_minute_ceil": "CEIL(EXTRACT(EPOCH FROM %(x)s) / 60)::bigint",
        "epoch_day": "(%(x)s - DATE '1970-01-01')",
        "minute_of_day": "(EXTRACT(HOUR FROM %(x)s) * 60 + EXTRACT(MINUTE FROM %(x)s))::int",
    },
}


def sql_expression(vendor: str, name: str, column_sql: str) -> str:
    """The SQL of a function over a column, with percent signs still escaped for cursor.execute."""
    return TEMPLATES[vendor][name].replace("%(x)s", column_sql)


class _IntegerFunc(Func):
    output_field = IntegerField()
    arity = 1
    name = ""

    def _template(self, vendor):
        # Func.as_sql formats the template once more, so percent signs must stay doubled.
        return TEMPLATES[vendor][self.name].replace("%%", "%%%%").replace("%(x)s", "%(expressions)s")

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=self._template("sqlite"))

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=self._template("postgresql"))


class EpochMinute(_IntegerFunc):
    """A timestamp as whole minutes since 1970-01-01 UTC (rounded down)."""

    name = "epoch_minute"


class EpochMinuteCeil(_IntegerFunc):
    """The same, rounded up: an end that is not on a whole minute still blocks that minute."""

    name = "epoch_minute_ceil"
