"""Builders for certificate and abonement tests."""

import datetime
from decimal import Decimal

from frontdesk.clients.models import Client
from frontdesk.prepaid.models import AbonementKind, AbonementType, CertificateType
from frontdesk.scheduling.tests.factories import make_service

TODAY = datetime.date(2026, 12, 1)


def certificate_type(chain, nominal=Decimal("3000"), **extra):
    return CertificateType.objects.create(chain=chain, title=f"Сертификат {nominal}", nominal=nominal, **extra)


def abonement_type(chain, services=(), visits=8, kind=AbonementKind.VISITS, amount=None, **extra):
    extra.setdefault("price", Decimal("8000"))
    extra.setdefault("title", f"{visits} занятий")
    type_ = AbonementType.objects.create(chain=chain, kind=kind, visits=visits, amount=amount, **extra)
    type_.services.set(services)
    return type_


def client(chain, phone="+79001112233", name="Ирина"):
    found, _created = Client.objects.get_or_create(chain=chain, phone=phone, defaults={"name": name})
    return found


def yoga(company):
    return make_service(company, "Йога", duration=60, price=1200)
