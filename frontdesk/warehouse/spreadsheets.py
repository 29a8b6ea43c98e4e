"""Goods in Excel: export the catalogue and a warehouse's remains, import the catalogue back.

Import is two steps, like every import (`core.spreadsheets`): `read_goods` checks every row with
the same rules as the goods form — units, the conversion, prices, barcodes with their check digits,
articles and barcodes unique in the network and in the file — and lists each bad row with the
reason; `apply_goods` writes only a preview without errors, in one transaction. A row with an ID
updates that item, a row with the article of a known item updates it, any other row adds one; a
category named in the file that does not exist yet is created. Headers may be Russian or English."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from frontdesk.core import spreadsheets as sheets
from frontdesk.payments.models import Vat
from frontdesk.warehouse.forms import GoodsForm, set_barcodes
from frontdesk.warehouse.models import Goods, GoodsCategory, GoodsPrice, Unit

# column key -> (English header, Russian header, other synonyms…)
COLUMNS = {
    "id": ("ID", "ID"),
    "title": ("Name", "Наименование", "Название", "Товар"),
    "article": ("Article", "Артикул", "SKU"),
    "category": ("Category", "Категория"),
    "barcodes": ("Barcodes", "Штрихкоды", "Штрихкод", "Barcode", "EAN"),
    "sale_unit": ("Unit of sale", "Единица продажи"),
    "writeoff_unit": ("Unit of write-off", "Единица списания"),
    "units_per_sale": ("Write-off units in a sale unit", "Единиц списания в единице продажи", "Коэффициент"),
    "purchase_price": ("Purchase price", "Закупочная цена", "Себестоимость"),
    "price": ("Sale price", "Цена продажи", "Цена"),
    "vat": ("VAT", "НДС"),
    "comment": ("Comment", "Комментарий"),
}
HEADERS = sheets.Columns(COLUMNS)
FIELDS = [
    "title",
    "article",
    "sale_unit",
    "writeoff_unit",
    "units_per_sale",
    "purchase_price",
    "price",
    "vat",
    "comment",
]
MAX_ROWS = 20000
# Russian names of the units as price lists write them, whatever the interface's language.
UNIT_WORDS = {
    "шт": Unit.PIECE,
    "шт.": Unit.PIECE,
    "штука": Unit.PIECE,
    "уп": Unit.PACK,
    "уп.": Unit.PACK,
    "упаковка": Unit.PACK,
    "флакон": Unit.BOTTLE,
    "фл": Unit.BOTTLE,
    "мл": Unit.ML,
    "л": Unit.LITRE,
    "г": Unit.GRAM,
    "гр": Unit.GRAM,
    "кг": Unit.KILOGRAM,
    "м": Unit.METRE,
    "см": Unit.CENTIMETRE,
}
WIDTHS = [8, 40, 16, 22, 30, 12, 12, 12, 14, 14, 14, 30]


def _words(choices) -> dict[str, str]:
    """Every way a file may name a choice: its value, its English and Russian labels."""
    from django.utils import translation

    words = {}
    for value, _label in choices:
        words[str(value).lower()] = value
        for language in ("en", "ru"):
            with translation.override(language):
                words[str(dict(choices)[value]).lower()] = value
    return words


def _lang(language: str) -> int:
    return 1 if (language or "").startswith("ru") else 0


def export_goods(language: str, company) -> bytes:
    """The network's catalogue (archived goods too), prices as this branch sells them."""
    lang = _lang(language)
    own = dict(GoodsPrice.objects.filter(company=company).values_list("goods_id", "price"))
    goods = Goods.objects.select_related("category").prefetch_related("barcodes").order_by("title", "id")
    rows = (
        [
            g.pk,
            g.title,
            g.article,
            g.category.title if g.category else "",
            " ".join(b.code for b in g.barcodes.all()),
            g.get_sale_unit_display(),
            g.get_writeoff_unit_display(),
            g.units_per_sale,
            g.purchase_price,
            own.get(g.pk, g.price),
            g.vat,
            g.comment,
        ]
        for g in goods
    )
    headers = [names[lang] for names in COLUMNS.values()]
    return sheets.write_workbook([sheets.Sheet("Товары" if lang else "Goods", headers, rows, WIDTHS)])


def export_remains(language: str, warehouse, rows) -> bytes:
    lang = _lang(language)
    headers = (
        ["Наименование", "Артикул", "Остаток", "Единица", "Минимум", "Себестоимость", "Средняя цена"]
        if lang
        else ["Name", "Article", "Remains", "Unit", "Minimum", "Value", "Average cost"]
    )
    data = (
        [r.goods.title, r.goods.article, r.quantity, r.goods.get_writeoff_unit_display(), r.minimum, r.value, r.average]
        for r in rows
    )
    return sheets.write_workbook([sheets.Sheet(warehouse.title[:31], headers, data, [40, 16, 12, 10, 12, 14, 14])])


