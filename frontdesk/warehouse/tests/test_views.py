"""The warehouse's screens: who may open and change them, the catalogue, the documents written
through the services with every refusal shown and nothing saved, the remains page with a fixed
number of queries, exports and the goods import's dry run."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from frontdesk.testing.fixtures import client_for
from frontdesk.warehouse.models import Barcode, Goods, MinimumStock, StockDocument, StockRemain
from frontdesk.warehouse.quantities import ean13
from frontdesk.warehouse.services import ItemLine, receive
from frontdesk.warehouse.tests.factories import goods, supplier, warehouse

pytestmark = pytest.mark.django_db


def url(name, company, **kwargs):
    return reverse(f"warehouse:{name}", kwargs={"company_id": company.pk, **kwargs})


def test_a_specialist_without_the_section_is_refused(tenant_a, sam):
    assert client_for(sam).get(url("index", tenant_a.company)).status_code == 403


def test_the_owner_adds_an_item_with_barcodes_and_finds_it_by_one(tenant_a, alice):
    web = client_for(alice)
    code = ean13("460000000123")
    response = web.post(
        url("goods_add", tenant_a.company),
        {
            "title": "Шампунь 250 мл",
            "article": "SH-250",
            "sale_unit": "pcs",
            "writeoff_unit": "pcs",
            "units_per_sale": "1",
            "purchase_price": "540",
            "price": "1150",
            "vat": "none",
            "barcodes": f"{code}\nOWN-1",
            "branch_price": "1200",
        },
    )
    assert response.status_code == 302
    item = Goods.objects.get(article="SH-250")
    assert set(item.barcodes.values_list("code", flat=True)) == {code, "OWN-1"}
    page = web.get(url("goods", tenant_a.company), {"q": code})
    assert "Шампунь 250 мл" in page.content.decode() and "1,200.00" in page.content.decode()


def test_a_bad_barcode_or_unit_conversion_is_refused_with_the_reason(tenant_a, alice):
    web = client_for(alice)
    data = {
        "title": "Краска",
        "sale_unit": "pcs",
        "writeoff_unit": "pcs",
        "units_per_sale": "60",
        "purchase_price": "420",
        "price": "0",
        "vat": "none",
        "barcodes": "4600000001231",
    }
    response = web.post(url("goods_add", tenant_a.company), data)
    text = response.content.decode()
    assert response.status_code == 200 and not Goods.objects.exists()
    assert "wrong check digit for EAN-13" in text
    assert "exactly 1 of the other" in text


def test_a_receipt_through_the_page_fills_the_remains(tenant_a, alice):
    company = tenant_a.company
    store, item, vendor = warehouse(company), goods(tenant_a.chain, article="SH-250"), supplier(tenant_a.chain)
    Barcode.objects.create(chain=tenant_a.chain, goods=item, code="4600000001234")
    web = client_for(alice)
    form = {
        "warehouse": store.pk,
        "supplier": vendor.pk,
        "document_number": "ТН-77",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-goods": "4600000001234",
        "lines-0-quantity": "3",
        "lines-0-unit": "sale",
        "lines-0-price": "500",
        "lines-1-goods": "",
        "lines-1-quantity": "",
        "lines-1-unit": "sale",
    }
    response = web.post(url("receipt", company), form)
    assert response.status_code == 302
    document = StockDocument.objects.get()
    assert document.supplier_document == "ТН-77" and document.value == Decimal("1500.00")
    page = web.get(url("remains", company, warehouse_id=store.pk)).content.decode()
    assert "Шампунь 250 мл" in page and "1,500.00" in page
    detail = web.get(url("document", company, stock_document_id=document.pk)).content.decode()
    assert "ТН-77" in detail


def test_a_write_off_of_more_than_in_stock_shows_the_refusal_and_saves_nothing(tenant_a, alice):
    company = tenant_a.company
    store, item = warehouse(company), goods(tenant_a.chain, article="SH-250")
    receive(company, store, supplier(tenant_a.chain), [ItemLine(item, 1, "500")])
    form = {
        "warehouse": store.pk,
        "reason": "Брак",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-goods": "SH-250",
        "lines-0-quantity": "2",
        "lines-0-unit": "sale",
    }
    response = client_for(alice).post(url("write_off", company), form)
    assert response.status_code == 200 and "Stock may not go negative" in response.content.decode()
    assert StockDocument.objects.count() == 1


@pytest.mark.parametrize("quantity", ["0", "-2", "1e3", "abc", "1.0005"])
def test_a_bad_quantity_on_a_document_is_refused(tenant_a, alice, quantity):
    company = tenant_a.company
    store = warehouse(company)
    goods(tenant_a.chain, article="SH-250")
    form = {
        "warehouse": store.pk,
        "reason": "Брак",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-goods": "SH-250",
        "lines-0-quantity": quantity,
        "lines-0-unit": "sale",
    }
    response = client_for(alice).post(url("write_off", company), form)
    assert response.status_code == 200 and not StockDocument.objects.exists()


def _fill(company, chain, store, count):
    vendor = supplier(chain)
    items = [goods(chain, f"Товар {n:03d}") for n in range(count)]
    receive(company, store, vendor, [ItemLine(item, 2, "100") for item in items])
    for item in items[::2]:
        MinimumStock.objects.create(chain=chain, warehouse=store, goods=item, quantity=5)


def test_the_remains_page_runs_a_fixed_number_of_queries_and_marks_low_stock(tenant_a, alice):
    company = tenant_a.company
    small, large = warehouse(company, "Малый"), warehouse(company, "Большой")
    _fill(company, tenant_a.chain, small, 3)
    _fill(company, tenant_a.chain, large, 30)
    web = client_for(alice)
    counts = []
    for store in (small, large):
        with CaptureQueriesContext(connection) as queries:
            page = web.get(url("remains", company, warehouse_id=store.pk))
        assert page.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    text = page.content.decode()
    assert text.count('data-testid="below-minimum"') == 15
    assert text.index("Товар 000") < text.index("Товар 001")


def test_goods_and_remains_export_to_excel(tenant_a, alice):
    company = tenant_a.company
    store, item = warehouse(company), goods(tenant_a.chain, article="SH-250")
    receive(company, store, supplier(tenant_a.chain), [ItemLine(item, 2, "100")])
    web = client_for(alice)
    sheet = load_workbook(BytesIO(web.get(url("goods_export", company)).content)).active
    assert [c.value for c in sheet[2]][1:3] == ["Шампунь 250 мл", "SH-250"]
    sheet = load_workbook(BytesIO(web.get(url("remains_export", company, warehouse_id=store.pk)).content)).active
    assert sheet[2][0].value == "Шампунь 250 мл" and sheet[2][2].value == 2


def _workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_goods_import_lists_every_bad_row_and_saves_nothing_until_clean(tenant_a, alice):
    web = client_for(alice)
    data = _workbook(
        [
            ["Наименование", "Артикул", "Штрихкоды", "Единица продажи", "Единица списания", "Коэффициент", "Цена"],
            ["Шампунь", "SH-1", ean13("460000000001"), "шт", "шт", "1", "1150"],
            ["Краска", "CL-1", "4600000000011", "шт", "мл", "60", "0"],
            ["Маска", "MS-1", "", "шт", "шт", "1", "-5"],
            ["Оксидант", "OX-1", "", "литр?", "мл", "1000", "0"],
            ["Гель-лак", "SH-1", "", "шт", "шт", "1", "890"],
        ]
    )
    upload = BytesIO(data)
    upload.name = "goods.xlsx"
    page = web.post(url("goods_import", tenant_a.company), {"file": upload})
    text = page.content.decode()
    assert page.status_code == 200 and not Goods.objects.exists()
    for reason in ("wrong check digit", "zero or more", "Unknown value", "already in a row above"):
        assert reason in text, reason
    clean = _workbook(
        [
            [
                "Name",
                "Article",
                "Category",
                "Barcodes",
                "Unit of sale",
                "Unit of write-off",
                "Write-off units in a sale unit",
                "Sale price",
            ],
            ["Шампунь", "SH-1", "Уход", ean13("460000000001"), "pcs", "pcs", "1", "1150"],
            ["Краска", "CL-1", "Окрашивание", "", "pcs", "ml", "60", "0"],
        ]
    )
    upload = BytesIO(clean)
    upload.name = "goods.xlsx"
    web.post(url("goods_import", tenant_a.company), {"file": upload})
    response = web.post(url("goods_import", tenant_a.company), {"confirm": "1"})
    assert response.status_code == 302
    dye = Goods.objects.get(article="CL-1")
    assert dye.units_per_sale == 60 and dye.writeoff_unit == "ml" and dye.category.title == "Окрашивание"
    assert StockRemain.unscoped.count() == 0
