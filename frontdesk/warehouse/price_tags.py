"""Price tags: an A4 PDF sheet of tags (3 × 7 per page, cut lines drawn), each with the item's
name, its price in a branch (the branch's own price, else the network's) and its barcode drawn
as bars a scanner reads — EAN-13, EAN-8 or UPC-A for a GS1 code, Code 128 for any other — with
the digits printed under the bars. reportlab's barcode module encodes the symbols (its bars are
put on the page as plain rectangles, each code once per sheet as a PDF form);
the text is set in DejaVu Sans, which has the Cyrillic letters and the rouble sign (Debian's
fonts-dejavu-core, installed by `make system-deps`). An item without a barcode gets a tag
without bars. Queries: two (the goods with their barcodes, the branch's prices)."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from reportlab import rl_config
from reportlab.graphics.barcode import getCodes
from reportlab.graphics.shapes import Group, Rect
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from frontdesk.core.money import format_money
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import Goods, GoodsPrice

COLUMNS, ROWS = 3, 7
TAG_WIDTH, TAG_HEIGHT = 64 * mm, 38 * mm
PAD = 3 * mm
MAX_COPIES = 50
MAX_TAGS = 2000  # 96 pages: a large shop's shelf, not a way to make the server draw all day
FONT, BOLD = "FrontdeskSans", "FrontdeskSans-Bold"
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu (fonts-dejavu-core)
    "/usr/share/fonts/dejavu",  # Fedora, Arch
    "/usr/local/share/fonts/dejavu",
)
GS1 = {13: "EAN13", 8: "EAN8", 12: "UPCA"}
# reportlab checks the type of every attribute of every shape it builds, a third of a sheet's
# time (a barcode is ~30 rectangles); the shapes here are built by reportlab itself from checked
# codes, so the check is off, as reportlab's own guide advises for production.
rl_config.shapeChecking = 0
GREY = Color(0.55, 0.55, 0.55)


@dataclass(frozen=True)
class Tag:
    title: str
    price: Decimal
    code: str


def load_fonts() -> None:
    """Register the DejaVu fonts (Cyrillic) with reportlab once; any PDF the apps above write
    (payslips) uses them too. Raises WarehouseError("tags_font") when they are not installed."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folders = [getattr(settings, "PRICE_TAG_FONT_DIR", ""), *FONT_DIRS]
    for folder in filter(None, folders):
        regular, bold = os.path.join(folder, "DejaVuSans.ttf"), os.path.join(folder, "DejaVuSans-Bold.ttf")
        if os.path.exists(regular) and os.path.exists(bold):
            pdfmetrics.registerFont(TTFont(FONT, regular))
            pdfmetrics.registerFont(TTFont(BOLD, bold))
            return
    raise WarehouseError("tags_font")


def tags_for(goods_ids, company, copies: int = 1) -> list[Tag]:
    """The tags of the goods, in name order, `copies` of each; the first barcode of each item."""
    goods = list(Goods.objects.filter(pk__in=list(goods_ids)).prefetch_related("barcodes").order_by("title", "id"))
    prices = dict(GoodsPrice.objects.filter(company=company, goods__in=goods).values_list("goods_id", "price"))
    out = []
    for item in goods:
        codes = sorted(item.barcodes.all(), key=lambda b: b.pk)
        tag = Tag(item.title, prices.get(item.pk, item.price), codes[0].code if codes else "")
        out += [tag] * copies
    return out


def _barcode(code: str, height: float):
    """reportlab's symbol of `code`: EAN-13, EAN-8 or UPC-A for a GS1 code, else Code 128."""
    kind = GS1.get(len(code)) if code.isdigit() else None
    if kind:
        return getCodes()[kind](value=code, barHeight=height, humanReadable=False)
    return getCodes()["Code128"](value=code, barHeight=height, humanReadable=False, barWidth=0.33 * mm)


