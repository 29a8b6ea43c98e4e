"""The goods block of the counter-sale and visit checkout pages: the lines the administrator
added (by searching a name or an article, or by scanning a barcode), their quantities and
sellers, carried from post to post in the form itself.

The page posts `pl_key` / `pl_qty` / `pl_seller` / `pl_title` once per line, in order. Nothing
the form says about a product is believed: every post re-reads the products from their
providers (`means.find_products`, one call per provider), so the price, the VAT and whether the
item is still on sale come from the server. A scanner types the code and Enter into the scan
box: the line is added, or its quantity goes up by one."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from frontdesk.core.money import to_money
from frontdesk.core.quantities import QuantityError, parse_quantity
from frontdesk.finance.checkout import CounterLine
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.means import Product, find_products, product_by_code, search_products, searchable
from frontdesk.staff.models import Specialist

# What a post may do to the lines without selling anything.
ACTIONS = ("scan", "search", "add", "remove")


@dataclass
class Row:
    key: str
    title: str
    quantity: str
    seller: str
    product: Product | None = None

    @property
    def parsed(self) -> Decimal | None:
        """The quantity typed, or None when it cannot be read (the sale says why)."""
        try:
            return parse_quantity(self.quantity)
        except QuantityError:
            return None

    @property
    def amount(self) -> Decimal | None:
        """The line's sum as typed, or None when it cannot be counted."""
        if self.product is None or self.parsed is None:
            return None
        return to_money(self.product.price * self.parsed)


@dataclass
class ProductLines:
    rows: list[Row] = field(default_factory=list)
    results: list[Product] = field(default_factory=list)
    query: str = ""
    error: str = ""
    # The page puts the cursor back into the scan box after a scan (the next code goes there).
    focus_scan: bool = False
    enabled: bool = False
    sellers: list = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return to_money(sum((row.amount or 0 for row in self.rows), Decimal(0)))

    def priced(self) -> list[CounterLine]:
        """The lines that can be counted, for the loyalty offers and the total shown while the
        administrator types (the sale itself checks every line)."""
        return [
            CounterLine(row.product.kind, row.product.ref, row.product.title, row.product.price, row.parsed)
            for row in self.rows
            if row.amount is not None
        ]

    def counter_lines(self) -> list[CounterLine]:
        """The lines to sell: raises FinanceError for an item no longer on sale (nothing sold)."""
        lines = []
        for row in self.rows:
            if row.product is None:
                raise FinanceError("product_gone", product=row.title)
            product = row.product
            lines.append(
                CounterLine(
                    product.kind,
                    product.ref,
                    product.title,
                    product.price,
                    row.quantity,
                    row.seller or None,
                    product.vat,
                )
            )
        return lines


def _increment(typed: str) -> str:
    try:
        return format((parse_quantity(typed) + 1).normalize(), "f")
    except QuantityError:
        return "1"


def _add(lines: ProductLines, product: Product, default_seller: str) -> None:
    for row in lines.rows:
        if row.key == product.key:
            row.quantity = _increment(row.quantity)
            return
    lines.rows.append(Row(product.key, product.title, "1", default_seller, product))


def read_product_lines(request, company, *, default_seller: str = "") -> ProductLines:
    """The goods lines as posted, with the page's own action applied (scan a code, search, add a
    found item, remove a line). Queries: the branch's staff, one lookup per provider of the posted
    lines, and one for a scan or a search — fixed, whatever the number of lines."""
    lines = ProductLines(enabled=searchable())
    if not lines.enabled:
        return lines
    lines.sellers = list(
        Specialist.objects.filter(companies=company, is_dismissed=False).order_by("name", "id").only("pk", "name")
    )
    post = request.POST if request.method == "POST" else {}
    if post:
        keys, quantities = post.getlist("pl_key"), post.getlist("pl_qty")
        sellers, titles = post.getlist("pl_seller"), post.getlist("pl_title")
        found = find_products(company, keys)
        for n, key in enumerate(keys[:200]):
            lines.rows.append(
                Row(
                    key,
                    (titles[n] if n < len(titles) else key)[:200],
                    (quantities[n] if n < len(quantities) else "1").strip(),
                    (sellers[n] if n < len(sellers) else "").strip(),
                    found.get(key),
                )
            )
        for row in lines.rows:
            if row.product is not None:
                row.title = row.product.title
    action = post.get("action", "") if post else ""
    verb, _sep, arg = action.partition(":")
    if verb == "scan":
        lines.focus_scan = True
        code = post.get("scan", "").strip()
        product = product_by_code(company, code) if code else None
        if product is None and code:
            lines.error = FinanceError("no_product_code", barcode=code[:40]).text
        elif product is not None:
            _add(lines, product, default_seller)
    elif verb == "search":
        lines.query = post.get("goods_query", "").strip()[:100]
        lines.results = search_products(company, lines.query)
    elif verb == "add":
        product = find_products(company, [arg]).get(arg)
        if product is None:
            lines.error = FinanceError("product_gone", product=post.get("add_title", arg)[:200]).text
        else:
            _add(lines, product, default_seller)
        lines.focus_scan = True
    elif verb == "remove" and arg.isdigit() and int(arg) < len(lines.rows):
        del lines.rows[int(arg)]
    return lines


def is_line_action(request) -> bool:
    """Whether the post only changes the goods lines (and the page is shown again, nothing sold)."""
    return request.POST.get("action", "").partition(":")[0] in ACTIONS
