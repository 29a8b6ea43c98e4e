"""Price tags: the PDF a person downloads holds, for every chosen item, its name (Cyrillic), its
price in the chosen branch and its barcode's digits, several tags to an A4 page; bad choices are
refused with the reason and no file."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from frontdesk.accounts.permissions import Level, Role, Section
from frontdesk.testing.fixtures import add_member, client_for
from frontdesk.warehouse import price_tags
from frontdesk.warehouse.models import Barcode, GoodsCategory, GoodsPrice
from frontdesk.warehouse.tests.factories import goods

pytestmark = pytest.mark.django_db


def url(company):
    return reverse("warehouse:price_tags", kwargs={"company_id": company.pk})


def text_of(pdf: bytes) -> tuple[str, list]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Words as a reader sees them: a long name wraps onto two lines of its tag.
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split()), reader.pages


@pytest.fixture
def catalogue(tenant_a):
    hair = GoodsCategory.objects.create(chain=tenant_a.chain, title="Уход за волосами")
    shampoo = goods(tenant_a.chain, "Шампунь увлажняющий 250 мл", price=Decimal("1150"), category=hair)
    mask = goods(tenant_a.chain, "Маска восстанавливающая", price=Decimal("1690"), category=hair)
    oil = goods(tenant_a.chain, "Масло для кутикулы", price=Decimal("490"))
    Barcode.objects.create(chain=tenant_a.chain, goods=shampoo, code="4600000001234")  # EAN-13
    Barcode.objects.create(chain=tenant_a.chain, goods=mask, code="MS-200/7")  # Code 128
    GoodsPrice.objects.create(chain=tenant_a.chain, company=tenant_a.companies[1], goods=shampoo, price=1200)
    return hair, shampoo, mask, oil


def test_ticked_goods_print_with_names_branch_prices_and_barcode_digits(tenant_a, catalogue, alice):
    hair, shampoo, mask, oil = catalogue
    sokol = tenant_a.companies[1]
    web = client_for(alice)
    form = web.get(url(tenant_a.company), {"goods": [shampoo.pk, mask.pk]}).content.decode()
    assert "Шампунь увлажняющий 250 мл" in form and "Масло" not in form

    response = web.post(url(tenant_a.company), {"goods": [shampoo.pk, mask.pk], "branch": sokol.pk, "copies": "2"})

    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text, pages = text_of(response.content)
    assert len(pages) == 1 and (float(pages[0].mediabox.width), float(pages[0].mediabox.height)) == pytest.approx(A4)
    assert text.count("Шампунь увлажняющий 250 мл") == 2 and text.count("Маска восстанавливающая") == 2
    assert "1,200 ₽" in text  # Сокол's own price, not the network's 1,150
    assert "1,690 ₽" in text and "Масло" not in text
    assert text.count("4600000001234") == 2 and text.count("MS-200/7") == 2
    assert "Лаванда Сокол" in text


def test_a_category_prints_every_item_in_it_across_pages(tenant_a, catalogue, alice):
    hair, shampoo, mask, oil = catalogue
    response = client_for(alice).post(url(tenant_a.company), {"category": hair.pk, "copies": "11"})
    text, pages = text_of(response.content)
    assert len(pages) == 2  # 22 tags, 21 to a page
    assert text.count("4600000001234") == 11 and "Масло" not in text
    assert "1,150 ₽" in text  # the first branch has no price of its own


def test_the_bars_encode_the_barcode(catalogue):
    """The bars are reportlab's symbol of exactly these digits: an EAN-13 (its check digit the
    code's own) for a 13-digit code, Code 128 for another; what is drawn is its dark bars, fitted
    into the tag with the quiet zones."""
    ean = price_tags._barcode("4600000001234", 30)
    assert type(ean).__name__ == "Ean13BarcodeWidget"
    assert ean.value + str(ean._checkdigit(ean.value)) == "4600000001234"
    bars, left, width = price_tags._bar_rects(ean)
    assert len(bars) == 30 and left == 0 and width > max(x + w for x, _y, w, _h in bars)  # 30 bars of EAN-13
    code128 = price_tags._barcode("MS-200/7", 30)
    assert type(code128).__name__ == "BarcodeCode128" and code128.value == "MS-200/7"


@pytest.mark.parametrize(
    "data,reason",
    [
        ({}, "Tick at least one item"),
        ({"category": "999999"}, "Tick at least one item"),
        ({"category": "CATEGORY", "copies": "0"}, "1 to 50"),
        ({"category": "CATEGORY", "copies": "abc"}, "1 to 50"),
        ({"category": "CATEGORY", "copies": "51"}, "1 to 50"),
    ],
)
def test_bad_choices_are_refused_with_the_reason_and_no_file(tenant_a, catalogue, alice, data, reason):
    hair = catalogue[0]
    data = {k: (str(hair.pk) if v == "CATEGORY" else v) for k, v in data.items()}
    response = client_for(alice).post(url(tenant_a.company), data)
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert reason in response.content.decode()


def test_a_branch_the_member_does_not_work_in_is_refused(tenant_a, catalogue):
    hair, shampoo, *_ = catalogue
    amy = add_member(tenant_a, "amy@example.com", Role.ADMINISTRATOR)  # the first branch only
    response = client_for(amy).post(url(tenant_a.company), {"goods": [shampoo.pk], "branch": tenant_a.companies[1].pk})
    assert response.status_code == 400 and "Choose a branch you work in." in response.content.decode()


def test_another_networks_goods_print_nothing(tenant_a, tenant_b, catalogue, alice):
    foreign = goods(tenant_b.chain, "Чужой шампунь")
    response = client_for(alice).post(url(tenant_a.company), {"goods": [foreign.pk]})
    assert response.status_code == 400


def test_viewing_the_warehouse_is_enough_to_print(tenant_a, catalogue):
    hair, shampoo, *_ = catalogue
    viewer = add_member(tenant_a, "vera@example.com", Role.ADMINISTRATOR, permissions={Section.WAREHOUSE: Level.VIEW})
    response = client_for(viewer).post(url(tenant_a.company), {"goods": [shampoo.pk]})
    assert response["Content-Type"] == "application/pdf"


def test_the_goods_list_offers_ticking_goods_for_tags(tenant_a, catalogue, alice):
    page = client_for(alice).get(reverse("warehouse:goods", kwargs={"company_id": tenant_a.company.pk}))
    assert page.content.decode().count('data-testid="tag-goods"') == 3
