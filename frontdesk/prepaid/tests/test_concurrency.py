"""Real threads, each with its own database connection: many cash desks paying with one
certificate, or writing visits off one abonement, at the same moment. Run on SQLite and, with
DATABASE_URL, on PostgreSQL."""

from decimal import Decimal

import pytest

from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.prepaid.errors import PrepaidError
from frontdesk.prepaid.models import AbonementOperation, CertificateOperation
from frontdesk.prepaid.services import (
    abonement_balance,
    certificate_balance,
    issue_abonement,
    issue_certificate,
    redeem_certificate,
    use_abonement,
)
from frontdesk.prepaid.tests.factories import TODAY, abonement_type, certificate_type, client, yoga
from frontdesk.testing.concurrency import race

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_simultaneous_payments_with_one_certificate_never_spend_more_than_it_holds(tenant_a):
    first, second = tenant_a.companies
    with scopes_disabled():
        certificate = issue_certificate(certificate_type(tenant_a.chain), company=first, today=TODAY)

    def attempt(i):
        with scope(tenant_a.chain):
            return redeem_certificate(certificate, "700", company=(first, second)[i % 2], today=TODAY).pk

    outcomes = race(8, attempt, (PrepaidError,))
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, [o for o in outcomes if o[0] == "error"]
    assert kinds.count("ok") == 4 and kinds.count("refused") == 4  # 4 × 700 of 3000
    with scopes_disabled():
        assert certificate_balance(certificate) == Decimal("200.00")
        assert CertificateOperation.objects.filter(certificate=certificate, kind="redeem").count() == 4


def test_simultaneous_visits_on_one_abonement_never_write_off_more_than_it_has(tenant_a):
    company = tenant_a.company
    with scopes_disabled():
        service = yoga(company)
        abonement = issue_abonement(
            abonement_type(tenant_a.chain, [service], visits=3),
            company=company,
            client=client(tenant_a.chain),
            today=TODAY,
        )

    def attempt(i):
        with scope(tenant_a.chain):
            return use_abonement(abonement, company=company, service=service, price="1200", today=TODAY).pk

    outcomes = race(8, attempt, (PrepaidError,))
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("error") == 0, [o for o in outcomes if o[0] == "error"]
    assert kinds.count("ok") == 3 and kinds.count("refused") == 5
    with scopes_disabled():
        assert abonement_balance(abonement).visits == 0
        assert AbonementOperation.objects.filter(abonement=abonement, kind="use").count() == 3
