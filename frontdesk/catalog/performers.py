"""Who performs a service is known above the catalogue: staff links specialists to services. So
that the catalogue page can flag the services nobody performs without importing staff, staff
registers the question from its AppConfig.ready():

    register_performed_by(working_specialist_performs)

The registered function returns a boolean expression over `Service` rows (`OuterRef("pk")` is the
service, `OuterRef("company_id")` its branch), evaluated as a subquery of the catalogue's own query,
so the page's query count does not depend on how many services there are."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import BooleanField, Expression, Value

_performed_by: Callable[[], Expression] | None = None


def register_performed_by(expression: Callable[[], Expression]) -> None:
    """Set the function that builds the "someone performs it" expression (the last one wins)."""
    global _performed_by
    _performed_by = expression


def performed_by_someone() -> Expression:
    """True for a service someone performs; with nothing registered, nobody performs anything."""
    if _performed_by is None:
        return Value(False, output_field=BooleanField())
    return _performed_by()
