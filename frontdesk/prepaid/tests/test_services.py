"""Certificates and abonements as the front desk meets them: codes, balances, branches, end
dates, one write-off, covered services, freezing and the daily expiry."""

import datetime
from decimal import Decimal

import pytest

from frontdesk.prepaid import codes
from frontdesk.prepaid.errors import PrepaidError
from frontdesk.prepaid.expiry import run_expiry
from frontdesk.prepaid.models import AbonementKind, AppliesTo, CertificateOperation
from frontdesk.prepaid.services import (
    PayLine,
    abonement_balance,
    certificate_balance,
    covering_abonements,
    expire_certificate,
    find_certificate,
    freeze_abonement,
    give_back_abonement,
    give_back_certificate,
    issue_abonement,
    issue_certificate,
    redeem_certificate,
    use_abonement,
)
from frontdesk.prepaid.tests.factories import TODAY, abonement_type, certificate_type, client, yoga
from frontdesk.scheduling.tests.factories import make_service

pytestmark = pytest.mark.django_db


def test_a_certificate_code_is_twelve_digits_with_a_check_digit_and_a_typo_is_caught():
    code = codes.new_code()
    assert len(code) == 12 and code.isdigit() and codes.is_valid(code)
    typo = code[:5] + str((int(code[5]) + 1) % 10) + code[6:]
    assert not codes.is_valid(typo)


def test_a_certificate_bought_in_one_branch_is_found_by_its_code_and_paid_with_in_another(tenant_a):
    first, second = tenant_a.companies
    certificate = issue_certificate(certificate_type(tenant_a.chain), company=first, today=TODAY)
    typed = " ".join(certificate.code[i : i + 4] for i in (0, 4, 8))
    assert find_certificate(tenant_a.chain.pk, typed) == certificate
    redeem_certificate(certificate, "1200", company=second, today=TODAY)
    assert certificate_balance(certificate) == Decimal("1800.00")


def test_a_certificate_of_another_network_is_not_found(tenant_a, tenant_b):
    certificate = issue_certificate(certificate_type(tenant_a.chain), company=tenant_a.company, today=TODAY)
    assert find_certificate(tenant_b.chain.pk, certificate.code) is None


def test_a_certificate_pays_no_more_than_is_left_and_nothing_is_written(tenant_a):
    certificate = issue_certificate(certificate_type(tenant_a.chain), company=tenant_a.company, today=TODAY)
    with pytest.raises(PrepaidError) as refused:
        redeem_certificate(certificate, "3000.01", company=tenant_a.company, today=TODAY)
    assert refused.value.prepaid_code == "insufficient"
    assert CertificateOperation.objects.filter(certificate=certificate).count() == 1


def test_a_certificate_limited_to_one_branch_is_refused_in_the_other(tenant_a):
    first, second = tenant_a.companies
    type_ = certificate_type(tenant_a.chain)
    type_.companies.set([first])
    certificate = issue_certificate(type_, company=first, today=TODAY)
    with pytest.raises(PrepaidError) as refused:
        redeem_certificate(certificate, "100", company=second, today=TODAY)
    assert refused.value.prepaid_code == "branch_not_allowed"


def test_a_free_amount_certificate_is_sold_within_its_limits_only(tenant_a):
    type_ = certificate_type(tenant_a.chain, nominal=None, amount_min=Decimal("1000"), amount_max=Decimal("5000"))
    with pytest.raises(PrepaidError):
        issue_certificate(type_, company=tenant_a.company, amount="500")
    assert issue_certificate(type_, company=tenant_a.company, amount="2500").nominal == Decimal("2500.00")


def test_a_services_only_certificate_does_not_pay_for_goods(tenant_a):
    type_ = certificate_type(tenant_a.chain, applies_to=AppliesTo.SERVICES)
    certificate = issue_certificate(type_, company=tenant_a.company, today=TODAY)
    lines = [PayLine(0, "goods", Decimal("900")), PayLine(1, "service", Decimal("500"), 1, 1)]
    with pytest.raises(PrepaidError) as refused:
        redeem_certificate(certificate, "900", company=tenant_a.company, lines=lines, today=TODAY)
    assert refused.value.prepaid_code == "not_applicable"
    redeem_certificate(certificate, "500", company=tenant_a.company, lines=lines, today=TODAY)


def test_a_one_write_off_certificate_loses_its_rest_and_a_full_refund_brings_it_all_back(tenant_a):
    type_ = certificate_type(tenant_a.chain, single_use=True)
    certificate = issue_certificate(type_, company=tenant_a.company, today=TODAY)
    paid = redeem_certificate(certificate, "1000", company=tenant_a.company, today=TODAY)
    assert certificate_balance(certificate) == 0
    with pytest.raises(PrepaidError):
        redeem_certificate(certificate, "1", company=tenant_a.company, today=TODAY)
    give_back_certificate(paid)
    assert certificate_balance(certificate) == Decimal("3000.00")


def test_a_refund_gives_back_no_more_than_was_paid(tenant_a):
    certificate = issue_certificate(certificate_type(tenant_a.chain), company=tenant_a.company, today=TODAY)
    paid = redeem_certificate(certificate, "1000", company=tenant_a.company, today=TODAY)
    give_back_certificate(paid, "400")
    with pytest.raises(PrepaidError):
        give_back_certificate(paid, "601")
    give_back_certificate(paid)
    assert certificate_balance(certificate) == Decimal("3000.00")


