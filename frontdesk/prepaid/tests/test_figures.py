"""The loyalty analytics' figures of certificates and abonements, and the daily run's warnings
while the notifications queue is not there."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from frontdesk.prepaid import notify
from frontdesk.prepaid.expiry import run_expiry
from frontdesk.prepaid.figures import prepaid_figures
from frontdesk.prepaid.models import Certificate
from frontdesk.prepaid.services import (
    give_back_certificate,
    issue_abonement,
    issue_certificate,
    local_today,
    redeem_certificate,
    use_abonement,
)
from frontdesk.prepaid.tests.factories import abonement_type, certificate_type, client, yoga

pytestmark = pytest.mark.django_db


def test_figures_count_certificates_sold_and_redeemed_net_of_refunds_and_abonement_visits(tenant_a):
    first, second = tenant_a.companies
    certificate = issue_certificate(certificate_type(tenant_a.chain), company=first)
    issue_certificate(certificate_type(tenant_a.chain, nominal=Decimal("1000")), company=second)
    paid = redeem_certificate(certificate, "1200", company=second)
    give_back_certificate(paid, "200")
    service = yoga(first)
    abonement = issue_abonement(abonement_type(tenant_a.chain, [service]), company=first, client=client(tenant_a.chain))
    use_abonement(abonement, company=first, service=service, price=1200)

    network = prepaid_figures(tenant_a.chain)
    assert network["certificates_sold"] == 2 and network["certificates_sold_amount"] == Decimal("4000.00")
    assert network["certificates_redeemed_amount"] == Decimal("1000.00")
    assert network["abonements_sold"] == 1 and network["abonement_visits_used"] == 1
    assert network["abonements_active"] == 1
    at_second = prepaid_figures(tenant_a.chain, second)
    assert at_second["certificates_sold"] == 1 and at_second["certificates_redeemed_amount"] == Decimal("1000.00")
    later = prepaid_figures(tenant_a.chain, None, timezone.now() + datetime.timedelta(hours=1), None)
    assert later["certificates_sold"] == 0 and later["abonements_sold"] == 0


def test_without_the_notifications_queue_the_daily_run_expires_and_warns_nobody(tenant_a):
    assert notify._queue_event() is None or callable(notify._queue_event())
    company = tenant_a.company
    soon = issue_certificate(
        certificate_type(tenant_a.chain, validity_days=3), company=company, client=client(tenant_a.chain)
    )
    counts = run_expiry()
    soon.refresh_from_db()
    if notify._queue_event() is None:
        assert counts["warned"] == 0 and soon.notified_expiring is False
    call_command("expire_prepaid", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Certificate.objects.get(pk=soon.pk).expires_on == local_today(company) + datetime.timedelta(days=2)
