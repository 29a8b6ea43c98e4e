"""The Services settings page: set up categories and services, archive and restore, reorder."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from frontdesk.catalog.models import Position, Resource, Service, ServiceCategory
from frontdesk.catalog.tests.factories import make_category, make_service
from frontdesk.core.models import Event
from frontdesk.testing import fixtures

pytestmark = pytest.mark.django_db


def client_for(user, language="en"):
    # A logged-in person sees the language of their profile.
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return fixtures.client_for(user)


def url(name, company, **kwargs):
    return reverse(f"catalog:{name}", kwargs={"company_id": company.pk, **kwargs})


def service_data(category, **overrides):
    data = {
        "category": category.pk,
        "title": "Женская стрижка",
        "description": "",
        "duration": 60,
        "price_min": "1500",
        "price_max": "2500",
        "online_booking": "on",
        "capacity": 1,
        "buffer_before": 0,
        "buffer_after": 10,
        "sort_order": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_owner_sees_categories_and_services_with_price_ranges(tenant_a, alice):
    company = tenant_a.company
    cuts = make_category(company, "Стрижки")
    make_service(cuts, "Женская стрижка", price_min=1500, price_max=2500)
    make_service(cuts, "Мужская стрижка", price_min=1800)
    make_service(make_category(company, "Массаж"), "Массаж спины", is_group=True, capacity=6)
    response = client_for(alice, "ru").get(url("services", company))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Стрижки" in html and "Массаж" in html
    assert "от 1\xa0500 до 2\xa0500 ₽" in html
    assert "1\xa0800 ₽" in html


def test_owner_creates_a_category_and_a_service(tenant_a, alice):
    company = tenant_a.company
    client = client_for(alice)
    response = client.post(url("category_add", company), {"title": "  Маникюр "})
    assert response.status_code == 302
    category = ServiceCategory.objects.get(company=company)
    assert category.title == "Маникюр"
    room = Resource.objects.create(company=company, chain=tenant_a.chain, title="Кабинет")
    response = client.post(
        url("service_add", company),
        service_data(category, title="Маникюр с покрытием", resources=[room.pk], is_group="on", capacity=3),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    service = Service.objects.get(company=company)
    assert (service.title, service.duration, service.price_min, service.price_max) == (
        "Маникюр с покрытием",
        60,
        Decimal("1500.00"),
        Decimal("2500.00"),
    )
    assert service.is_group and service.capacity == 3 and service.buffer_after == 10
    assert list(service.resources.all()) == [room]
    assert Event.objects.filter(object_type="catalog.service", object_id=str(service.pk)).exists()


def test_a_fixed_price_leaves_price_to_empty(tenant_a, alice):
    category = make_category(tenant_a.company)
    response = client_for(alice).post(url("service_add", tenant_a.company), service_data(category, price_max=""))
    assert response.status_code == 302
    service = Service.objects.get()
    assert service.price_min == service.price_max == Decimal("1500.00")


def test_owner_edits_a_service_and_uploads_an_image(tenant_a, alice):
    category = make_category(tenant_a.company)
    service = make_service(category)
    image = SimpleUploadedFile(
        "cut.gif",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
        b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
        content_type="image/gif",
    )
    response = client_for(alice).post(
        url("service_edit", tenant_a.company, service_id=service.pk),
        {**service_data(category, title="Стрижка каре", duration=75), "image": image},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.title == "Стрижка каре" and service.duration == 75
    assert service.image.name.startswith("services/")


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"duration": 0}, "greater than or equal to 5"),
        ({"duration": -30}, "greater than or equal to"),
        ({"duration": 2000}, "less than or equal to 1440"),
        ({"duration": "abc"}, "Enter a whole number"),
        ({"price_min": "-100"}, "Enter an amount of zero or more."),
        ({"price_min": "3000", "price_max": "2000"}, "must not be less than the price"),
        ({"title": "   "}, "This field is required"),
        ({"buffer_after": 5000}, "At most 1440 minutes"),
    ],
)
def test_bad_service_input_is_refused_and_nothing_is_saved(tenant_a, alice, overrides, message):
    category = make_category(tenant_a.company)
    events_before = Event.objects.count()
    response = client_for(alice).post(url("service_add", tenant_a.company), service_data(category, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Service.objects.exists()
    assert Event.objects.count() == events_before


def test_too_big_image_is_refused(tenant_a, alice):
    category = make_category(tenant_a.company)
    big = SimpleUploadedFile("big.gif", b"GIF89a" + b"0" * (2 * 1024 * 1024 + 10), content_type="image/gif")
    response = client_for(alice).post(url("service_add", tenant_a.company), {**service_data(category), "image": big})
    assert response.status_code == 200
    assert not Service.objects.exists()


def test_a_duplicate_service_title_in_a_category_is_refused(tenant_a, alice):
    category = make_category(tenant_a.company)
    make_service(category, "Женская стрижка")
    response = client_for(alice).post(
        url("service_add", tenant_a.company), service_data(category, title="женская  стрижка ")
    )
    assert response.status_code == 200
    assert "already has a service" in response.content.decode()
    assert Service.objects.count() == 1


def test_a_category_of_another_branch_cannot_be_chosen(tenant_a, alice):
    other_branch = make_category(tenant_a.companies[1], "Чужая")
    make_category(tenant_a.company, "Своя")
    response = client_for(alice).post(url("service_add", tenant_a.company), service_data(other_branch))
    assert response.status_code == 200
    assert not Service.objects.exists()


def test_duplicate_category_title_is_refused(tenant_a, alice):
    make_category(tenant_a.company, "Стрижки")
    response = client_for(alice).post(url("category_add", tenant_a.company), {"title": "стрижки"})
    assert response.status_code == 200
    assert "already a category" in response.content.decode()
    assert ServiceCategory.objects.count() == 1


def test_service_is_archived_and_restored_with_its_history(tenant_a, alice):
    service = make_service(make_category(tenant_a.company))
    client = client_for(alice)
    client.post(url("service_archive", tenant_a.company, service_id=service.pk))
    service.refresh_from_db()
    assert service.is_archived
    page = client.get(url("services", tenant_a.company)).content.decode()
    assert 'data-testid="archived-service"' in page
    client.post(url("service_restore", tenant_a.company, service_id=service.pk))
    service.refresh_from_db()
    assert not service.is_archived
    assert Event.objects.filter(object_type="catalog.service", object_id=str(service.pk)).count() == 3


def test_archive_by_get_changes_nothing(tenant_a, alice):
    service = make_service(make_category(tenant_a.company))
    client_for(alice).get(url("service_archive", tenant_a.company, service_id=service.pk))
    service.refresh_from_db()
    assert not service.is_archived


def test_category_with_active_services_cannot_be_archived(tenant_a, alice):
    category = make_category(tenant_a.company, "Стрижки")
    make_service(category)
    response = client_for(alice).post(url("category_archive", tenant_a.company, category_id=category.pk), follow=True)
    assert "still has 1 active services" in response.content.decode()
    category.refresh_from_db()
    assert not category.is_archived


def test_empty_category_is_archived_and_restored(tenant_a, alice):
    category = make_category(tenant_a.company, "Стрижки")
    make_service(category, is_archived=True)
    client = client_for(alice)
    client.post(url("category_archive", tenant_a.company, category_id=category.pk))
    category.refresh_from_db()
    assert category.is_archived
    client.post(url("category_restore", tenant_a.company, category_id=category.pk))
    category.refresh_from_db()
    assert not category.is_archived


def test_service_of_an_archived_category_is_restored_only_after_its_category(tenant_a, alice):
    category = make_category(tenant_a.company, "Стрижки", is_archived=True)
    service = make_service(category, is_archived=True)
    response = client_for(alice).post(url("service_restore", tenant_a.company, service_id=service.pk), follow=True)
    assert "restore it first" in response.content.decode()
    service.refresh_from_db()
    assert service.is_archived


def test_categories_are_reordered(tenant_a, alice):
    a, b, c = (make_category(tenant_a.company, t, sort_order=i) for i, t in enumerate(["A", "B", "C"]))
    response = client_for(alice).post(
        url("reorder", tenant_a.company), {"kind": "categories", "ids": [c.pk, a.pk, b.pk]}
    )
    assert response.status_code == 200, response.content
    assert list(ServiceCategory.objects.filter(company=tenant_a.company).values_list("title", flat=True)) == [
        "C",
        "A",
        "B",
    ]


def test_services_are_reordered_and_moved_between_categories(tenant_a, alice):
    cuts, colour = make_category(tenant_a.company, "Стрижки"), make_category(tenant_a.company, "Окрашивание")
    s1, s2 = make_service(cuts, "Один", sort_order=0), make_service(cuts, "Два", sort_order=1)
    s3 = make_service(colour, "Три")
    response = client_for(alice).post(
        url("reorder", tenant_a.company), {"kind": "services", "category": cuts.pk, "ids": [s3.pk, s2.pk, s1.pk]}
    )
    assert response.status_code == 200
    assert list(cuts.services.values_list("title", flat=True)) == ["Три", "Два", "Один"]


@pytest.mark.parametrize("whose", ["other network", "other branch", "archived", "garbage"])
def test_reorder_with_foreign_ids_is_refused_and_changes_nothing(tenant_a, tenant_b, alice, whose):
    cuts = make_category(tenant_a.company, "Стрижки")
    s1, s2 = make_service(cuts, "Один", sort_order=0), make_service(cuts, "Два", sort_order=1)
    stranger = {
        "other network": lambda: make_service(make_category(tenant_b.company, "B")).pk,
        "other branch": lambda: make_service(make_category(tenant_a.companies[1], "A2")).pk,
        "archived": lambda: make_service(cuts, "Старая", is_archived=True).pk,
        "garbage": lambda: "drop table",
    }[whose]()
    response = client_for(alice).post(
        url("reorder", tenant_a.company), {"kind": "services", "category": cuts.pk, "ids": [s2.pk, stranger, s1.pk]}
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert list(cuts.services.filter(is_archived=False).values_list("title", flat=True)) == ["Один", "Два"]
    assert Service.objects.filter(title="Один").get().category == cuts


def test_reorder_into_a_category_of_another_network_is_refused(tenant_a, tenant_b, alice):
    service = make_service(make_category(tenant_a.company))
    foreign = make_category(tenant_b.company, "B")
    response = client_for(alice).post(
        url("reorder", tenant_a.company), {"kind": "services", "category": foreign.pk, "ids": [service.pk]}
    )
    assert response.status_code == 400
    service.refresh_from_db()
    assert service.category.company == tenant_a.company


def test_foreign_category_ids_in_category_order_are_refused(tenant_a, tenant_b, alice):
    mine = make_category(tenant_a.company, "A")
    theirs = make_category(tenant_b.company, "B", sort_order=7)
    response = client_for(alice).post(
        url("reorder", tenant_a.company), {"kind": "categories", "ids": [theirs.pk, mine.pk]}
    )
    assert response.status_code == 400
    theirs.refresh_from_db()
    assert theirs.sort_order == 7


def test_member_without_settings_edit_cannot_change_the_catalogue(tenant_a, amy):
    category = make_category(tenant_a.company)
    client = client_for(amy)
    assert client.get(url("services", tenant_a.company)).status_code == 403
    assert client.post(url("service_add", tenant_a.company), service_data(category)).status_code == 403
    assert (
        client.post(url("reorder", tenant_a.company), {"kind": "categories", "ids": [category.pk]}).status_code == 403
    )
    assert not Service.objects.exists()


def test_catalogue_page_stays_within_its_query_budget(tenant_a, alice, django_assert_max_num_queries):
    room = Resource.objects.create(company=tenant_a.company, chain=tenant_a.chain, title="Кабинет")
    for c in range(8):
        category = make_category(tenant_a.company, f"Категория {c}")
        for s in range(5):
            service = make_service(category, f"Услуга {c}-{s}", description="Описание")
            service.resources.add(room)
    make_service(category, "В архиве", is_archived=True)
    client = client_for(alice)
    with django_assert_max_num_queries(14):
        response = client.get(url("services", tenant_a.company))
    assert response.content.decode().count('data-testid="service"') == 40


def test_positions_are_created_edited_archived_and_restored(tenant_a, alice):
    client = client_for(alice)
    assert client.post(url("position_add", tenant_a.company), {"title": "Бровист"}).status_code == 302
    position = Position.objects.get()
    assert client.post(url("position_add", tenant_a.company), {"title": "бровист"}).status_code == 200
    client.post(url("position_edit", tenant_a.company, position_id=position.pk), {"title": "Бровист-визажист"})
    client.post(url("position_archive", tenant_a.company, position_id=position.pk))
    position.refresh_from_db()
    assert position.title == "Бровист-визажист" and position.is_archived
    client.post(url("position_restore", tenant_a.company, position_id=position.pk))
    position.refresh_from_db()
    assert not position.is_archived
    assert "Бровист-визажист" in client.get(url("positions", tenant_a.company)).content.decode()


def test_resources_are_created_with_the_services_that_need_them(tenant_a, alice):
    category = make_category(tenant_a.company, "Массаж")
    back, face = make_service(category, "Массаж спины"), make_service(category, "Массаж лица")
    client = client_for(alice)
    response = client.post(
        url("resource_add", tenant_a.company), {"title": "Массажный кабинет", "capacity": 2, "services": [back.pk]}
    )
    assert response.status_code == 302
    room = Resource.objects.get()
    assert room.capacity == 2 and list(room.services.all()) == [back]
    client.post(
        url("resource_edit", tenant_a.company, resource_id=room.pk),
        {"title": "Массажный кабинет", "capacity": 1, "services": [face.pk]},
    )
    assert list(room.services.all()) == [face]
    response = client.post(url("resource_add", tenant_a.company), {"title": "Кресло", "capacity": 0})
    assert response.status_code == 200 and Resource.objects.count() == 1
    client.post(url("resource_archive", tenant_a.company, resource_id=room.pk))
    room.refresh_from_db()
    assert room.is_archived
    page = client.get(url("resources", tenant_a.company)).content.decode()
    assert "Массажный кабинет" in page


def test_service_of_another_branch_is_not_found(tenant_a, alice):
    service = make_service(make_category(tenant_a.companies[1]))
    client = client_for(alice)
    assert client.get(url("service_edit", tenant_a.company, service_id=service.pk)).status_code == 404
    assert client.post(url("service_archive", tenant_a.company, service_id=service.pk)).status_code == 404


def test_a_new_service_form_leaves_price_to_empty_and_saves_a_fixed_price(tenant_a, alice):
    category = make_category(tenant_a.company)
    client = client_for(alice)
    page = client.get(url("service_add", tenant_a.company)).content.decode()
    price_to = re.search(r'<input[^>]*name="price_max"[^>]*>', page).group(0)
    assert 'value="' not in price_to
    # What the browser sends back when the owner types only "price from".
    response = client.post(url("service_add", tenant_a.company), service_data(category, price_max=""))
    assert response.status_code == 302
    assert Service.objects.get().price_max == Decimal("1500.00")
