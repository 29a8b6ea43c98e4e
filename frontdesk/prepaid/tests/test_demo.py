"""The demo network sells certificates and abonements at every branch's counter."""

from frontdesk.core.scopes import scope
from frontdesk.prepaid.models import Abonement, Certificate
from frontdesk.prepaid.services import certificate_balance
from frontdesk.tenancy.demo import create_demo


def test_the_demo_has_certificates_and_abonements_sold_in_every_branch(db):
    demo = create_demo()
    with scope(demo.chain):
        for company in demo.companies:
            assert Certificate.objects.filter(company=company).count() == 2
            assert Abonement.objects.filter(company=company).count() == 2
        assert all(certificate_balance(c) == c.nominal for c in Certificate.objects.all())
        yoga = Abonement.objects.filter(type__title="Йога: 8 занятий").first()
        assert yoga is not None and any("йога" in s.title.lower() for s in yoga.type.services.all())
