"""Tenant scoping: the one layer that keeps each chain's rows away from every other chain.

Every business model uses `ScopedManager`. A query through it is filtered by the chain of the
current scope; a query made outside any scope raises `ScopeError` instead of silently returning
every tenant's rows. The scope is entered by the request layer (`TenantMiddleware` for the back
office, the API's token authentication, the public booking pages) and by background tasks, never
from a request's payload. System code that must cross tenants says so with `scopes_disabled()`.

The state lives in a context variable, so a new thread starts unscoped and must enter a scope of
its own.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models


class ScopeError(Exception):
    """A scoped model was queried with no tenant scope active."""


@dataclass(frozen=True)
class _Scope:
    chain_id: int | None
    disabled: bool = False


_current: ContextVar[_Scope | None] = ContextVar("frontdesk_tenant_scope", default=None)


@contextmanager
def scope(chain):
    """Run the block inside one chain's scope (`chain` may be a Chain or its id)."""
    chain_id = getattr(chain, "pk", chain)
    if chain_id is None:
        raise ScopeError("A scope needs a saved chain.")
    token = _current.set(_Scope(chain_id=int(chain_id)))
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def scopes_disabled():
    """Run the block with tenant filtering off: for system code that really spans tenants."""
    token = _current.set(_Scope(chain_id=None, disabled=True))
    try:
        yield
    finally:
        _current.reset(token)


def current_chain_id() -> int | None:
    """The chain of the active scope; None when scopes are disabled; ScopeError when unscoped."""
    state = _current.get()
    if state is None:
        raise ScopeError("No tenant scope is active.")
    return state.chain_id


def enter_scope(chain_id: int | None, disabled: bool = False):
    """Low-level entry for middleware that cannot use a `with` block; returns the reset token."""
    return _current.set(_Scope(chain_id=chain_id, disabled=disabled))


def leave_scope(token) -> None:
    _current.reset(token)


class ScopedManager(models.Manager):
    """Filters every query by the current chain; refuses to run outside a scope."""

    def get_queryset(self):
        state = _current.get()
        if state is None:
            raise ScopeError(f"{self.model.__name__} was queried outside a tenant scope.")
        queryset = super().get_queryset()
        if state.disabled:
            return queryset
        return queryset.filter(**{self.model.CHAIN_FIELD: state.chain_id})
