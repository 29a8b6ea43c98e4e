"""The warehouse's forms. Quantities, prices, units and barcodes are read by the same helpers as
the services and the import (`quantities`, `core.money`), so every path refuses the same input
with the same words; a document's lines are checked once more by the service that writes them."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.core.forms import BootstrapFormMixin, MoneyField
from frontdesk.finance.models import Counterparty
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import Barcode, Goods, GoodsCategory, GoodsPrice, Warehouse
from frontdesk.warehouse.quantities import clean_barcode, parse_quantity

PICKED = re.compile(r".*#(\d+)$")


class WarehouseForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Warehouse
        fields = ["title", "kind"]


class CategoryForm(BootstrapFormMixin, forms.ModelForm):
    # Declared with an empty queryset: the form class is built at import, outside any tenant scope.
    parent = forms.ModelChoiceField(label=_("parent"), queryset=GoodsCategory.unscoped.none(), required=False)

    class Meta:
        model = GoodsCategory
        fields = ["title", "parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = GoodsCategory.objects.order_by("title")
        if self.instance.pk:  # a folder cannot go inside itself or its own subfolders
            parents = parents.exclude(pk__in=descendants(self.instance))
        self.fields["parent"].queryset = parents


def descendants(category) -> set[int]:
    """The ids of a category and every folder below it."""
    found, frontier = {category.pk}, {category.pk}
    while frontier:
        frontier = set(GoodsCategory.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


class QuantityField(forms.CharField):
    """A quantity typed by a person, read by `parse_quantity`."""

    def __init__(self, *args, allow_zero=False, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("max_length", 24)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        try:
            return parse_quantity(value, allow_zero=self.allow_zero)
        except WarehouseError as exc:
            raise forms.ValidationError(exc.text) from None


class GoodsForm(BootstrapFormMixin, forms.ModelForm):
    """An item of the catalogue with its barcodes (one per line) and this branch's own price."""

    category = forms.ModelChoiceField(label=_("category"), queryset=GoodsCategory.unscoped.none(), required=False)
    units_per_sale = QuantityField(
        label=_("write-off units in a sale unit"), help_text=Goods._meta.get_field("units_per_sale").help_text
    )
    barcodes = forms.CharField(
        label=_("barcodes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: EAN-13 (checked), EAN-8, UPC-A or the salon's own codes."),
    )
    branch_price = MoneyField(
        label=_("sale price in this branch"),
        required=False,
        allow_zero=True,
        help_text=_("Empty: the network's price."),
    )

    class Meta:
        model = Goods
        fields = [
            "title",
            "article",
            "category",
            "sale_unit",
            "writeoff_unit",
            "units_per_sale",
            "purchase_price",
            "price",
            "vat",
            "comment",
        ]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, company=None, **kwargs):
        self.company = company
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = GoodsCategory.objects.order_by("title")
        if self.instance.pk:
            self.initial["barcodes"] = "\n".join(self.instance.barcodes.values_list("code", flat=True))
            own = GoodsPrice.objects.filter(goods=self.instance, company=company).first()
            self.initial["branch_price"] = own.price if own else None

    def clean_article(self):
        article = self.cleaned_data["article"].strip()
        taken = Goods.objects.filter(article=article).exclude(pk=self.instance.pk)
        if article and taken.exists():
            raise forms.ValidationError(_("Another item has this article."))
        return article

    def clean_barcodes(self):
        codes = []
        try:
            for text in self.cleaned_data["barcodes"].split():
                code = clean_barcode(text)
                if code in codes:
                    raise WarehouseError("barcode_repeated", code=code)
                codes.append(code)
        except WarehouseError as exc:
            raise forms.ValidationError(exc.text) from None
        taken = Barcode.objects.filter(code__in=codes).exclude(goods=self.instance.pk).select_related("goods").first()
        if taken:
            raise forms.ValidationError(WarehouseError("barcode_taken", code=taken.code, goods=taken.goods.title).text)
        return codes

    def clean(self):
        cleaned = super().clean()
        factor = cleaned.get("units_per_sale")
        if factor is not None and cleaned.get("sale_unit") == cleaned.get("writeoff_unit") and factor != 1:
            self.add_error("units_per_sale", WarehouseError("same_unit_factor").text)
        return cleaned

    def save(self, commit=True):
        goods = super().save()
        set_barcodes(goods, self.cleaned_data["barcodes"])
        price = self.cleaned_data.get("branch_price")
        if price is None:
            GoodsPrice.objects.filter(goods=goods, company=self.company).delete()
        else:
            GoodsPrice.objects.update_or_create(
                goods=goods, company=self.company, defaults={"price": price, "chain_id": goods.chain_id}
            )
        return goods


