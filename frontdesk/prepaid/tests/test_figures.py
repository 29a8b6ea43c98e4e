"""The loyalty analytics' figures of certificates and abonements, and the daily run's warning
of a certificate about to expire."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from frontdesk.prepaid.expiry import run_expiry
from frontdesk.prepaid.figures import prepaid_figures
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


def test_the_daily_run_warns_the_owner_of_an_expiring_certificate_once(tenant_a):
    from frontdesk.core import sms
    from frontdesk.notifications.models import ChannelSettings, Message
    from frontdesk.notifications.worker import deliver_due

    ChannelSettings.objects.create(chain=tenant_a.chain, company=None, language="en", quiet_from=None, quiet_to=None)
    company = tenant_a.company
    soon = issue_certificate(
        certificate_type(tenant_a.chain, validity_days=3), company=company, client=client(tenant_a.chain)
    )
    assert run_expiry()["warned"] == 1
    call_command("expire_prepaid", stdout=open("/dev/null", "w"))  # noqa: SIM115  (the cron's second run)
    soon.refresh_from_db()
    assert soon.notified_expiring and soon.expires_on == local_today(company) + datetime.timedelta(days=2)
    assert Message.objects.filter(event="certificate_expiring", client=soon.client).count() == 1
    deliver_due()
    expires = soon.expires_on.strftime("%d.%m.%Y")
    texts = [m.text for m in sms.outbox if soon.code[-4:] in m.text]
    assert len(texts) == 1 and f"expires on {expires}" in texts[0]


def test_the_loyalty_analytics_page_shows_certificates_and_abonements_per_branch(tenant_a, alice):
    from frontdesk.testing.fixtures import client_for

    first, second = tenant_a.companies
    certificate = issue_certificate(certificate_type(tenant_a.chain), company=first)
    redeem_certificate(certificate, "700", company=second)
    service = yoga(first)
    abonement = issue_abonement(abonement_type(tenant_a.chain, [service]), company=first, client=client(tenant_a.chain))
    use_abonement(abonement, company=first, service=service, price=1200)
    http = client_for(alice)
    network = http.get(f"/c/{first.pk}/loyalty/analytics/?scope=network").content.decode()
    assert "Gift certificates" in network and "Certificates sold" in network and "Abonement visits used" in network
    assert "3,000" in network and "700" in network  # sold, and paid with them somewhere in the network
    at_second = http.get(f"/c/{second.pk}/loyalty/analytics/").content.decode()
    assert "Paid with certificates" in at_second and "700" in at_second and "3,000" not in at_second
