"""Invariant 3 for certificates and abonements under any sequence of sales, payments, refunds,
freezes and expiry runs: every balance is the sum of its operations, equals what a plain model of
the accepted operations expects, never goes below zero, and a refused operation writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.core.money import MoneySum
from frontdesk.prepaid.errors import PrepaidError
from frontdesk.prepaid.models import AbonementOperation, CertificateOperation
from frontdesk.prepaid.services import (
    abonement_balance,
    certificate_balance,
    expire_abonement,
    expire_certificate,
    give_back_abonement,
    give_back_certificate,
    issue_abonement,
    issue_certificate,
    redeem_certificate,
    use_abonement,
)
from frontdesk.prepaid.tests.factories import TODAY, abonement_type, certificate_type, client, yoga

pytestmark = pytest.mark.django_db

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("4000"), places=2)
operations = st.one_of(
    st.tuples(st.just("sell_certificate"), st.integers(0, 1)),
    st.tuples(st.just("redeem"), st.integers(0, 5), amounts),
    st.tuples(st.just("give_back"), st.integers(0, 20), st.one_of(st.none(), amounts)),
    st.tuples(st.just("sell_abonement"), st.integers(0, 1)),
    st.tuples(st.just("use"), st.integers(0, 5)),
    st.tuples(st.just("return_visit"), st.integers(0, 20)),
    st.tuples(st.just("next_days"), st.integers(1, 40)),
    st.tuples(st.just("expire")),
)


@pytest.fixture
def shop(tenant_a):
    chain, company = tenant_a.chain, tenant_a.company
    service = yoga(company)
    cert_types = [
        certificate_type(chain, validity_days=30),
        certificate_type(chain, nominal=Decimal("1500"), single_use=True, validity_days=60),
    ]
    ab_types = [
        abonement_type(chain, [service], visits=3, validity_days=30),
        abonement_type(chain, [service], visits=None, kind="money", amount=Decimal("2500"), validity_days=45),
    ]
    return company, service, cert_types, ab_types, client(chain)


def _pick(items, index):
    return items[index % len(items)] if items else None


def _apply(op, state):
    company, service, cert_types, ab_types, holder = state["shop"]
    today = state["today"]
    kind = op[0]
    if kind == "sell_certificate":
        certificate = issue_certificate(cert_types[op[1]], company=company, today=today)
        state["certificates"].append(certificate)
        state["cert_model"][certificate.pk] = certificate.nominal
    elif kind == "redeem":
        certificate = _pick(state["certificates"], op[1])
        if certificate is None:
            return
        left = state["cert_model"][certificate.pk]
        try:
            paid = redeem_certificate(certificate, op[2], company=company, today=today)
        except PrepaidError as refused:
            expired = today > certificate.expires_on
            assert expired or op[2] > left, f"a payable redemption was refused: {refused.text}"
            raise
        assert op[2] <= left and today <= certificate.expires_on
        state["payments"].append(paid)
        # A one-write-off certificate loses whatever the payment did not use.
        state["cert_model"][certificate.pk] = Decimal("0.00") if certificate.type.single_use else left - op[2]
    elif kind == "give_back":
        paid = _pick(state["payments"], op[1])
        if paid is None:
            return
        before = certificate_balance(paid.certificate)
        give_back_certificate(paid, op[2])
        state["cert_model"][paid.certificate_id] = certificate_balance(paid.certificate)
        assert state["cert_model"][paid.certificate_id] > before
    elif kind == "sell_abonement":
        abonement = issue_abonement(ab_types[op[1]], company=company, client=holder, today=today)
        state["abonements"].append(abonement)
        balance = abonement_balance(abonement)
        state["ab_model"][abonement.pk] = [balance.visits, balance.amount]
    elif kind == "use":
        abonement = _pick(state["abonements"], op[1])
        if abonement is None:
            return
        visits, money = state["ab_model"][abonement.pk]
        try:
            used = use_abonement(abonement, company=company, service=service, price="1200", today=today)
        except PrepaidError:
            abonement.refresh_from_db()
            ended = abonement.ends_on is not None and today > abonement.ends_on
            assert ended or (visits < 1 if abonement.type.kind == "visits" else money < Decimal("1200"))
            raise
        state["uses"].append(used)
        state["ab_model"][abonement.pk] = [visits + used.visits, money + used.amount]
    elif kind == "return_visit":
        used = _pick(state["uses"], op[1])
        if used is None:
            return
        give_back_abonement(used)
        row = state["ab_model"][used.abonement_id]
        state["ab_model"][used.abonement_id] = [row[0] - used.visits, row[1] - used.amount]
    elif kind == "next_days":
        state["today"] = today + datetime.timedelta(days=op[1])
    elif kind == "expire":
        for certificate in state["certificates"]:
            if expire_certificate(certificate, today=today) is not None:
                state["cert_model"][certificate.pk] = Decimal("0.00")
        for abonement in state["abonements"]:
            if expire_abonement(abonement, today=today) is not None:
                state["ab_model"][abonement.pk] = [0, Decimal("0.00")]


def _check(state):
    for certificate in state["certificates"]:
        ledger = CertificateOperation.objects.filter(certificate=certificate).aggregate(s=MoneySum("amount"))["s"]
        assert certificate_balance(certificate) == ledger == state["cert_model"][certificate.pk]
        assert ledger >= 0
    for abonement in state["abonements"]:
        ledger = AbonementOperation.objects.filter(abonement=abonement).aggregate(v=Sum("visits"), m=MoneySum("amount"))
        balance = abonement_balance(abonement)
        assert [balance.visits, balance.amount] == [ledger["v"], ledger["m"]] == state["ab_model"][abonement.pk]
        assert balance.visits >= 0 and balance.amount >= 0


def _count():
    return CertificateOperation.objects.count() + AbonementOperation.objects.count()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operations, min_size=1, max_size=16))
def test_balances_are_the_sum_of_operations_after_any_sequence(shop, ops):
    with transaction.atomic():  # each example starts from the same empty ledgers
        state = {
            "shop": shop,
            "today": TODAY,
            "certificates": [],
            "payments": [],
            "abonements": [],
            "uses": [],
            "cert_model": {},
            "ab_model": {},
        }
        for op in ops:
            count = _count()
            try:
                _apply(op, state)
            except PrepaidError:
                assert _count() == count, "a refused operation left operations behind"
            _check(state)
        transaction.set_rollback(True)
