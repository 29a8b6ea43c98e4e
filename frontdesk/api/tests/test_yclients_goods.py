"""The real `yclients` 0.1.1 client library works the goods catalogue: it creates categories and
an item, lists, changes and deletes them, searches the tree and reads the storages — each answer
parses into the client's own typed model and holds what the back office then shows."""

import json
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from frontdesk.api.tests.test_yclients_client import yclients_python  # noqa: F401 (a fixture)
from frontdesk.api.v1.goods import UNIT_IDS
from frontdesk.testing.fixtures import PASSWORD
from frontdesk.warehouse.models import Goods, GoodsCategory, GoodsPrice, MinimumStock, Unit, WarehouseKind
from frontdesk.warehouse.quantities import ean13
from frontdesk.warehouse.tests import factories

DRIVER = Path(__file__).with_name("yclients_goods_driver.py")


@pytest.mark.django_db(transaction=True)
def test_the_yclients_client_works_the_goods_catalogue(yclients_python, live_server, salon, alice):  # noqa: F811
    company = salon.company
    sales = factories.warehouse(company)
    factories.warehouse(company, "Материалы", WarehouseKind.MATERIALS)
    barcode = ean13("460700123456")
    env = {
        **os.environ,
        "BASE_URL": live_server.url,
        "PARTNER": salon.partner,
        "LOGIN": alice.email,
        "PASSWORD": PASSWORD,
        "COMPANY_ID": str(company.pk),
        "BARCODE": barcode,
        "UNIT_PIECE": str(UNIT_IDS[Unit.PIECE]),
        "UNIT_ML": str(UNIT_IDS[Unit.ML]),
    }
    result = subprocess.run([yclients_python, DRIVER], env=env, capture_output=True, text=True, timeout=120, cwd="/")
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout)

    assert [(s["title"], s["for_sale"], s["for_service"]) for s in seen["storages"]] == [
        ("Товары", 1.0, 0.0),
        ("Материалы", 0.0, 1.0),
    ]
    hair = seen["category_created"]
    assert hair["title"] == "Волосы" and hair["parent_category_id"] == 0
    assert seen["category_renamed"]["title"] == "Краски для волос"
    assert [c["title"] for c in seen["top_categories"]] == ["Волосы"]
    assert [c["title"] for c in seen["inside_hair"]] == ["Краски для волос"]
    assert [c["title"] for c in seen["multiple"]] == ["Краски для волос"]
    assert seen["node"]["children_count"] == 1

    created = seen["created"][0]
    assert (created["title"], created["barcode"], created["unit_equals"]) == ("Краска 7.1", barcode, "60")
    assert created["unit_actual_cost"] == "7"  # 420 ₽ a tube of 60 ml
    assert [g["good_id"] for g in seen["listed"]] == [created["good_id"]]
    assert seen["changed"][0]["title"] == "Краска 7.1 60 мл" and seen["changed"][0]["cost"] == "350.00"
    assert seen["one"][0]["barcode"] == barcode  # a change that does not name the barcode keeps it
    assert [(n["title"], n["is_item"]) for n in seen["search"]] == [
        ("Краски для волос", False),
        ("Краска 7.1 60 мл", True),
    ]
    assert seen["after_delete"] == []
    assert seen["category_deleted"] is None

    # What the back office holds afterwards: the item was never moved, so it is gone.
    assert not Goods.objects.filter(pk=int(created["good_id"])).exists()
    assert not GoodsPrice.objects.exists() and not MinimumStock.objects.filter(warehouse=sales).exists()
    assert list(GoodsCategory.objects.values_list("title", flat=True)) == ["Волосы"]
    assert Decimal(created["actual_cost"]) == 420
