"""The warehouse: goods and their categories, warehouses of a branch, and the stock ledger.

Stock is a ledger (DESIGN.md invariant 3): `StockDocument` rows (a receipt, a write-off, a
transfer…) with `StockMove` lines, only ever added. `StockRemain` caches, per (warehouse, item),
the sum of the lines — quantity and value — and the weighted average cost; the services write it
in the same transaction as the lines, under its row lock, and `manage.py verify_stock` recomputes
it from the ledger. The cost method and the units are described in docs/warehouse.md.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import ChainScopedModel, CompanyScopedModel
from frontdesk.core.money import MoneyField
from frontdesk.core.scopes import ScopedManager
from frontdesk.payments.models import Vat

QUANTITY = {"max_digits": 14, "decimal_places": 3}
# A cost per write-off unit: a millilitre of a 1,000 ml bottle costs fractions of a kopeck.
AVERAGE = {"max_digits": 18, "decimal_places": 6}


class Unit(models.TextChoices):
    PIECE = "pcs", _("pcs")
    PACK = "pack", _("pack")
    BOTTLE = "bottle", _("bottle")
    ML = "ml", _("ml")
    LITRE = "l", _("l")
    GRAM = "g", _("g")
    KILOGRAM = "kg", _("kg")
    METRE = "m", _("m")
    CENTIMETRE = "cm", _("cm")


class GoodsCategory(ChainScopedModel):
    """A folder of the goods catalogue; folders nest (a tree, `parent`)."""

    title = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("goods category")
        verbose_name_plural = _("goods categories")

    def __str__(self):
        return self.title


class Goods(ChainScopedModel):
    """One item of the network's catalogue: sold to clients, spent on work, or both.

    Stock is counted in write-off units (`writeoff_unit`: a 1,000 ml bottle is written off by the
    millilitre); `units_per_sale` says how many write-off units one sale unit holds (1,000). The
    purchase price and `price` (the network's sale price; a branch may set its own in
    `GoodsPrice`) are per sale unit."""

    title = models.CharField(_("name"), max_length=200)
    # The name lower-cased by Python on every save: SQLite folds the case of Latin letters only,
    # so «шамп» is looked up here, lower-cased too, rather than in `title` (see `title_contains`).
    title_search = models.CharField(max_length=200, blank=True, editable=False)
    article = models.CharField(_("article"), max_length=64, blank=True)
    category = models.ForeignKey(
        GoodsCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goods",
        verbose_name=_("category"),
    )
    sale_unit = models.CharField(_("unit of sale"), max_length=8, choices=Unit.choices, default=Unit.PIECE)
    writeoff_unit = models.CharField(_("unit of write-off"), max_length=8, choices=Unit.choices, default=Unit.PIECE)
    units_per_sale = models.DecimalField(
        _("write-off units in a sale unit"),
        default=Decimal("1"),
        help_text=_("A 1,000 ml bottle written off by the millilitre: 1000."),
        **QUANTITY,
    )
    purchase_price = MoneyField(_("purchase price"), default=Decimal("0"))
    price = MoneyField(_("sale price"), default=Decimal("0"))
    vat = models.CharField(_("VAT rate"), max_length=8, choices=Vat.choices, default=Vat.NONE)
    comment = models.TextField(_("comment"), blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The API's `changed_after` / `last_change_date`: every save of the item moves it.
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("goods item")
        verbose_name_plural = _("goods")
        constraints = [
            models.UniqueConstraint(fields=["chain", "article"], condition=~Q(article=""), name="goods_article_once"),
            models.CheckConstraint(condition=Q(units_per_sale__gt=0), name="goods_units_per_sale_pos"),
            models.CheckConstraint(condition=Q(purchase_price__gte=0), name="goods_purchase_price_not_neg"),
            models.CheckConstraint(condition=Q(price__gte=0), name="goods_price_not_neg"),
        ]
        indexes = [models.Index(fields=["chain", "title"]), models.Index(fields=["chain", "changed_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.title_search = self.title.lower()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:
            kwargs["update_fields"] = {*update_fields, "title_search"}
        super().save(*args, **kwargs)


def title_contains(text: str, prefix: str = "") -> Q:
    """Goods whose name contains `text` in any letter case, Cyrillic included, the same on SQLite
    and PostgreSQL: both sides are lower-cased by Python, the database only compares. `prefix`
    reaches the goods through a relation ("goods__")."""
    return Q(**{f"{prefix}title_search__contains": text.strip().lower()})


def goods_search(chain_id: int, text: str) -> Q:
    """Goods a typed text names: a part of the name (any case), the whole article (any case), or
    one of the barcodes. No query of its own: the barcodes are a subquery."""
    text = text.strip()
    return (
        title_contains(text)
        | Q(article__iexact=text)
        | Q(pk__in=Barcode.unscoped.filter(chain_id=chain_id, code=text).values("goods_id"))
    )


class Barcode(ChainScopedModel):
    """One barcode of an item (an item may have several); a code names one item in the network."""

    goods = models.ForeignKey(Goods, on_delete=models.CASCADE, related_name="barcodes", verbose_name=_("goods item"))
    code = models.CharField(_("barcode"), max_length=32)

    class Meta:
        ordering = ["id"]
        verbose_name = _("barcode")
        verbose_name_plural = _("barcodes")
        constraints = [models.UniqueConstraint(fields=["chain", "code"], name="barcode_once")]

    def __str__(self):
        return self.code


class GoodsPrice(CompanyScopedModel):
    """A branch's own sale price of an item (per sale unit), instead of the network's."""

    goods = models.ForeignKey(Goods, on_delete=models.CASCADE, related_name="prices", verbose_name=_("goods item"))
    price = MoneyField(_("sale price"))

    class Meta:
        verbose_name = _("branch price")
        verbose_name_plural = _("branch prices")
        constraints = [
            models.UniqueConstraint(fields=["company", "goods"], name="goods_price_once"),
            models.CheckConstraint(condition=Q(price__gte=0), name="goods_branch_price_not_neg"),
        ]

    def __str__(self):
        return f"{self.goods}: {self.price}"


class WarehouseKind(models.TextChoices):
    GOODS = "goods", _("Goods for sale")
    MATERIALS = "materials", _("Materials")


class Warehouse(CompanyScopedModel):
    """A place a branch keeps stock in («Товары» for sale, «Материалы» for work)."""

    title = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=WarehouseKind.choices, default=WarehouseKind.GOODS)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["is_archived", "kind", "title", "id"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self):
        return self.title


class MinimumStock(ChainScopedModel):
    """The critical stock of an item in a warehouse (in write-off units): below it, the remains
    page marks the row (and the low-stock alerts will list it)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+", verbose_name=_("warehouse"))
    goods = models.ForeignKey(Goods, on_delete=models.CASCADE, related_name="+", verbose_name=_("goods item"))
    quantity = models.DecimalField(_("minimum stock"), **QUANTITY)

    class Meta:
        verbose_name = _("minimum stock")
        verbose_name_plural = _("minimum stock")
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "goods"], name="minimum_stock_once"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="minimum_stock_not_neg"),
        ]

    def __str__(self):
        return f"{self.goods} ≥ {self.quantity}"


