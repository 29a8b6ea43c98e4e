"""Finding goods by what the administrator types: a part of the name in any letter case —
Cyrillic too, which SQLite's own case folding leaves alone — the article or a barcode; the same at
the checkout, in the catalogue and on the remains page, on SQLite and PostgreSQL alike."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from frontdesk.finance.means import search_products
from frontdesk.testing.fixtures import client_for
from frontdesk.warehouse.models import Barcode, Goods
from frontdesk.warehouse.quantities import ean13
from frontdesk.warehouse.services import ItemLine, receive
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = pytest.mark.django_db

CODE = ean13("460123456780")
TYPED = ["шамп", "ШАМП", "Шамп", "шАмПуНь", "пунь 250", "sh-250", "SH-250", CODE]


@pytest.fixture
def store(tenant_a):
    return warehouse(tenant_a.company)


@pytest.fixture
def shampoo(tenant_a, store):
    item = goods(tenant_a.chain, "Шампунь 250 мл", article="SH-250")
    Barcode.objects.create(chain=tenant_a.chain, goods=item, code=CODE)
    goods(tenant_a.chain, "Бальзам 200 мл", article="BL-200")
    receive(tenant_a.company, store, supplier(tenant_a.chain), [ItemLine(item, 3, "500")])
    return item


@pytest.mark.parametrize("typed", TYPED)
def test_the_checkout_finds_the_shampoo_however_it_is_typed(tenant_a, shampoo, typed, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = search_products(tenant_a.company, typed)
    assert [p.title for p in found] == ["Шампунь 250 мл"]


@pytest.mark.parametrize("typed", TYPED)
def test_the_catalogue_finds_the_shampoo_however_it_is_typed(tenant_a, alice, shampoo, typed):
    page = client_for(alice).get(reverse("warehouse:goods", args=[tenant_a.company.pk]), {"q": typed})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Шампунь 250 мл" in text and "Бальзам 200 мл" not in text


def test_the_remains_page_finds_the_shampoo_by_a_lower_case_part_of_its_name(tenant_a, alice, store, shampoo):
    page = client_for(alice).get(reverse("warehouse:remains", args=[tenant_a.company.pk, store.pk]), {"q": "ШАМПУНЬ"})
    assert page.status_code == 200
    assert "Шампунь 250 мл" in page.content.decode()


def test_a_renamed_item_is_found_by_its_new_name_only(tenant_a, shampoo):
    shampoo.title = "ЁЛОЧНЫЙ шампунь"
    shampoo.save(update_fields=["title"])
    assert [p.title for p in search_products(tenant_a.company, "ёлочн")] == ["ЁЛОЧНЫЙ шампунь"]
    assert search_products(tenant_a.company, "250 мл") == []


def test_goods_saved_before_the_search_column_are_found_after_the_migration(tenant_a, shampoo):
    Goods.objects.update(title_search="")  # as every row stood before the column was filled
    assert search_products(tenant_a.company, "шамп") == []
    migration = importlib.import_module("frontdesk.warehouse.migrations.0005_goods_title_search")
    migration.backfill(django_apps, None)
    assert [p.title for p in search_products(tenant_a.company, "шамп")] == ["Шампунь 250 мл"]
