"""Row locks, one way for the whole product.

Every service that checks something and then changes it — a booking against the specialist's
other records, a payment against an account's balance, a redemption against a certificate's rest —
locks the rows the check reads first, then re-reads and re-checks (STYLE.md, example 2).

- Rows are locked in primary-key order, so two transactions that lock the same rows can never
  wait for each other in a circle (a deadlock).
- A lock outside a transaction ends the moment it is taken, which protects nothing: every helper
  here refuses to run outside `transaction.atomic()`.
- On SQLite there are no row locks: every write transaction of Frontdesk begins IMMEDIATE and so
  already holds the database's write lock (DESIGN.md, invariant 1). `lock_keys` then asks nothing
  of the database; `lock_rows`, `lock_row` and `lock_first` still re-read the rows, which the caller needs.
- On PostgreSQL a query that joins the nullable side of an outer join cannot lock it: `FOR UPDATE
  OF` the main table is used whenever the query follows relations (`select_related`, or a filter
  across a relation). A caller that means to lock a joined row too names it: `of=("self", "company")`.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)


class LockOutsideTransaction(TransactionManagementError):
    """A row lock was asked for outside a transaction."""


def _require_transaction(queryset: QuerySet) -> QuerySet:
    queryset = queryset.all()  # a manager too
    alias = queryset.db if queryset._db else router.db_for_write(queryset.model)
    if not connections[alias].in_atomic_block:
        raise LockOutsideTransaction(
            f"Locking {queryset.model._meta.label} rows outside a transaction protects nothing; "
            "wrap the check and the change in transaction.atomic()."
        )
    return queryset


def _joins(queryset: QuerySet) -> bool:
    query = queryset.query
    if query.select_related:
        return True
    base = query.base_table if query.alias_map else None
    return any(count for alias, count in query.alias_refcount.items() if alias != base)


def _for_update(queryset: QuerySet, of: tuple[str, ...] | None) -> QuerySet:
    if of:
        return queryset.select_for_update(of=of)
    if _joins(queryset):
        return queryset.select_for_update(of=("self",))
    return queryset.select_for_update()


def lock_rows(queryset: QuerySet[M], *, of: tuple[str, ...] | None = None) -> dict[int, M]:
    """Lock the rows of `queryset` in primary-key order and return them, re-read, by primary key."""
    queryset = _require_transaction(queryset)
    return {row.pk: row for row in _for_update(queryset, of).order_by("pk")}


def lock_row(queryset: QuerySet[M], pk, *, of: tuple[str, ...] | None = None) -> M:
    """Lock one row and return it re-read (`DoesNotExist` when it is not in `queryset`)."""
    queryset = _require_transaction(queryset)
    return _for_update(queryset, of).get(pk=pk)


def lock_first(queryset: QuerySet[M], *, of: tuple[str, ...] | None = None) -> M | None:
    """Lock the first row of `queryset` (in its order, else by primary key) and return it re-read,
    or None when there is none; for a row found by what it holds (the open shift of a cash desk,
    the payment a webhook names) rather than by its key. Only that one row is locked."""
    queryset = _require_transaction(queryset)
    return _for_update(queryset, of).first()


def lock_keys(queryset: QuerySet) -> list:
    """Lock the rows of `queryset` in primary-key order without building objects; for a caller
    that only needs the others to wait (a booking queueing behind bookings of the same
    specialist). Returns the locked primary keys, or [] where the database has no row locks."""
    queryset = _require_transaction(queryset)
    if not connections[queryset.db].features.has_select_for_update:
        return []
    return list(queryset.select_for_update().order_by("pk").values_list("pk", flat=True))