def read_goods(data: bytes) -> sheets.Preview:
    """Check the workbook; write nothing. ValidationError for a file that is not a list of goods
    or is too long."""
    preview = sheets.Preview()
    lines = HEADERS.read(
        sheets.read_sheet(data, max_rows=MAX_ROWS),
        required="title",
        missing=_("The first row must hold the column headers; the column “Name” (“Наименование”) is missing."),
    )
    units, vats = {**_words(Unit.choices), **UNIT_WORDS}, _words(Vat.choices)
    existing = {g.pk: g for g in Goods.objects.all()}
    by_article = {g.article: g for g in existing.values() if g.article}
    seen_ids, seen_articles, seen_codes = set(), set(), set()
    for line in lines:
        get = line.text
        report = sheets.RowReport(number=line.number, label=get("title") or "—", errors=list(line.problems))
        preview.rows.append(report)
        current, found = report.find_by_id(get("id"), existing, seen_ids, _("There is no goods item with ID %(id)s."))
        if not found:
            continue
        if current is None and get("article"):
            current = by_article.get(get("article"))
        values = {key: (get(key) if key in line else None) for key in FIELDS}
        for key, words in (("sale_unit", units), ("writeoff_unit", units), ("vat", vats)):
            if values[key]:
                if values[key].lower() not in words:
                    report.errors.append(
                        _("Unknown value “%(value)s” in “%(column)s”.")
                        % {"value": values[key], "column": COLUMNS[key][0]}
                    )
                    continue
                values[key] = words[values[key].lower()]
        base = {
            key: (str(getattr(current, key)) if current else GoodsForm.base_fields[key].initial or "") for key in FIELDS
        }
        if not current:
            base.update(
                {
                    "sale_unit": Unit.PIECE,
                    "writeoff_unit": Unit.PIECE,
                    "units_per_sale": "1",
                    "vat": Vat.NONE,
                    "purchase_price": "0",
                    "price": "0",
                }
            )
        merged = {key: base[key] if values[key] in (None, "") and key != "comment" else values[key] for key in FIELDS}
        if values["comment"] is None:
            merged["comment"] = base["comment"]
        merged["barcodes"] = (
            " ".join(get("barcodes").replace(",", " ").replace(";", " ").split())
            if "barcodes" in line
            else (" ".join(current.barcodes.values_list("code", flat=True)) if current else "")
        )
        form = GoodsForm(data=merged, instance=current or Goods())
        del form.fields["category"], form.fields["branch_price"]
        if not form.is_valid():
            report.add_form_errors(form)
            continue
        cleaned = {key: form.cleaned_data[key] for key in FIELDS}
        codes = form.cleaned_data["barcodes"]
        if cleaned["article"]:
            if cleaned["article"] in seen_articles:
                report.errors.append(
                    _("Article %(article)s is already in a row above.") % {"article": cleaned["article"]}
                )
            seen_articles.add(cleaned["article"])
        for code in codes:
            if code in seen_codes:
                report.errors.append(_("Barcode %(code)s is already in a row above.") % {"code": code})
            seen_codes.add(code)
        category = get("category") if "category" in line else None
        report.data = {
            "pk": current.pk if current else None,
            "values": cleaned,
            "barcodes": codes,
            "category": category,
        }
        if current is None:
            report.status = sheets.CREATE
        elif (
            any(getattr(current, key) != value for key, value in cleaned.items())
            or set(codes) != set(current.barcodes.values_list("code", flat=True))
            or (
                category is not None
                and category.lower() != (current.category.title.lower() if current.category else "")
            )
        ):
            report.status = sheets.UPDATE
    return preview


def apply_goods(preview: sheets.Preview, chain) -> int:
    """Write a clean preview; returns how many goods were added or changed."""
    if not preview.ok:
        raise ValueError("a preview with errors is never applied")
    written = 0
    with transaction.atomic():
        categories = {c.title.lower(): c for c in GoodsCategory.objects.all()}
        for row in preview.rows:
            if row.status not in (sheets.CREATE, sheets.UPDATE):
                continue
            values = dict(row.data["values"])
            name = row.data["category"]
            if name is not None:
                if name and name.lower() not in categories:
                    categories[name.lower()] = GoodsCategory.objects.create(chain=chain, title=name)
                values["category"] = categories.get(name.lower()) if name else None
            if row.status == sheets.CREATE:
                goods = Goods.objects.create(chain=chain, **values)
            else:
                goods = Goods.objects.get(pk=row.data["pk"])
                for key, value in values.items():
                    setattr(goods, key, value)
                goods.save()
            set_barcodes(goods, row.data["barcodes"])
            written += 1
    return written


def importer(job):
    """The import's pair for the task worker (registered from `AppConfig.ready()`)."""
    return read_goods, partial(apply_goods, chain=job.chain)
