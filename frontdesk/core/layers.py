"""The order of Frontdesk's apps, lowest first. An app imports only apps listed before it, never
one after it — not at the top of a module and not inside a function. A lower app that has news
for the ones above announces a domain event (`frontdesk.core.events`); the ones above listen.

This list is the one place the order is written down: the import-direction test
(`core/tests/test_layers.py`) reads it, and `docs/architecture.md` prints it. A new app is added
above everything it reads (a warehouse above checkout, analytics above what it reports on).

Tests and migrations are outside the rule: a test may build data in any app, and a migration
names the models its schema depends on.
"""

from __future__ import annotations

LAYERS: tuple[str, ...] = (
    "core",  # tenant-scoped models, money, locking, events, panels, periodic jobs, the event log
    "accounts",  # users, logins, roles and permissions
    "tenancy",  # chains, companies, sign-up, onboarding, members
    "catalog",  # service categories, services, resources
    "staff",  # specialists, their services, work schedules
    "clients",  # the client base, cards, segments
    "scheduling",  # availability, records, visits, classes, the journal, the waiting list
    "finance",  # checkout, sales, accounts and cash desks, the ledger, finance reports
    "payments",  # online prepayment, payment providers, fiscal receipts
    "notifications",  # channels, templates, the outbox, mailings
    "booking",  # the public booking pages, the widget, self-service
    "loyalty",  # programmes, cards, bonuses, referrals
    "prepaid",  # gift certificates and abonements
    "warehouse",  # goods, warehouses, the stock ledger
    "payroll",  # schemes, the payroll calculation, closed periods, payouts
    "analytics",  # the owner's figures: the overview, reports (read-only)
    "api",  # the YCLIENTS-compatible JSON API
    "testing",  # helpers of the test suite (reads everything, nothing reads it)
)

# Tools of the test suite that any module's tests may import; never imported by product code.
TEST_ONLY = frozenset({"testing"})


def rank(app: str) -> int:
    """The position of an app in the stack (0 is the lowest). Unknown apps raise KeyError."""
    return LAYERS.index(app)


def may_import(importer: str, imported: str) -> bool:
    """True when `importer` is allowed to import `imported`."""
    if importer == imported:
        return True
    return rank(imported) < rank(importer)
