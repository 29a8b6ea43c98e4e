import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from frontdesk.clients.models import Client, ClientCategory, ClientNote
from frontdesk.clients.services import erase_client, find_or_create_client, merge_clients
from frontdesk.clients.tests.factories import make_client, make_record, make_service, make_specialist
from frontdesk.core.models import Event
from frontdesk.core.scopes import scope
from frontdesk.scheduling.models import Record, RecordStatus, Visit, WaitlistEntry

MSK = ZoneInfo("Europe/Moscow")


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_with_one_phone_written_differently_make_one_card(tenant_a):
    writings = ["+7 (900) 123-45-67", "89001234567", "+79001234567", "8 900 123 45 67", "9001234567"] * 4
    barrier = threading.Barrier(len(writings))
    results, errors = [], []

    def book(phone):
        try:
            barrier.wait()
            with scope(tenant_a.chain):
                results.append(find_or_create_client(chain=tenant_a.chain, phone=phone, name="Ирина").pk)
        except Exception as exc:  # the test must show any error, not hide it
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(p,)) for p in writings]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(set(results)) == 1 and len(results) == len(writings)
    assert Client.objects.filter(chain=tenant_a.chain).count() == 1
    assert Client.objects.get(chain=tenant_a.chain).phone == "+79001234567"


def test_merge_keeps_every_record_visit_waitlist_entry_and_comment(tenant_a):
    company = tenant_a.company
    haircut = make_service(company)
    anna = make_specialist(company, "Анна", [haircut])
    target = make_client(tenant_a, "Ирина", "+79001234567")
    source = make_client(
        tenant_a, "Ира П.", "+79007654321", email="ira@example.com", birthday=datetime.date(1990, 5, 3)
    )
    vip = ClientCategory.objects.create(chain=tenant_a.chain, title="VIP")
    source.categories.add(vip)
    start = datetime.datetime(2026, 3, 1, 12, tzinfo=MSK)
    for days in range(3):
        make_record(company, target, anna, haircut, start + datetime.timedelta(days=days))
        make_record(company, source, anna, haircut, start + datetime.timedelta(days=10 + days))
    WaitlistEntry.objects.create(
        company=company,
        chain=tenant_a.chain,
        client=source,
        service=haircut,
        date_from=datetime.date(2026, 4, 1),
        date_to=datetime.date(2026, 4, 5),
    )
    ClientNote.objects.create(chain=tenant_a.chain, client=source, text="Любит кофе")
    friend = make_client(tenant_a, "Подруга", "+79005550000", referrer=source)

    with scope(tenant_a.chain):
        merged = merge_clients(target, source)

    assert not Client.objects.filter(pk=source.pk).exists()
    assert Record.objects.filter(client=merged).count() == 6
    assert Visit.objects.filter(client=merged).count() == 6
    assert WaitlistEntry.objects.get().client_id == merged.pk
    assert ClientNote.objects.get().client_id == merged.pk
    friend.refresh_from_db()
    assert friend.referrer_id == merged.pk
    merged.refresh_from_db()
    assert merged.phone == "+79001234567" and "+79007654321" in merged.extra_phones
    assert merged.email == "ira@example.com" and merged.birthday == datetime.date(1990, 5, 3)
    assert list(merged.categories.all()) == [vip]
    assert Event.objects.filter(code="client.merged", object_id=str(merged.pk)).exists()
    # The duplicate's phone now finds the merged card through its additional phones, and a new
    # booking with it does not fail on the freed unique phone.
    with scope(tenant_a.chain):
        again = find_or_create_client(chain=tenant_a.chain, phone="+79007654321")
    assert again.pk != source.pk


def test_merging_a_client_into_itself_is_refused_and_changes_nothing(tenant_a):
    client = make_client(tenant_a)
    with translation.override("en"), scope(tenant_a.chain), pytest.raises(ValidationError) as error:
        merge_clients(client, client)
    assert error.value.messages == ["A client cannot be merged into the same client."]
    assert Client.objects.filter(pk=client.pk).exists()


def test_erasing_a_client_keeps_records_and_removes_personal_data(tenant_a):
    company = tenant_a.company
    haircut = make_service(company)
    anna = make_specialist(company, "Анна", [haircut])
    client = make_client(tenant_a, email="ira@example.com", custom={"skin": "dry"}, comment="Аллергия")
    make_record(company, client, anna, haircut, datetime.datetime(2026, 3, 1, 12, tzinfo=MSK))
    ClientNote.objects.create(chain=tenant_a.chain, client=client, text="private")
    with scope(tenant_a.chain):
        erase_client(client)
    client.refresh_from_db()
    assert client.phone == "" and client.email == "" and client.custom == {} and client.comment == ""
    assert client.erased_at is not None
    assert not client.notes.exists()
    assert Record.objects.filter(client=client, status=RecordStatus.COMPLETED).count() == 1
    logged = Event.objects.filter(object_type="clients.client", object_id=str(client.pk))
    assert not any("+79001234567" in str(e.changes) for e in logged)
