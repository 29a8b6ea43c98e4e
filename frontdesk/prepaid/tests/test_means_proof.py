"""A stored value pays only with its proof: a gift certificate, an abonement, a deposit or a bonus
card pays a visit when it is the visit's client's own, or when its code was typed at this
checkout — a balance named only by its id in the posted form pays nothing, and the limit on
wrong code guesses still holds."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from frontdesk.finance.checkout import MeansUse, checkout_visit
from frontdesk.finance.models import Sale
from frontdesk.finance.tests.factories import make_visit
from frontdesk.loyalty.ledger import spendable
from frontdesk.loyalty.tests.factories import bonus, member
from frontdesk.prepaid.means import CertificateMeans
from frontdesk.prepaid.models import AbonementKind
from frontdesk.prepaid.services import (
    abonement_balance,
    certificate_balance,
    issue_abonement,
    issue_certificate,
)
from frontdesk.prepaid.tests.factories import abonement_type, certificate_type, client
from frontdesk.scheduling.models import RecordService
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

REFUSAL = "не принадлежит клиенту"


@pytest.fixture(autouse=True)
def russian(amy):
    """The refusal is read at a Russian desk: translated, not just present."""
    amy.language = "ru"
    amy.save(update_fields=["language"])
    with translation.override("ru"):
        yield


@pytest.fixture
def stranger_certificate(tenant_a):
    """A 3 000 certificate bought by Ольга, and a visit of Ирина's to pay."""
    company = tenant_a.company
    owner = client(tenant_a.chain, phone="+79005556677", name="Ольга")
    certificate = issue_certificate(certificate_type(tenant_a.chain), company=company, client=owner)
    visit = make_visit(company, [("Стрижка", 2000, 2000)], client=client(tenant_a.chain))
    return company, certificate, visit


def _checkout(http, company, visit, **fields):
    return http.post(f"/c/{company.pk}/finance/checkout/{visit.pk}/", fields)


def test_another_clients_certificate_named_by_its_id_pays_nothing(stranger_certificate, amy):
    company, certificate, visit = stranger_certificate
    response = _checkout(client_for(amy), company, visit, **{f"means[certificate:{certificate.pk}]": "2000"})
    assert response.status_code == 400
    assert REFUSAL in response.content.decode()
    assert not Sale.objects.filter(visit=visit).exists()
    assert certificate_balance(certificate) == Decimal("3000.00")


def test_the_same_certificate_pays_when_its_code_is_typed_at_the_desk(stranger_certificate, amy):
    company, certificate, visit = stranger_certificate
    response = _checkout(
        client_for(amy),
        company,
        visit,
        means_query=certificate.grouped_code,
        **{f"means[certificate:{certificate.pk}]": "2000"},
    )
    assert response.status_code == 302
    assert Sale.objects.get(visit=visit).paid == Decimal("2000.00")
    assert certificate_balance(certificate) == Decimal("1000.00")


def test_the_clients_own_certificate_pays_without_its_code(tenant_a, amy):
    company = tenant_a.company
    holder = client(tenant_a.chain)
    certificate = issue_certificate(certificate_type(tenant_a.chain), company=company, client=holder)
    visit = make_visit(company, [("Стрижка", 2000, 2000)], client=holder)
    response = _checkout(client_for(amy), company, visit, **{f"means[certificate:{certificate.pk}]": "2000"})
    assert response.status_code == 302
    assert certificate_balance(certificate) == Decimal("1000.00")


def test_past_the_wrong_guess_limit_even_the_right_code_pays_nothing(stranger_certificate, amy, one_ratelimit_window):
    from django.core.cache import cache

    cache.clear()
    company, certificate, visit = stranger_certificate
    http = client_for(amy)
    for attempt in range(CertificateMeans.MISSES_ALLOWED):
        http.post(f"/c/{company.pk}/finance/checkout/{visit.pk}/", {"action": "find", "means_query": f"{attempt:012d}"})
    response = _checkout(
        http, company, visit, means_query=certificate.code, **{f"means[certificate:{certificate.pk}]": "2000"}
    )
    assert response.status_code == 400 and REFUSAL in response.content.decode()
    assert certificate_balance(certificate) == Decimal("3000.00")
    cache.clear()


@pytest.mark.parametrize("kind", [AbonementKind.VISITS, AbonementKind.MONEY])
def test_another_clients_abonement_or_deposit_pays_nothing(tenant_a, kind):
    company = tenant_a.company
    visit = make_visit(company, [("Йога", 1200, 1200)], client=client(tenant_a.chain))
    service = RecordService.objects.get(record__visit=visit).service
    type_ = abonement_type(tenant_a.chain, [service], kind=kind, amount=Decimal("5000"))
    stranger = client(tenant_a.chain, phone="+79005556677", name="Ольга")
    abonement = issue_abonement(type_, company=company, client=stranger)
    before = abonement_balance(abonement)
    with pytest.raises(ValidationError) as refused:
        checkout_visit(visit, means=[MeansUse("abonement", f"{abonement.pk}:0", "1200")])
    assert REFUSAL in " ".join(refused.value.messages)
    assert not Sale.objects.filter(visit=visit).exists()
    assert abonement_balance(abonement) == before


def test_another_clients_bonus_card_pays_nothing(tenant_a):
    company = tenant_a.company
    programme = bonus(tenant_a.chain)
    rich = member(tenant_a.chain, [programme], phone="+79005556677")
    from frontdesk.loyalty import ledger
    from frontdesk.loyalty.models import OperationKind

    ledger.credit(rich, OperationKind.MANUAL, Decimal("500"), programme=programme, company=company)
    visit = make_visit(company, [("Стрижка", 2000, 2000)], client=client(tenant_a.chain))
    with pytest.raises(ValidationError) as refused:
        checkout_visit(visit, means=[MeansUse("bonus", str(rich.pk), "500")])
    assert REFUSAL in " ".join(refused.value.messages)
    assert spendable(rich) == Decimal("500.00")
