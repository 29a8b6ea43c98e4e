"""The goods, goods categories and storages operations: what an integration reads and writes is
what the back office shows, bad input is refused with the screens' words and changes nothing, and
only members with the warehouse right get in."""

from decimal import Decimal

import pytest

from frontdesk.api.tests.conftest import ApiClient, user_token
from frontdesk.api.v1.goods import UNIT_IDS, VAT_IDS
from frontdesk.payments.models import Vat
from frontdesk.warehouse.models import Barcode, Goods, GoodsCategory, GoodsPrice, MinimumStock, Unit, WarehouseKind
from frontdesk.warehouse.services import ItemLine, receive
from frontdesk.warehouse.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(salon):
    company = salon.company
    chain = salon.tenant.chain
    care = GoodsCategory.objects.create(chain=chain, title="Уход")
    shampoo = factories.goods(chain, "Шампунь 250 мл", article="SH-250", category=care)
    Barcode.objects.create(chain=chain, goods=shampoo, code="4601234567893")
    sales = factories.warehouse(company)
    materials = factories.warehouse(company, "Материалы", WarehouseKind.MATERIALS)
    receive(company, sales, factories.supplier(chain), [ItemLine(shampoo, "6", "500")])
    return {"care": care, "shampoo": shampoo, "sales": sales, "materials": materials}


def _data(response, status=200):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is True
    return body["data"]


def test_an_item_is_listed_with_the_branchs_price_stock_and_barcode(crm_client, salon, shop):
    GoodsPrice.objects.create(chain=salon.tenant.chain, company=salon.company, goods=shop["shampoo"], price=990)
    listed = _data(crm_client.get(f"/api/v1/goods/{salon.company.pk}/0"))
    assert [item["title"] for item in listed] == ["Шампунь 250 мл"]
    item = listed[0]
    assert item["good_id"] == str(shop["shampoo"].pk)
    assert item["cost"] == "990.00"  # the branch's own price, not the network's 1,100
    assert item["actual_cost"] == "500.00"
    assert item["barcode"] == "4601234567893"
    assert item["actual_amounts"] == [{"storage_id": str(shop["sales"].pk), "amount": "6"}]
    assert item["category_id"] == shop["care"].pk

    found = _data(crm_client.get(f"/api/v1/goods/{salon.company.pk}", term="4601234567893"))
    assert [g["good_id"] for g in found] == [item["good_id"]]
    assert _data(crm_client.get(f"/api/v1/goods/{salon.company.pk}", term="SH-250"))[0]["title"] == "Шампунь 250 мл"
    assert _data(crm_client.get(f"/api/v1/goods/{salon.company.pk}", term="шамп"))[0]["title"] == "Шампунь 250 мл"
    assert _data(crm_client.get(f"/api/v1/goods/{salon.company.pk}", term="Кондиционер")) == []


def test_a_new_item_is_created_as_the_back_office_would(crm_client, salon, shop):
    body = {
        "title": "Краска 7.1",
        "article": "DYE-71",
        "barcode": "4607001234562",
        "category_id": shop["care"].pk,
        "cost": 0,
        "actual_cost": 420,
        "sale_unit_id": UNIT_IDS[Unit.PIECE],
        "service_unit_id": UNIT_IDS[Unit.ML],
        "unit_equals": 60,
        "vat_id": VAT_IDS[Vat.VAT20],
        "critical_amount": 120,
    }
    created = _data(crm_client.post(f"/api/v1/goods/{salon.company.pk}", body), 201)[0]
    dye = Goods.objects.get(pk=int(created["good_id"]))
    assert (dye.writeoff_unit, dye.units_per_sale, dye.vat) == (Unit.ML, Decimal("60"), Vat.VAT20)
    assert list(dye.barcodes.values_list("code", flat=True)) == ["4607001234562"]
    assert MinimumStock.objects.get(goods=dye, warehouse=shop["sales"]).quantity == 120
    assert created["unit_actual_cost"] == "7"  # 420 ₽ for 60 ml
    assert created["critical_amount"] == 120.0


