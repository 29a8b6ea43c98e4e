"""A manager adds, edits, dismisses and restores specialists; bad input saves nothing."""

import datetime
from decimal import Decimal

from frontdesk.accounts.models import Membership
from frontdesk.core.models import Event
from frontdesk.staff.models import Specialist, SpecialistService, WorkInterval
from frontdesk.staff.tests.factories import make_position, make_service, make_specialist
from frontdesk.testing.fixtures import client_for


def _data(tenant, **extra):
    data = {
        "name": "Анна Смирнова",
        "position": "",
        "specialization": "Стрижки",
        "phone": "8 916 000-01-01",
        "email": "anna@example.com",
        "description": "",
        "rating": "4.5",
        "companies": [tenant.company.pk],
        "user": "",
    }
    data.update(extra)
    return data


def test_a_manager_adds_a_specialist_with_services_and_own_prices(tenant_a, alice):
    position = make_position(tenant_a.company)
    haircut = make_service(tenant_a.company)
    colour = make_service(tenant_a.company, title="Окрашивание")
    data = _data(tenant_a, position=position.pk)
    data.update({f"svc_{haircut.pk}": "on", f"dur_{haircut.pk}": "45", f"pmin_{haircut.pk}": "1800"})
    data.update({f"svc_{colour.pk}": "on"})
    response = client_for(alice).post(f"/c/{tenant_a.company.pk}/staff/add/", data)
    assert response.status_code == 302
    specialist = Specialist.objects.get(name="Анна Смирнова")
    assert specialist.phone == "+79160000101"
    assert specialist.position == position
    assert list(specialist.companies.all()) == [tenant_a.company]
    links = {link.service_id: link for link in SpecialistService.objects.filter(specialist=specialist)}
    assert links[haircut.pk].duration == 45 and links[haircut.pk].price_min == Decimal("1800")
    assert links[colour.pk].duration is None
    page = client_for(alice).get(f"/c/{tenant_a.company.pk}/staff/").content.decode()
    assert "Анна Смирнова" in page


def test_a_specialist_without_a_branch_or_with_a_bad_price_is_not_saved(tenant_a, alice):
    haircut = make_service(tenant_a.company)
    client = client_for(alice)
    events = Event.objects.count()
    response = client.post(f"/c/{tenant_a.company.pk}/staff/add/", _data(tenant_a, companies=[]))
    assert response.status_code == 200
    assert "at least one branch" in response.content.decode()
    data = _data(tenant_a)
    data.update({f"svc_{haircut.pk}": "on", f"pmin_{haircut.pk}": "3000", f"pmax_{haircut.pk}": "2000"})
    response = client.post(f"/c/{tenant_a.company.pk}/staff/add/", data)
    assert response.status_code == 200
    assert "must not be more than" in response.content.decode()
    response = client.post(f"/c/{tenant_a.company.pk}/staff/add/", _data(tenant_a, phone="12"))
    assert response.status_code == 200
    assert not Specialist.objects.exists()
    assert Event.objects.count() == events


def test_a_service_of_another_branch_is_refused(tenant_a, alice):
    other = make_service(tenant_a.companies[1], title="Маникюр", category="Ногти")
    data = _data(tenant_a)
    data[f"svc_{other.pk}"] = "on"
    response = client_for(alice).post(f"/c/{tenant_a.company.pk}/staff/add/", data)
    assert response.status_code == 200
    assert "does not work in" in response.content.decode()
    assert not Specialist.objects.exists()


def test_one_login_links_to_one_specialist_only(tenant_a, alice, sam):
    make_specialist(tenant_a.company, name="Сэм", user=sam)
    response = client_for(alice).post(f"/c/{tenant_a.company.pk}/staff/add/", _data(tenant_a, user=sam.pk))
    assert response.status_code == 200
    assert "already linked" in response.content.decode()
    assert Specialist.objects.count() == 1


def test_a_login_of_another_network_cannot_be_linked(tenant_a, tenant_b, alice, bob):
    response = client_for(alice).post(f"/c/{tenant_a.company.pk}/staff/add/", _data(tenant_a, user=bob.pk))
    assert response.status_code == 200
    assert not Specialist.objects.exists()


def test_a_manager_edits_a_specialist_and_services_follow(tenant_a, alice):
    haircut = make_service(tenant_a.company)
    specialist = make_specialist(tenant_a.company, name="Анна")
    SpecialistService.objects.create(chain=tenant_a.chain, specialist=specialist, service=haircut, duration=30)
    url = f"/c/{tenant_a.company.pk}/staff/{specialist.pk}/"
    page = client_for(alice).get(url).content.decode()
    assert f'name="dur_{haircut.pk}" value="30"' in page
    response = client_for(alice).post(url, _data(tenant_a, name="Анна Петрова", hidden_online="on"))
    assert response.status_code == 302
    specialist.refresh_from_db()
    assert specialist.name == "Анна Петрова" and specialist.hidden_online
    assert not SpecialistService.objects.filter(specialist=specialist).exists()


def test_a_dismissed_specialist_keeps_history_and_can_be_restored(tenant_a, alice):
    specialist = make_specialist(tenant_a.company)
    WorkInterval.objects.create(
        company=tenant_a.company,
        specialist=specialist,
        date=datetime.date(2026, 5, 1),
        start=datetime.time(10),
        end=datetime.time(19),
    )
    client = client_for(alice)
    base = f"/c/{tenant_a.company.pk}/staff/"
    assert client.get(f"{base}{specialist.pk}/dismiss/").status_code == 405
    client.post(f"{base}{specialist.pk}/dismiss/", {"on": "2026-06-01"})
    specialist.refresh_from_db()
    assert specialist.is_dismissed and specialist.dismissed_on == datetime.date(2026, 6, 1)
    assert WorkInterval.objects.filter(specialist=specialist).exists()
    assert 'data-testid="specialist-row"' not in client.get(base).content.decode()
    assert 'data-testid="specialist-row"' in client.get(base + "?show=dismissed").content.decode()
    client.post(f"{base}{specialist.pk}/restore/")
    specialist.refresh_from_db()
    assert not specialist.is_dismissed and specialist.dismissed_on is None


