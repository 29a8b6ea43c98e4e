import pytest

from frontdesk.accounts.models import Membership
from frontdesk.core.models import Event
from frontdesk.testing.fixtures import client_for


@pytest.mark.parametrize("path", ["settings/", "settings/users/", "events/", "settings/network/"])
def test_a_specialist_is_refused_the_settings_on_the_server(tenant_a, sam, path):
    response = client_for(sam).get(f"/c/{tenant_a.company.pk}/{path}")
    assert response.status_code == 403


def test_the_menu_shows_a_specialist_only_what_they_may_open(tenant_a, sam, alice):
    page = client_for(sam).get(f"/c/{tenant_a.company.pk}/").content.decode()
    assert 'data-nav="settings"' not in page
    assert 'data-nav="settings"' in client_for(alice).get(f"/c/{tenant_a.company.pk}/").content.decode()


def test_a_member_of_one_branch_cannot_open_another_branch(tenant_a, amy):
    assert client_for(amy).get(f"/c/{tenant_a.companies[0].pk}/").status_code == 200
    assert client_for(amy).get(f"/c/{tenant_a.companies[1].pk}/").status_code == 404


def test_view_only_settings_right_shows_the_form_but_refuses_a_post(tenant_a, amy):
    membership = Membership.objects.get(user=amy)
    membership.permissions = {"settings": 1}
    membership.save()
    client = client_for(amy)
    url = f"/c/{tenant_a.company.pk}/settings/"
    assert client.get(url).status_code == 200
    before = Event.objects.count()
    response = client.post(url, {"name": "Hijacked"})
    assert response.status_code == 200
    assert Event.objects.count() == before
    assert client.get(f"/c/{tenant_a.company.pk}/settings/users/invite/").status_code == 403


def test_a_switched_off_member_loses_access_at_once(tenant_a, amy):
    client = client_for(amy)
    Membership.objects.filter(user=amy).update(is_active=False)
    assert client.get(f"/c/{tenant_a.company.pk}/").status_code == 404


def test_the_owner_edits_a_members_rights_and_they_apply(tenant_a, alice, amy):
    membership = Membership.objects.get(user=amy)
    data = {
        "role": "administrator",
        "all_companies": "",
        "companies": [tenant_a.company.pk],
        "is_active": "on",
        "own_records_only": "",
    }
    for section, level in membership.section_levels().items():
        data[f"perm_{section}"] = level
    data["perm_settings"] = 1
    response = client_for(alice).post(f"/c/{tenant_a.company.pk}/settings/users/{membership.pk}/", data)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.permissions == {"settings": 1}
    assert client_for(amy).get(f"/c/{tenant_a.company.pk}/settings/").status_code == 200


def test_the_owners_own_access_cannot_be_reduced(tenant_a, alice):
    membership = Membership.objects.get(user=alice)
    data = {"role": "manager", "all_companies": "on", "is_active": "on"}
    for section in membership.section_levels():
        data[f"perm_{section}"] = 2
    response = client_for(alice).post(f"/c/{tenant_a.company.pk}/settings/users/{membership.pk}/", data)
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.role == "owner"


@pytest.mark.parametrize(
    "path,active",
    [
        ("", "overview"),
        ("settings/", "settings"),
        ("settings/services/", "settings"),
        ("events/", "settings"),
        ("staff/", "staff"),
        ("schedule/", "schedule"),
    ],
)
def test_the_menu_marks_the_section_being_shown(tenant_a, alice, path, active):
    page = client_for(alice).get(f"/c/{tenant_a.company.pk}/{path}").content.decode()
    sidebar = page.split('id="fd-sidebar"')[1].split("</nav>")[0]
    marked = [chunk.split('data-nav="')[1].split('"')[0] for chunk in sidebar.split("nav-link active")[1:]]
    assert marked == [active]