def _bar_rects(symbol) -> tuple[list[tuple[float, float, float, float]], float, float]:
    """The dark bars of a symbol as (x, y, width, height), and the symbol's left edge and width
    with its quiet zones. reportlab builds the bars as rectangles in plain groups; drawing them
    straight onto the canvas skips its generic renderer, most of a sheet's time."""
    bars, edges, groups = [], [], [symbol.draw()]
    while groups:
        group = groups.pop()
        for shape in group.contents:
            if isinstance(shape, Group):
                groups.append(shape)
            elif isinstance(shape, Rect):
                edges += [shape.x, shape.x + shape.width]
                if shape.fillColor is not None:
                    bars.append((shape.x, shape.y, shape.width, shape.height))
    left = min(edges)
    return bars, left, max(edges) - left


def _bars(canvas: Canvas, code: str, drawn: dict) -> tuple[str, float]:
    """The name of the PDF form holding `code`'s bars (drawn once per sheet, placed on every
    copy of the tag, shrunk to the tag's width when the code is long) and the form's width."""
    if code not in drawn:
        bars, left, width = _bar_rects(_barcode(code, 11 * mm))
        scale = min(1.0, (TAG_WIDTH - 2 * PAD) * 0.62 / width)
        name = f"bars{len(drawn)}"
        canvas.beginForm(name, 0, 0, width * scale, 11 * mm)
        canvas.setFillColorRGB(0, 0, 0)
        for x, y, w, h in bars:
            canvas.rect((x - left) * scale, y, w * scale, h, stroke=0, fill=1)
        canvas.endForm()
        drawn[code] = (name, width * scale)
    return drawn[code]


def _draw_tag(canvas: Canvas, tag: Tag, x: float, y: float, branch: str, currency: str, drawn: dict) -> None:
    canvas.setStrokeColor(GREY)
    canvas.setLineWidth(0.3)
    canvas.rect(x, y, TAG_WIDTH, TAG_HEIGHT)
    inner = TAG_WIDTH - 2 * PAD
    top = y + TAG_HEIGHT - PAD
    canvas.setFillColor(GREY)
    canvas.setFont(FONT, 6)
    canvas.drawString(x + PAD, top - 6, branch[:60])
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(BOLD, 9)
    for number, line in enumerate(simpleSplit(tag.title, BOLD, 9, inner)[:2]):
        canvas.drawString(x + PAD, top - 17 - number * 10.5, line)
    canvas.setFont(BOLD, 16)
    canvas.drawRightString(x + TAG_WIDTH - PAD, top - 46, format_money(tag.price, currency, whole=True))
    if tag.code:
        name, width = _bars(canvas, tag.code, drawn)
        canvas.saveState()
        canvas.translate(x + PAD, y + PAD + 8)
        canvas.doForm(name)
        canvas.restoreState()
        canvas.setFont(FONT, 7)
        canvas.drawCentredString(x + PAD + width / 2, y + PAD, tag.code)


def render(tags: list[Tag], *, branch: str, currency: str, title: str = "") -> bytes:
    """The PDF of `tags`, 21 on a page, filled row by row from the top left."""
    if not tags:
        raise WarehouseError("tags_no_goods")
    if len(tags) > MAX_TAGS:
        raise WarehouseError("tags_too_many", max=MAX_TAGS)
    load_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    page_width, page_height = A4
    left = (page_width - COLUMNS * TAG_WIDTH) / 2
    bottom = (page_height - ROWS * TAG_HEIGHT) / 2
    per_page = COLUMNS * ROWS
    drawn: dict = {}
    for index, tag in enumerate(tags):
        if index and index % per_page == 0:
            canvas.showPage()
        place = index % per_page
        column, row = place % COLUMNS, place // COLUMNS
        _draw_tag(
            canvas, tag, left + column * TAG_WIDTH, bottom + (ROWS - 1 - row) * TAG_HEIGHT, branch, currency, drawn
        )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