def test_an_expired_certificate_cannot_pay_and_the_daily_run_takes_its_rest_once(tenant_a):
    type_ = certificate_type(tenant_a.chain, validity_days=30)
    certificate = issue_certificate(type_, company=tenant_a.company, today=TODAY)
    after = TODAY + datetime.timedelta(days=30)
    with pytest.raises(PrepaidError) as refused:
        redeem_certificate(certificate, "100", company=tenant_a.company, today=after)
    assert refused.value.prepaid_code == "expired"
    assert expire_certificate(certificate, today=after) is not None
    assert expire_certificate(certificate, today=after) is None
    assert certificate_balance(certificate) == 0


def test_the_expiry_command_is_idempotent(tenant_a):
    type_ = certificate_type(tenant_a.chain, validity_days=1)
    issue_certificate(type_, company=tenant_a.company, today=datetime.date(2020, 1, 1))
    first = run_expiry()
    second = run_expiry()
    assert first["certificates"] == 1 and second["certificates"] == 0


def test_an_abonement_writes_a_covered_visit_off_and_a_refund_gives_it_back(tenant_a):
    company = tenant_a.company
    service = yoga(company)
    abonement = issue_abonement(
        abonement_type(tenant_a.chain, [service]), company=company, client=client(tenant_a.chain), today=TODAY
    )
    used = use_abonement(abonement, company=company, service=service, price=service.price_min, today=TODAY)
    assert abonement_balance(abonement).visits == 7
    give_back_abonement(used)
    assert abonement_balance(abonement).visits == 8
    with pytest.raises(PrepaidError):
        give_back_abonement(used)


def test_an_abonement_does_not_cover_another_service(tenant_a):
    company = tenant_a.company
    service = yoga(company)
    massage = make_service(company, "Массаж", price=3000)
    abonement = issue_abonement(
        abonement_type(tenant_a.chain, [service]), company=company, client=client(tenant_a.chain), today=TODAY
    )
    with pytest.raises(PrepaidError) as refused:
        use_abonement(abonement, company=company, service=massage, price=3000, today=TODAY)
    assert refused.value.prepaid_code == "not_covered"
    assert covering_abonements(abonement.client_id, company, massage, today=TODAY) == []
    assert [a for a, _b in covering_abonements(abonement.client_id, company, service, today=TODAY)] == [abonement]


def test_an_abonement_counted_from_first_use_starts_at_the_first_visit(tenant_a):
    company = tenant_a.company
    service = yoga(company)
    type_ = abonement_type(tenant_a.chain, [service], from_first_use=True, validity_days=30)
    abonement = issue_abonement(type_, company=company, client=client(tenant_a.chain), today=TODAY)
    assert abonement.starts_on is None
    first_visit = TODAY + datetime.timedelta(days=10)
    use_abonement(abonement, company=company, service=service, price=1200, today=first_visit)
    abonement.refresh_from_db()
    assert abonement.starts_on == first_visit
    assert abonement.ends_on == first_visit + datetime.timedelta(days=29)


def test_a_frozen_abonement_cannot_be_used_and_ends_later_within_the_limit(tenant_a):
    company = tenant_a.company
    service = yoga(company)
    type_ = abonement_type(tenant_a.chain, [service], validity_days=30, freeze_days_max=10)
    abonement = issue_abonement(type_, company=company, client=client(tenant_a.chain), today=TODAY)
    end = abonement.ends_on
    with pytest.raises(PrepaidError) as refused:
        freeze_abonement(abonement, days=3, starts_on=TODAY - datetime.timedelta(days=1), today=TODAY)
    assert refused.value.prepaid_code == "freeze_past"
    freeze_abonement(abonement, days=7, starts_on=TODAY + datetime.timedelta(days=1), today=TODAY)
    abonement.refresh_from_db()
    assert abonement.ends_on == end + datetime.timedelta(days=7)
    with pytest.raises(PrepaidError) as refused:
        use_abonement(abonement, company=company, service=service, price=1200, today=TODAY + datetime.timedelta(days=3))
    assert refused.value.prepaid_code == "frozen"
    with pytest.raises(PrepaidError) as refused:
        freeze_abonement(abonement, days=4, starts_on=TODAY + datetime.timedelta(days=20), today=TODAY)
    assert refused.value.prepaid_code == "freeze_limit"


def test_a_money_abonement_pays_the_price_and_never_goes_below_zero(tenant_a):
    company = tenant_a.company
    service = yoga(company)
    type_ = abonement_type(tenant_a.chain, [service], visits=None, kind=AbonementKind.MONEY, amount=Decimal("2000"))
    abonement = issue_abonement(type_, company=company, client=client(tenant_a.chain), today=TODAY)
    use_abonement(abonement, company=company, service=service, price=1200, today=TODAY)
    with pytest.raises(PrepaidError) as refused:
        use_abonement(abonement, company=company, service=service, price=1200, today=TODAY)
    assert refused.value.prepaid_code == "insufficient"
    assert abonement_balance(abonement).amount == Decimal("800.00")


def test_an_abonement_is_sold_to_a_client_only(tenant_a):
    with pytest.raises(PrepaidError) as refused:
        issue_abonement(abonement_type(tenant_a.chain), company=tenant_a.company, client=None)
    assert refused.value.prepaid_code == "client_required"
