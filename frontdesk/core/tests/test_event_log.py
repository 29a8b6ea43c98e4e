import datetime

from django.apps import apps
from django.db.models.signals import post_delete

from frontdesk.core.context import Source, acting_as
from frontdesk.core.models import AuditedModel, Event
from frontdesk.tenancy.models import Company
from frontdesk.testing.fixtures import client_for


def test_a_change_in_settings_is_logged_with_who_where_from_and_what(tenant_a, alice):
    company = tenant_a.company
    client = client_for(alice)
    data = {
        "name": "Лаванда на Арбате",
        "business_type": "beauty_salon",
        "country": "Россия",
        "city": "Москва",
        "address": "Арбат, 1",
        "timezone": "Europe/Moscow",
        "phone": "",
        "phone_extra": "",
        "email": "",
        "site": "",
        "description": "",
    }
    for day in range(7):
        data.update({f"h-open_{day}": "on", f"h-opens_{day}": "10:00", f"h-closes_{day}": "20:00"})
    response = client.post(f"/c/{company.pk}/settings/", data, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    event = Event.objects.filter(object_type="tenancy.company", action="changed").latest("id")
    assert event.user == alice and event.source == Source.WEB and event.ip == "10.1.2.3"
    assert event.changes["name"] == ["Лаванда Арбат", "Лаванда на Арбате"]
    assert event.changes["address"] == ["", "Арбат, 1"]
    assert "updated_at" not in event.changes
    hours = Event.objects.filter(object_type="tenancy.openinghours", action="changed")
    assert hours.count() == 7


def test_saving_without_changes_logs_nothing(tenant_a):
    company = Company.objects.get(pk=tenant_a.company.pk)
    before = Event.objects.count()
    company.save()
    assert Event.objects.count() == before


def test_a_delete_is_logged_and_system_changes_are_marked_as_system(tenant_a):
    with acting_as(None, Source.SYSTEM):
        hours = tenant_a.company.opening_hours.first()
        hours.delete()
    event = Event.objects.latest("id")
    assert event.action == "deleted" and event.source == Source.SYSTEM and event.user is None


def test_deletes_of_tables_the_log_does_not_keep_are_one_query_and_every_audited_model_is_logged(
    tenant_a, django_assert_num_queries
):
    # given: the log's own rows, a table it does not keep
    first = Event.objects.order_by("id").first()
    rows = Event.objects.filter(pk=first.pk)

    # when / then: a queryset delete is one DELETE, no row loaded first (no delete receiver listens)
    with django_assert_num_queries(1):
        rows.delete()
    # and every audited model still has its delete logged (a branch's hours: above)
    audited = [model for model in apps.get_models() if issubclass(model, AuditedModel)]
    assert audited and all(post_delete.has_listeners(model) for model in audited)
    assert not post_delete.has_listeners(Event)


def test_the_event_log_page_filters_by_type_action_and_date(tenant_a, alice):
    client = client_for(alice)
    url = f"/c/{tenant_a.company.pk}/events/"
    page = client.get(url, {"object_type": "tenancy.company", "action": "created"}).content.decode()
    assert "Лаванда Арбат" in page and "Лаванда Сокол" in page
    assert "Monday" not in page  # opening hours are another object type
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    page = client.get(url, {"date_from": tomorrow}).content.decode()
    assert "No events match the filter." in page
    response = client.get(url, {"date_from": "31.12.2026"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "is not a date" in response.content.decode()


def test_the_event_log_of_one_network_shows_nothing_of_another(tenant_a, tenant_b, alice):
    page = client_for(alice).get(f"/c/{tenant_a.company.pk}/events/").content.decode()
    assert "Барбер Бро" not in page