def set_barcodes(goods, codes: list[str]) -> None:
    """Keep exactly `codes` (already cleaned) as the item's barcodes."""
    goods.barcodes.exclude(code__in=codes).delete()
    have = set(goods.barcodes.values_list("code", flat=True))
    Barcode.objects.bulk_create([Barcode(chain_id=goods.chain_id, goods=goods, code=c) for c in codes if c not in have])


def find_goods(text: str) -> Goods:
    """The item a line names: picked from the list ("name #id"), scanned (a barcode), or typed
    (an article, or an exact name)."""
    text = (text or "").strip()
    picked = PICKED.fullmatch(text)
    if picked:
        found = Goods.objects.filter(pk=int(picked.group(1))).first()
        if found:
            return found
    by_code = Barcode.objects.filter(code=text).select_related("goods").first()
    if by_code:
        return by_code.goods
    matches = list(Goods.objects.filter(article=text)[:2]) if text else []
    if not matches and text:
        matches = list(Goods.objects.filter(title__iexact=text)[:2])
    if len(matches) > 1:
        raise WarehouseError("many_goods", text=text)
    if not matches:
        raise WarehouseError("no_goods", text=text)
    return matches[0]


UNIT_CHOICES = [("sale", _("sale units")), ("writeoff", _("write-off units"))]


class LineForm(forms.Form):
    """One line of a document: an item (picked, typed or scanned), a quantity, its unit and — on
    a receipt — the price per that unit."""

    goods = forms.CharField(label=_("goods item"), required=False, max_length=250)
    quantity = QuantityField(label=_("quantity"), required=False)
    unit = forms.ChoiceField(label=_("unit"), choices=UNIT_CHOICES, initial="sale")
    price = MoneyField(label=_("price"), required=False, allow_zero=True)

    def clean(self):
        cleaned = super().clean()
        text = (cleaned.get("goods") or "").strip()
        if not text and cleaned.get("quantity") is None:
            cleaned["empty"] = True
            return cleaned
        try:
            cleaned["item"] = find_goods(text)
        except WarehouseError as exc:
            self.add_error("goods", exc.text)
        if cleaned.get("quantity") is None and "quantity" not in self.errors:
            self.add_error("quantity", WarehouseError("quantity_positive").text)
        return cleaned


LineFormSet = forms.formset_factory(LineForm, extra=5, max_num=200, absolute_max=200)


class DocumentForm(BootstrapFormMixin, forms.Form):
    """The head of a receipt, a write-off or a transfer (which fields each shows is the view's)."""

    warehouse = forms.ModelChoiceField(label=_("warehouse"), queryset=Warehouse.unscoped.none())
    target = forms.ModelChoiceField(label=_("to warehouse"), queryset=Warehouse.unscoped.none(), required=False)
    supplier = forms.ModelChoiceField(label=_("supplier"), queryset=Counterparty.unscoped.none(), required=False)
    document_number = forms.CharField(label=_("supplier's document number"), max_length=64, required=False)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, company, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = Warehouse.objects.filter(company=company, is_archived=False)
        keep = {"receipt": {"supplier", "document_number"}, "write_off": {"reason"}, "transfer": {"target"}}[kind]
        for name in ("target", "supplier", "document_number", "reason"):
            if name not in keep:
                del self.fields[name]
        if "target" in self.fields:
            self.fields["target"].required = True
            self.fields["target"].queryset = (
                Warehouse.objects.filter(is_archived=False).select_related("company").order_by("company__name", "title")
            )
            self.fields["target"].label_from_instance = lambda w: f"{w.company.name} — {w.title}"
        if "supplier" in self.fields:
            self.fields["supplier"].required = True
            self.fields["supplier"].queryset = Counterparty.objects.filter(is_archived=False)
        if "reason" in self.fields:
            self.fields["reason"].required = True