@pytest.mark.parametrize(
    "change,field",
    [
        ({"unit_equals": -1}, "unit_equals"),
        ({"barcode": "4601234567893"}, "barcode"),  # the shampoo's
        ({"article": "SH-250"}, "article"),
        ({"sale_unit_id": 99}, "sale_unit_id"),
        ({"actual_cost": "дорого"}, "actual_cost"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_saves_nothing(crm_client, salon, shop, change, field):
    before = list(Goods.objects.values_list("pk", "title", "article", "units_per_sale", "purchase_price"))
    body = {"title": "Маска", **change}
    response = crm_client.post(f"/api/v1/goods/{salon.company.pk}", body)
    assert response.status_code == 422, response.content
    error = response.json()
    assert error["success"] is False and error["meta"]["message"]
    assert field in str(error["meta"]), error
    assert list(Goods.objects.values_list("pk", "title", "article", "units_per_sale", "purchase_price")) == before


def test_a_change_keeps_what_it_does_not_name_and_sets_the_branchs_price(crm_client, salon, shop):
    shampoo = shop["shampoo"]
    path = f"/api/v1/goods/{salon.company.pk}/{shampoo.pk}"
    changed = _data(crm_client.put(path, {"title": "Шампунь 300 мл", "cost": 1200}))[0]
    shampoo.refresh_from_db()
    assert (shampoo.title, shampoo.article, shampoo.price) == ("Шампунь 300 мл", "SH-250", Decimal("1100"))
    assert GoodsPrice.objects.get(goods=shampoo, company=salon.company).price == 1200
    assert changed["cost"] == "1200.00" and changed["barcode"] == "4601234567893"
    # The other branch still sells at the network's price.
    other = salon.tenant.companies[1]
    assert _data(crm_client.get(f"/api/v1/goods/{other.pk}/{shampoo.pk}"))[0]["cost"] == "1100.00"


def test_changed_after_lists_only_items_changed_since(crm_client, salon, shop):
    shampoo = shop["shampoo"]
    Goods.objects.filter(pk=shampoo.pk).update(changed_at="2026-01-01T00:00:00Z")
    fresh = factories.goods(salon.tenant.chain, "Маска")
    listed = _data(crm_client.get(f"/api/v1/goods/{salon.company.pk}", changed_after="2026-06-01T00:00:00Z"))
    assert [g["good_id"] for g in listed] == [str(fresh.pk)]
    bad = crm_client.get(f"/api/v1/goods/{salon.company.pk}", changed_after="вчера")
    assert bad.status_code == 422


def test_delete_archives_an_item_with_movements_and_deletes_one_without(crm_client, salon, shop):
    company = salon.company.pk
    _data(crm_client.delete(f"/api/v1/goods/{company}/{shop['shampoo'].pk}"))
    assert Goods.objects.get(pk=shop["shampoo"].pk).is_archived  # the ledger still names it
    assert _data(crm_client.get(f"/api/v1/goods/{company}/0")) == []
    spare = factories.goods(salon.tenant.chain, "Маска")
    _data(crm_client.delete(f"/api/v1/goods/{company}/{spare.pk}"))
    assert not Goods.objects.filter(pk=spare.pk).exists()
    assert crm_client.delete(f"/api/v1/goods/{company}/{spare.pk}").status_code == 404


def test_categories_form_a_tree_and_a_full_folder_is_not_deleted(crm_client, salon, shop):
    company = salon.company.pk
    hair = _data(crm_client.post(f"/api/v1/goods_categories/{company}", {"title": "Волосы"}), 201)
    inner = _data(
        crm_client.post(f"/api/v1/goods_categories/{company}", {"title": "Краски", "parent_category_id": hair["id"]}),
        201,
    )
    assert inner["parent_category_id"] == hair["id"]
    top = _data(crm_client.get(f"/api/v1/goods_categories/{company}/0"))
    assert [c["title"] for c in top] == ["Волосы", "Уход"]
    assert _data(crm_client.get(f"/api/v1/company/{company}/goods_categories/{hair['id']}")) == [
        {"id": str(inner["id"]), "title": "Краски", "parent_category_id": hair["id"]}
    ]
    both = _data(crm_client.get(f"/api/v1/goods_categories/multiple/{company}", id=f"{hair['id']},{inner['id']}"))
    assert {c["title"] for c in both} == {"Волосы", "Краски"}
    node = _data(crm_client.get(f"/api/v1/goods/category_node/{company}/{hair['id']}"))
    assert node["children_count"] == 1 and node["children"][0]["title"] == "Краски"

    # A folder cannot go inside its own subfolder.
    loop = crm_client.put(f"/api/v1/goods_categories/{company}/{hair['id']}", {"parent_category_id": inner["id"]})
    assert loop.status_code == 422
    assert GoodsCategory.objects.get(pk=hair["id"]).parent_id is None
    renamed = _data(crm_client.put(f"/api/v1/goods_categories/{company}/{inner['id']}", {"title": "Краски для волос"}))
    assert renamed == {"id": inner["id"], "title": "Краски для волос", "parent_category_id": hair["id"]}

    full = crm_client.delete(f"/api/v1/goods_categories/{company}/{shop['care'].pk}")
    assert full.status_code == 422 and GoodsCategory.objects.filter(pk=shop["care"].pk).exists()
    _data(crm_client.delete(f"/api/v1/goods_categories/{company}/{inner['id']}"))
    assert not GoodsCategory.objects.filter(pk=inner["id"]).exists()


def test_search_finds_categories_first_then_goods(crm_client, salon, shop):
    company = salon.company.pk
    GoodsCategory.objects.create(chain=salon.tenant.chain, title="Шампуни")
    found = _data(crm_client.get(f"/api/v1/goods/search/{company}", search_term="Шампун", max_count=5))
    assert [(n["title"], n["is_category"]) for n in found] == [("Шампуни", True), ("Шампунь 250 мл", False)]
    assert found[1]["item_id"] == shop["shampoo"].pk
    roots = _data(crm_client.get(f"/api/v1/goods/search/{company}"))
    assert {n["title"] for n in roots} == {"Уход", "Шампуни"}


def test_storages_are_the_branchs_warehouses(crm_client, salon, shop):
    storages = _data(crm_client.get(f"/api/v1/storages/{salon.company.pk}"))
    assert [(s["title"], s["for_sale"], s["for_service"]) for s in storages] == [("Товары", 1, 0), ("Материалы", 0, 1)]
    assert _data(crm_client.get(f"/api/v1/storages/{salon.tenant.companies[1].pk}")) == []


def test_a_member_without_the_warehouse_right_is_refused(salon, shop, sam):
    client = ApiClient(salon.partner, user_token(salon, sam))
    assert client.get(f"/api/v1/goods/{salon.company.pk}/0").status_code == 403
    assert client.get(f"/api/v1/storages/{salon.company.pk}").status_code == 403
    refused = client.post(f"/api/v1/goods_categories/{salon.company.pk}", {"title": "Чужая"})
    assert refused.status_code == 403
    assert not GoodsCategory.objects.filter(title="Чужая").exists()
    assert ApiClient(salon.partner).get(f"/api/v1/goods/{salon.company.pk}/0").status_code == 401


def test_the_goods_list_asks_a_fixed_number_of_queries(crm_client, salon, shop, django_assert_max_num_queries):
    path = f"/api/v1/goods/{salon.company.pk}/0"
    crm_client.get(path)  # warm: the token, the membership
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        crm_client.get(path)
    for n in range(10):
        item = factories.goods(salon.tenant.chain, f"Маска {n}")
        Barcode.objects.create(chain=salon.tenant.chain, goods=item, code=f"2000000000{n:02d}")
    with django_assert_max_num_queries(len(one)):
        assert len(_data(crm_client.get(path))) == 11


def test_a_page_past_any_list_is_refused_rather_than_a_server_error(crm_client, salon):
    """SQLite takes the offset as a literal; past 64 bits it failed with «datatype mismatch»."""
    far = str(2**61)
    response = crm_client.get(f"/api/v1/goods/{salon.company.pk}", page=far)
    assert response.status_code == 422 and response.json()["meta"]["message"]
    searched = crm_client.post(f"/api/v1/company/{salon.company.pk}/clients/search", {"page": far, "page_size": 200})
    assert searched.status_code == 422