class WarehouseSettings(ChainScopedModel):
    """The network's warehouse settings (one row per network; none means the defaults)."""

    allow_negative = models.BooleanField(
        _("stock may go negative"),
        default=False,
        help_text=_("Off: a sale or write-off of more than is in stock is refused."),
    )

    class Meta:
        verbose_name = _("warehouse settings")
        verbose_name_plural = _("warehouse settings")
        constraints = [models.UniqueConstraint(fields=["chain"], name="warehouse_settings_once")]

    def __str__(self):
        return str(_("Warehouse settings"))


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Goods receipt")
    SALE = "sale", _("Sale")
    CONSUMPTION = "consumption", _("Consumption by a technological card")
    WRITE_OFF = "write_off", _("Stock write-off")
    TRANSFER = "transfer", _("Goods transfer")
    ADJUSTMENT = "adjustment", _("Stocktaking adjustment")
    CLIENT_RETURN = "client_return", _("Return from a client")
    SUPPLIER_RETURN = "supplier_return", _("Return to a supplier")


# Which way each kind moves stock: +1 in, -1 out, 0 both (a transfer's two halves, an adjustment).
DIRECTION = {
    MovementKind.RECEIPT: 1,
    MovementKind.CLIENT_RETURN: 1,
    MovementKind.SALE: -1,
    # Out when a visit is checked out; in too when a correction finds less was used.
    MovementKind.CONSUMPTION: 0,
    MovementKind.WRITE_OFF: -1,
    MovementKind.SUPPLIER_RETURN: -1,
    MovementKind.TRANSFER: 0,
    MovementKind.ADJUSTMENT: 0,
}


