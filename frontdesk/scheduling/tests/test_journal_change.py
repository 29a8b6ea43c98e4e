"""The journal's visit dialog: the link to the client card, and changing a record's services and
specialist through the one scheduling service that does it (collisions, prices and durations as
at booking, events, the event log), refused clearly on a collision or a paid or closed visit."""

from decimal import Decimal

import pytest

from frontdesk.clients.models import ClientStats
from frontdesk.core.models import Event
from frontdesk.finance.checkout import checkout_visit
from frontdesk.finance.models import Account, AccountKind, PaymentMethod
from frontdesk.finance.services import Payment
from frontdesk.scheduling.models import Record, RecordStatus
from frontdesk.scheduling.tests import test_journal
from frontdesk.scheduling.tests.factories import make_service
from frontdesk.scheduling.tests.test_availability import at
from frontdesk.staff.models import SpecialistService
from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

# The journal's scene: Анна (10:00 and 12:00) and Борис (11:00) on DAY, and Анна's own login.
branch = test_journal.branch
anna_login = test_journal.anna_login


def _change(http, branch, record, services, specialist=None, **extra):
    return http.post(
        branch.url + f"records/{record.pk}/change/",
        {"specialist": (specialist or record.specialist).pk, "services": [s.pk for s in services], **extra},
    )


def _shape(record):
    record.refresh_from_db()
    lines = [(line.service.title, line.duration, line.price) for line in record.lines.order_by("position")]
    return record.specialist.name, record.start, record.end, lines


def test_the_visit_dialog_links_the_client_card_and_offers_the_specialists_services(branch, amy):
    page = client_for(amy).get(branch.url + f"records/{branch.first.pk}/").content.decode()
    assert f'href="/c/{branch.company.pk}/clients/{branch.client.pk}/" data-testid="record-client-card"' in page
    assert 'data-testid="record-change"' in page
    assert f'value="{branch.haircut.pk}" id="record-change-service-{branch.haircut.pk}" checked' in page
    assert f'value="{branch.colouring.pk}" id="record-change-service-{branch.colouring.pk}">' in page
    assert "onclick" not in page and "onchange" not in page


def test_the_administrator_adds_and_removes_a_service_and_the_length_and_prices_follow(branch, amy):
    http = client_for(amy)
    styling = make_service(branch.company, "Укладка", duration=30, price=900)
    branch.anna.services.add(styling, through_defaults={"chain": branch.company.chain, "price_min": 1200})
    response = _change(http, branch, branch.first, [branch.haircut, styling])
    assert response.status_code == 200 and response.json()["message"] == "The visit is changed."
    assert _shape(branch.first) == (
        "Анна",
        at("10:00"),
        at("11:30"),
        [("Стрижка", 60, branch.haircut.price_min), ("Укладка", 30, Decimal("1200.00"))],
    )
    # The change went through the record's events: the client's spend and the event log follow it.
    assert Event.objects.filter(object_id=str(branch.first.pk)).exists()
    Record.objects.filter(pk=branch.first.pk).update(status=RecordStatus.ARRIVED)
    assert _change(http, branch, branch.first, [styling]).status_code == 200
    assert _shape(branch.first)[2:] == (at("10:30"), [("Укладка", 30, Decimal("1200.00"))])


def test_another_specialist_takes_the_visit_with_their_own_duration_and_price(branch, amy):
    SpecialistService.objects.filter(specialist=branch.boris, service=branch.haircut).update(
        duration=45, price_min=Decimal("1800")
    )
    response = _change(client_for(amy), branch, branch.first, [branch.haircut], specialist=branch.boris)
    assert response.status_code == 200, response.content
    assert _shape(branch.first) == ("Борис", at("10:00"), at("10:45"), [("Стрижка", 45, Decimal("1800.00"))])


def test_a_change_that_collides_is_refused_with_who_and_when_and_changes_nothing(branch, amy):
    http = client_for(amy)
    before = _shape(branch.first)
    # Стрижка + Окрашивание run to 13:00 and Анна has a record at 12:00.
    refused = _change(http, branch, branch.first, [branch.haircut, branch.colouring])
    assert refused.status_code == 409
    assert refused.json()["error"].startswith("Анна is busy or not working from 10:00 to 13:00")
    # Given to Анна, Борис's 11:00 colouring would run into her 12:00; and Борис does not colour hair.
    refused = _change(http, branch, branch.third, [branch.colouring], specialist=branch.anna)
    assert refused.status_code == 409 and "Анна is busy or not working from 11:00 to 13:00" in refused.json()["error"]
    not_his = _change(http, branch, branch.first, [branch.colouring], specialist=branch.boris)
    assert not_his.status_code == 400 and "Борис does not perform: Окрашивание." in not_his.json()["error"]
    assert _shape(branch.first) == before
    # On purpose it is saved, as an overbooking in the event log.
    assert _change(http, branch, branch.first, [branch.haircut, branch.colouring], overbook="1").status_code == 200
    assert Event.objects.filter(code="record.overbooked", object_id=str(branch.first.pk)).exists()


def test_a_paid_or_cancelled_visit_is_not_changed(branch, amy):
    http = client_for(amy)
    company = branch.company
    desk = Account.objects.create(company=company, chain=company.chain, title="Касса", kind=AccountKind.CASH)
    price = sum(line.price for line in branch.first.lines.all())
    checkout_visit(branch.first.visit, payments=[Payment(desk, PaymentMethod.CASH, price)])
    before = _shape(branch.first)
    page = http.get(branch.url + f"records/{branch.first.pk}/").content.decode()
    assert 'data-testid="record-change"' not in page
    refused = _change(http, branch, branch.first, [branch.colouring])
    assert refused.status_code == 409 and "checked out at the cash desk" in refused.json()["error"]
    assert _shape(branch.first) == before
    Record.objects.filter(pk=branch.second.pk).update(status=RecordStatus.CANCELLED)
    refused = _change(http, branch, branch.second, [branch.colouring])
    assert (
        refused.status_code == 409 and refused.json()["error"] == "A completed or cancelled record cannot be changed."
    )
    assert ClientStats.objects.filter(client=branch.client).get().visits == 1


@pytest.mark.parametrize("data", [{"services": []}, {"services": ["x"]}, {"specialist": "0"}, {"services": [999999]}])
def test_bad_change_input_is_a_400_and_changes_nothing(branch, amy, data):
    before = _shape(branch.first)
    payload = {"specialist": branch.anna.pk, "services": [branch.haircut.pk], **data}
    response = client_for(amy).post(branch.url + f"records/{branch.first.pk}/change/", payload)
    assert response.status_code == 400 and response.json()["error"]
    assert _shape(branch.first) == before


def test_a_specialist_cannot_give_the_visit_to_another_one(branch, anna_login):
    http = client_for(anna_login)
    assert _change(http, branch, branch.first, [branch.haircut], specialist=branch.boris).status_code == 400
    assert _change(http, branch, branch.third, [branch.haircut]).status_code == 404
    assert _shape(branch.first)[0] == "Анна"
