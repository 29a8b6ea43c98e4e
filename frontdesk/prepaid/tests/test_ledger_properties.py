"""Invariant 3 for certificates and abonements under any sequence of sales, payments, refunds,
freezes and expiry runs: every balance is the sum of its operations, equals what a plain model of
the accepted operations expects, never goes below zero, and a refused operation writes nothing.
The model also keeps each abonement's period — from the sale, or from the first visit but no later
than the type's deadline — so an abonement never used still ends and expires."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
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
    effective_start,
    expire_abonement,
    expire_certificate,
    give_back_abonement,
    give_back_certificate,
    issue_abonement,
    issue_certificate,
    local_today,
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
    st.tuples(st.just("sell_abonement"), st.integers(0, 2)),
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
        # Counted from the first visit, starting anyway 5 days after the sale.
        abonement_type(chain, [service], visits=2, validity_days=10, from_first_use=True, activate_within_days=5),
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
        type_ = ab_types[op[1]]
        abonement = issue_abonement(type_, company=company, client=holder, today=today)
        state["abonements"].append(abonement)
        balance = abonement_balance(abonement)
        state["ab_model"][abonement.pk] = [balance.visits, balance.amount]
        if type_.from_first_use:
            start_by = today + datetime.timedelta(days=type_.activate_within_days)
            period = {"start": None, "start_by": start_by, "end": start_by}
        else:
            period = {"start": today, "start_by": None, "end": today}
        period["end"] += datetime.timedelta(days=type_.validity_days - 1)
        state["ab_period"][abonement.pk] = period
    elif kind == "use":
        abonement = _pick(state["abonements"], op[1])
        if abonement is None:
            return
        visits, money = state["ab_model"][abonement.pk]
        period = state["ab_period"][abonement.pk]
        ended = today > period["end"]
        try:
            used = use_abonement(abonement, company=company, service=service, price="1200", today=today)
        except PrepaidError:
            assert ended or (visits < 1 if abonement.type.kind == "visits" else money < Decimal("1200"))
            raise
        assert not ended, "an ended abonement paid for a visit"
        state["uses"].append(used)
        state["ab_model"][abonement.pk] = [visits + used.visits, money + used.amount]
        if period["start"] is None:
            # The first visit starts it, unless its latest start came first.
            period["start"] = min(today, period["start_by"])
            period["end"] = period["start"] + datetime.timedelta(days=abonement.type.validity_days - 1)
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
            expire_abonement(abonement, today=today)
            if today > state["ab_period"][abonement.pk]["end"]:
                # Past its end, used or not: nothing is left on it.
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
        period = state.get("ab_period", {}).get(abonement.pk)
        if period is not None:
            abonement.refresh_from_db()
            today = state["today"]
            started = period["start"] or (period["start_by"] if today >= period["start_by"] else None)
            assert abonement.ends_on == period["end"]
            assert effective_start(abonement, today) == started


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
            "ab_period": {},
        }
        for op in ops:
            count = _count()
            try:
                _apply(op, state)
            except PrepaidError:
                assert _count() == count, "a refused operation left operations behind"
            _check(state)
        transaction.set_rollback(True)


# ---------------------------------------------------------------- through the cash desk
VISITS = 3
desk_operations = st.one_of(
    st.tuples(st.just("sell_certificate"), st.integers(0, 1)),
    st.tuples(st.just("sell_abonement")),
    st.tuples(st.just("checkout_certificate"), st.integers(0, VISITS - 1), st.integers(0, 5), amounts),
    st.tuples(st.just("checkout_abonement"), st.integers(0, VISITS - 1), st.integers(0, 5)),
    st.tuples(st.just("refund"), st.integers(0, 10), st.one_of(st.none(), amounts)),
    st.tuples(st.just("expire_after"), st.integers(0, 70)),
)


@pytest.fixture
def desk(tenant_a):
    from frontdesk.finance.tests.factories import make_cash_desk, make_visit

    chain, company = tenant_a.chain, tenant_a.company
    holder = client(chain)
    visits = [make_visit(company, [("Услуга", 2500, 2500)], client=holder, hour=10 + n) for n in range(VISITS)]
    return {
        "company": company,
        "cash": make_cash_desk(company),
        "visits": visits,
        "holder": holder,
        "cert_types": [
            certificate_type(chain, validity_days=30),
            certificate_type(chain, nominal=Decimal("1500"), single_use=True, validity_days=60),
        ],
        # No services chosen: it covers every service.
        "ab_type": abonement_type(chain, [], visits=2, validity_days=30),
    }


def _desk_apply(op, state):
    from frontdesk.finance.checkout import CounterLine, MeansUse, checkout_visit, refund_means, sell_at_counter
    from frontdesk.finance.models import MeansPayment, Sale
    from frontdesk.finance.services import Payment
    from frontdesk.prepaid.models import Abonement, Certificate

    shop, kind = state["desk"], op[0]
    company = shop["company"]
    if kind in ("sell_certificate", "sell_abonement"):
        type_ = shop["cert_types"][op[1]] if kind == "sell_certificate" else shop["ab_type"]
        price = type_.nominal if kind == "sell_certificate" else type_.price
        line = CounterLine(kind[5:], ("ct" if kind == "sell_certificate" else "at") + str(type_.pk), "x", price)
        sale = sell_at_counter(
            company, client=shop["holder"], lines=[line], payments=[Payment(shop["cash"], "cash", price)]
        ).sale
        for certificate in Certificate.objects.filter(sale=sale):
            state["certificates"].append(certificate)
            state["cert_model"][certificate.pk] = certificate.nominal
        for abonement in Abonement.objects.filter(sale=sale):
            state["abonements"].append(abonement)
            state["ab_model"][abonement.pk] = [2, Decimal("0.00")]
    elif kind == "checkout_certificate":
        visit, certificate = shop["visits"][op[1]], _pick(state["certificates"], op[2])
        if certificate is None or Sale.objects.filter(visit=visit).exists():
            return
        left = state["cert_model"][certificate.pk]
        try:
            checkout_visit(visit, means=[MeansUse("certificate", str(certificate.pk), op[3])])
        except ValidationError:
            assert op[3] > min(left, Decimal("2500")) or certificate.pk in state["expired"]
            raise
        state["cert_model"][certificate.pk] = Decimal("0.00") if certificate.type.single_use else left - op[3]
    elif kind == "checkout_abonement":
        visit, abonement = shop["visits"][op[1]], _pick(state["abonements"], op[2])
        if abonement is None or Sale.objects.filter(visit=visit).exists():
            return
        visits_left = state["ab_model"][abonement.pk][0]
        try:
            checkout_visit(visit, means=[MeansUse("abonement", f"{abonement.pk}:0", "2500")])
        except ValidationError:
            assert visits_left < 1 or abonement.pk in state["expired_abonements"]
            raise
        state["ab_model"][abonement.pk][0] -= 1
    elif kind == "refund":
        payments = list(MeansPayment.objects.filter(amount__gt=0).order_by("id"))
        payment = _pick(payments, op[1])
        if payment is None:
            return
        refund_means(payment, op[2])
        if payment.code == "certificate":
            certificate_id = CertificateOperation.objects.get(pk=int(payment.operation)).certificate_id
            state["cert_model"][certificate_id] = certificate_balance(Certificate.objects.get(pk=certificate_id))
        else:
            abonement_id = AbonementOperation.objects.get(pk=int(payment.operation)).abonement_id
            state["ab_model"][abonement_id][0] += 1


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(desk_operations, min_size=1, max_size=12))
def test_through_the_cash_desk_balances_are_the_sum_of_operations(desk, ops):
    """Counter sales issue, checkouts pay with certificates and abonements, refunds of those
    payments give back, days pass and the expiry runs: every ledger still adds up."""
    from frontdesk.finance.models import MeansPayment, Transaction

    today = local_today(desk["company"])
    with transaction.atomic():  # each example starts from the same empty ledgers
        state = {
            "desk": desk,
            "certificates": [],
            "abonements": [],
            "cert_model": {},
            "ab_model": {},
            "expired": set(),
            "expired_abonements": set(),
        }
        for op in ops:
            if op[0] == "expire_after":
                # The daily run on a later day: checkouts after it see what it expired.
                later = today + datetime.timedelta(days=op[1])
                for certificate in state["certificates"]:
                    expire_certificate(certificate, today=later)
                    if later > certificate.expires_on:
                        state["expired"].add(certificate.pk)
                        state["cert_model"][certificate.pk] = Decimal("0.00")
                for abonement in state["abonements"]:
                    abonement.refresh_from_db()
                    expire_abonement(abonement, today=later)
                    if abonement.ends_on is not None and later > abonement.ends_on:
                        state["expired_abonements"].add(abonement.pk)
                        state["ab_model"][abonement.pk] = [0, Decimal("0.00")]
                _check(state)
                continue
            count, paid = _count(), MeansPayment.objects.count() + Transaction.objects.count()
            try:
                _desk_apply(op, state)
            except ValidationError:
                assert _count() == count, "a refused operation left operations behind"
                assert MeansPayment.objects.count() + Transaction.objects.count() == paid
            _check(state)
        for payment in MeansPayment.objects.filter(code="certificate"):
            # Each payment by certificate is one redemption on its ledger, and each give-back one
            # reversal: finance's record and the certificate's ledger agree.
            operation = CertificateOperation.objects.get(pk=int(payment.operation))
            assert operation.amount == -payment.amount
        transaction.set_rollback(True)