class StockDocument(CompanyScopedModel):
    """One movement document of the ledger: what happened, in which branch, with its lines."""

    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind.choices)
    occurred_at = models.DateTimeField(_("date"), db_index=True)
    supplier = models.ForeignKey(
        "finance.Counterparty",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supplier"),
    )
    supplier_document = models.CharField(_("supplier's document number"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # The sale a sale or a client's return belongs to (checkout, next).
    sale = models.ForeignKey(
        "finance.Sale", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sale")
    )
    value = MoneyField(_("amount"), default=Decimal("0"))  # the sum of the lines' values, signed
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("stock document")
        verbose_name_plural = _("stock documents")
        indexes = [models.Index(fields=["company", "-occurred_at"])]

    def __str__(self):
        return _("%(kind)s No. %(number)s") % {"kind": self.get_kind_display(), "number": self.pk}


class StockMove(ChainScopedModel):
    """One line of a document: `quantity` write-off units of an item into (+) or out of (−) a
    warehouse, carrying `value` (signed, the cost at the weighted average or the receipt's
    price). `price` is the price per unit as typed on a receipt, for people; only `value` counts.
    Lines are written once and never changed (no save signals: `bulk_create`)."""

    document = models.ForeignKey(
        StockDocument, on_delete=models.PROTECT, related_name="moves", verbose_name=_("document")
    )
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name=_("warehouse"))
    goods = models.ForeignKey(Goods, on_delete=models.PROTECT, related_name="+", verbose_name=_("goods item"))
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    value = MoneyField(_("cost"))
    price = MoneyField(_("price"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("date"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        constraints = [models.CheckConstraint(condition=~Q(quantity=0), name="stock_move_not_zero")]
        indexes = [
            models.Index(fields=["warehouse", "goods", "id"]),
            models.Index(fields=["chain", "occurred_at"]),
            # The reports read a branch's warehouses over a period (movements, purchases, turnover).
            models.Index(fields=["warehouse", "occurred_at"], name="stock_move_warehouse_moment"),
        ]


class StockRemain(models.Model):
    """What a warehouse holds of an item: the sum of its ledger lines (quantity, value) and the
    weighted average cost per write-off unit. Written only by `services.move`, under its row
    lock, in the transaction that adds the lines; checked by `manage.py verify_stock`. Not in the
    event log (the documents are)."""

    CHAIN_FIELD = "chain_id"

    chain = models.ForeignKey("tenancy.Chain", on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="remains")
    goods = models.ForeignKey(Goods, on_delete=models.PROTECT, related_name="remains")
    quantity = models.DecimalField(default=Decimal("0"), **QUANTITY)
    value = MoneyField(default=Decimal("0"))
    average = models.DecimalField(default=Decimal("0"), **AVERAGE)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        verbose_name = _("stock remains")
        verbose_name_plural = _("stock remains")
        constraints = [models.UniqueConstraint(fields=["warehouse", "goods"], name="stock_remain_once")]

    def __str__(self):
        return f"{self.goods_id}@{self.warehouse_id}: {self.quantity}"


class StocktakingStatus(models.TextChoices):
    OPEN = "open", _("Counting")
    APPLIED = "applied", _("Applied")
    CANCELLED = "cancelled", _("Cancelled")


class Stocktaking(CompanyScopedModel):
    """A count of a warehouse (all its goods, or one category with its sub-folders). Open while
    people count; applied once as one `adjustment` document (`document`), or cancelled. At most
    one open count per warehouse (a partial unique constraint). The rule for movements during a
    count is in `stocktaking.py` and docs/warehouse.md."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name=_("warehouse"))
    category = models.ForeignKey(
        GoodsCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=StocktakingStatus.choices, default=StocktakingStatus.OPEN
    )
    comment = models.TextField(_("comment"), blank=True)
    started_at = models.DateTimeField(_("started"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("finished by"),
    )
    document = models.ForeignKey(
        StockDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("document")
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("stocktaking")
        verbose_name_plural = _("stocktakings")
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse"], condition=Q(status="open"), name="stocktaking_one_open_per_warehouse"
            )
        ]

    def __str__(self):
        return _("Stocktaking No. %(number)s") % {"number": self.pk}


class StocktakingLine(ChainScopedModel):
    """One item of a count. `book_at_start` is the warehouse's quantity when the count began
    (for the record); `counted` what people counted (None: not counted yet); `book_at_count`
    the warehouse's quantity at the moment `counted` was last entered, read under the remains'
    row lock. Applying adjusts by `counted − book_at_count`, so movements after the count was
    entered (a sale during the count) stay in the remains."""

    stocktaking = models.ForeignKey(
        Stocktaking, on_delete=models.CASCADE, related_name="lines", verbose_name=_("stocktaking")
    )
    goods = models.ForeignKey(Goods, on_delete=models.PROTECT, related_name="+", verbose_name=_("goods item"))
    book_at_start = models.DecimalField(_("book quantity at the start"), **QUANTITY)
    counted = models.DecimalField(_("counted"), null=True, blank=True, **QUANTITY)
    book_at_count = models.DecimalField(_("book quantity when counted"), null=True, blank=True, **QUANTITY)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("stocktaking line")
        verbose_name_plural = _("stocktaking lines")
        constraints = [
            models.UniqueConstraint(fields=["stocktaking", "goods"], name="stocktaking_line_once"),
            models.CheckConstraint(
                condition=Q(counted__isnull=True) | Q(counted__gte=0), name="stocktaking_counted_not_neg"
            ),
        ]


class LowStockAlert(CompanyScopedModel):
    """The day (the branch's local date) a branch's administrators were told which goods are
    below their minimum: one row per branch and day, so the daily letter goes at most once."""

    date = models.DateField(_("date"))
    goods_count = models.PositiveIntegerField(_("goods below the minimum"), default=0)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("low-stock alert")
        verbose_name_plural = _("low-stock alerts")
        constraints = [models.UniqueConstraint(fields=["company", "date"], name="low_stock_alert_once_a_day")]


class TechCard(ChainScopedModel):
    """A technological card: the materials one service uses, network-wide. A service may have a
    default card and variants for a specialist, for a length of the service (minutes as booked),
    or for both; `techcards.pick_card` takes the most specific one that matches a visit line
    (specialist + length > specialist > length > the default). One card per combination."""

    service = models.ForeignKey(
        "catalog.Service", on_delete=models.CASCADE, related_name="+", verbose_name=_("service")
    )
    specialist = models.ForeignKey(
        "staff.Specialist",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("specialist"),
    )
    duration = models.PositiveIntegerField(_("length, minutes"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service_id", "specialist_id", "duration", "id"]
        verbose_name = _("technological card")
        verbose_name_plural = _("technological cards")
        constraints = [
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(specialist__isnull=True, duration__isnull=True),
                name="techcard_default_once",
            ),
            models.UniqueConstraint(
                fields=["service", "specialist"],
                condition=Q(specialist__isnull=False, duration__isnull=True),
                name="techcard_specialist_once",
            ),
            models.UniqueConstraint(
                fields=["service", "duration"],
                condition=Q(specialist__isnull=True, duration__isnull=False),
                name="techcard_length_once",
            ),
            models.UniqueConstraint(
                fields=["service", "specialist", "duration"],
                condition=Q(specialist__isnull=False, duration__isnull=False),
                name="techcard_specialist_length_once",
            ),
            models.CheckConstraint(condition=Q(duration__isnull=True) | Q(duration__gt=0), name="techcard_length_pos"),
        ]

    def __str__(self):
        return _("Technological card No. %(number)s") % {"number": self.pk}


class TechCardLine(ChainScopedModel):
    """A material of a card and the amount one service uses, in the item's write-off unit."""

    card = models.ForeignKey(TechCard, on_delete=models.CASCADE, related_name="lines", verbose_name=_("card"))
    goods = models.ForeignKey(Goods, on_delete=models.PROTECT, related_name="+", verbose_name=_("material"))
    quantity = models.DecimalField(_("amount"), **QUANTITY)

    class Meta:
        ordering = ["id"]
        verbose_name = _("technological card line")
        verbose_name_plural = _("technological card lines")
        constraints = [
            models.UniqueConstraint(fields=["card", "goods"], name="techcard_line_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="techcard_line_quantity_pos"),
        ]


class PlannedMaterial(ChainScopedModel):
    """The actual amount of a material for a visit's service line, typed by the administrator
    before payment. Once a line has any of these rows they replace its card at checkout (a zero
    takes the card's material out); a line without them is written off by its card."""

    record_service = models.ForeignKey(
        "scheduling.RecordService", on_delete=models.CASCADE, related_name="+", verbose_name=_("service line")
    )
    goods = models.ForeignKey(Goods, on_delete=models.PROTECT, related_name="+", verbose_name=_("material"))
    quantity = models.DecimalField(_("amount"), **QUANTITY)

    class Meta:
        ordering = ["id"]
        verbose_name = _("planned material")
        verbose_name_plural = _("planned materials")
        constraints = [
            models.UniqueConstraint(fields=["record_service", "goods"], name="planned_material_once"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="planned_material_not_neg"),
        ]


class LineMaterial(ChainScopedModel):
    """What a sold service line used of a material: `quantity` write-off units and their `cost`
    (+ used; − brought back by a correction), each row the mirror of one consumption line
    (`move`: quantity = −move.quantity, cost = −move.value). Added only, never changed: the cost
    of materials of a sale line is the sum of its rows (`techcards.material_costs`)."""

    sale_line = models.ForeignKey("finance.SaleLine", on_delete=models.PROTECT, related_name="+")
    goods = models.ForeignKey(Goods, on_delete=models.PROTECT, related_name="+", verbose_name=_("material"))
    move = models.OneToOneField(StockMove, on_delete=models.PROTECT, related_name="+", verbose_name=_("stock movement"))
    quantity = models.DecimalField(_("amount"), **QUANTITY)
    cost = MoneyField(_("cost"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("material of a sale line")
        verbose_name_plural = _("materials of sale lines")
        indexes = [models.Index(fields=["sale_line", "goods"])]