def test_staff_pages_are_refused_to_an_administrator_and_a_specialist(tenant_a, amy, sam):
    for user in (amy, sam):
        assert client_for(user).get(f"/c/{tenant_a.company.pk}/staff/").status_code == 403
        assert client_for(user).get(f"/c/{tenant_a.company.pk}/schedule/").status_code == 403


def test_view_only_settings_right_sees_staff_but_cannot_add(tenant_a, amy):
    Membership.objects.filter(user=amy).update(permissions={"settings": 1})
    client = client_for(amy)
    assert client.get(f"/c/{tenant_a.company.pk}/staff/").status_code == 200
    assert client.get(f"/c/{tenant_a.company.pk}/schedule/").status_code == 200
    assert client.post(f"/c/{tenant_a.company.pk}/staff/add/", _data(tenant_a)).status_code == 403
    assert client.post(f"/c/{tenant_a.company.pk}/schedule/apply/", {}).status_code == 403


def test_the_staff_list_takes_a_constant_number_of_queries(tenant_a, alice, django_assert_max_num_queries):
    position = make_position(tenant_a.company)
    for index in range(25):
        specialist = make_specialist(tenant_a.company, name=f"Мастер {index}", position=position)
        specialist.companies.add(tenant_a.companies[1])
    client = client_for(alice)
    with django_assert_max_num_queries(12):
        assert client.get(f"/c/{tenant_a.company.pk}/staff/").status_code == 200


def test_a_specialist_sees_only_their_own_schedule(tenant_a, sam, alice):
    own = make_specialist(tenant_a.company, name="Сэм Мастеров", user=sam)
    other = make_specialist(tenant_a.company, name="Чужой Мастер")
    for specialist, hours in ((own, (10, 19)), (other, (8, 12))):
        WorkInterval.objects.create(
            company=tenant_a.company,
            specialist=specialist,
            date=datetime.date(2026, 5, 4),
            start=datetime.time(hours[0]),
            end=datetime.time(hours[1]),
        )
    client = client_for(sam)
    page = client.get(f"/c/{tenant_a.company.pk}/schedule/mine/?month=2026-05").content.decode()
    assert "10:00-19:00" in page
    assert "08:00-12:00" not in page and "Чужой" not in page
    assert client.get(f"/c/{tenant_a.company.pk}/schedule/?month=2026-05").status_code == 403
    # A manager opening "Work schedule" lands on the grid.
    response = client_for(alice).get(f"/c/{tenant_a.company.pk}/schedule/mine/")
    assert response.status_code == 302 and response["Location"].endswith("/schedule/")


def test_the_position_list_offers_working_positions_of_the_branches_with_their_names(tenant_a, tenant_b, alice):
    a1, a2 = tenant_a.companies[:2]
    make_position(a1, title="Стилист")
    make_position(a2, title="Стилист")
    old = make_position(a1, title="Бывшая должность")
    old.is_archived = True
    old.save()
    make_position(tenant_b.company, title="Чужая должность")
    page = client_for(alice).get(f"/c/{a1.pk}/staff/add/").content.decode()
    select = page[page.index('name="position"') : page.index("</select>", page.index('name="position"'))]
    assert f"Стилист · {a1.name}" in select and f"Стилист · {a2.name}" in select
    assert f'data-company="{a1.pk}"' in select
    assert "Бывшая должность" not in select and "Чужая должность" not in select


def test_a_position_of_a_branch_the_specialist_does_not_work_in_is_refused(tenant_a, alice):
    a1, a2 = tenant_a.companies[:2]
    elsewhere = make_position(a2, title="Массажист")
    response = client_for(alice).post(f"/c/{a1.pk}/staff/add/", _data(tenant_a, position=elsewhere.pk))
    assert response.status_code == 200
    assert "where this specialist does not work" in response.content.decode()
    assert not Specialist.objects.filter(name="Анна Смирнова").exists()


def test_an_archived_position_is_not_offered_but_a_specialist_keeps_the_one_they_hold(tenant_a, alice):
    position = make_position(tenant_a.company, title="Бывшая должность")
    specialist = make_specialist(tenant_a.company, name="Вера", position=position)
    position.is_archived = True
    position.save()
    client = client_for(alice)
    assert "Бывшая должность" not in client.get(f"/c/{tenant_a.company.pk}/staff/add/").content.decode()
    page = client.get(f"/c/{tenant_a.company.pk}/staff/{specialist.pk}/").content.decode()
    assert "Бывшая должность" in page
    response = client.post(
        f"/c/{tenant_a.company.pk}/staff/{specialist.pk}/", _data(tenant_a, name="Вера", position=position.pk)
    )
    assert response.status_code == 302
    specialist.refresh_from_db()
    assert specialist.position == position


def test_with_one_branch_the_position_list_shows_titles_only(tenant_b, bob):
    make_position(tenant_b.company, title="Барбер")
    page = client_for(bob).get(f"/c/{tenant_b.company.pk}/staff/add/").content.decode()
    assert ">Барбер</option>" in page
