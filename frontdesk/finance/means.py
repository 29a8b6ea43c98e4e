"""What the modules above finance plug into the checkout: the means a sale can be paid with
besides money (bonuses, gift certificates, abonements), the discounts they offer, the products
they sell at the counter, and money paid in advance (online prepayments). Finance knows nothing
about their rules; each module registers an object here in its AppConfig.ready and keeps its own
ledger.

A means is asked for `options` (what this client has that can pay this sale) and may be typed
in by code (`find`); when the administrator pays with one, `spend` runs inside the checkout's
transaction, after the sale and its lines are written, and must lock and re-check its balance —
raising MeansError rolls the whole checkout back, so no money and no loyalty balance moves
without the other.

Before any means spends, `refuse_unproven` (called by the checkout for every sale) checks that
each balance is either the sale's client's own (`PaymentMeans.belongs`) or was found by a code
typed at this checkout (`find`, which keeps its own limit on wrong guesses): a balance named
only by its id in the form — a gift certificate's pk — pays nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from frontdesk.core.money import to_money
from frontdesk.finance.models import LineKind, Sale

ZERO = Decimal("0.00")


class MeansError(ValidationError):
    """A loyalty means refused to pay: its message (already translated) is shown at the desk."""


@dataclass
class DraftLine:
    """A line as means and discounts read it. `price` is the LINE's sum before the discount (unit
    price × quantity), so that a rule weighing lines by price weighs what they cost; `quantity`
    says how many units it holds (1 but for goods)."""

    position: int
    kind: str
    title: str
    price: Decimal
    service_id: int | None = None
    ref: str = ""
    # The scheduling record the line is booked in (a service of a visit), for means that need its
    # date or specialist.
    record_id: int | None = None
    quantity: Decimal = Decimal("1")


@dataclass
class SaleDraft:
    """A sale as the checkout sees it before (or after) it is written: the means and discount
    providers read it to say what they can do."""

    company: object
    client: object | None
    lines: list[DraftLine]
    discount: Decimal = ZERO
    visit: object | None = None
    sale: Sale | None = None

    @property
    def subtotal(self) -> Decimal:
        return to_money(sum((line.price for line in self.lines), ZERO))

    @property
    def total(self) -> Decimal:
        return to_money(self.subtotal - self.discount)


def draft_for_visit(visit, prices: dict | None = None, drafts: list | None = None, products=()) -> SaleDraft:
    """The draft of a visit's checkout: its services at the booked (or typed) prices, then the
    products added to it (`products`: CounterLines, goods with their quantities). `drafts`: the
    visit's `draft_lines` if the caller has read them already."""
    from frontdesk.finance.checkout import draft_lines  # inside: checkout imports this module

    prices = prices or {}
    lines = []
    for position, draft in enumerate(draft_lines(visit) if drafts is None else drafts):
        price = prices.get(draft.record_service.pk, draft.price)
        lines.append(
            DraftLine(
                position=position,
                kind=LineKind.SERVICE,
                title=draft.title,
                price=to_money(price),
                service_id=draft.record_service.service_id,
                record_id=draft.record_service.record_id,
            )
        )
    lines += product_draft_lines(products, start=len(lines))
    return SaleDraft(company=visit.company, client=visit.client, lines=lines, visit=visit)


def product_draft_lines(products, start: int = 0) -> list[DraftLine]:
    """Draft lines of products sold (CounterLines with a unit price and a quantity)."""
    return [
        DraftLine(
            position=start + n,
            kind=line.kind,
            title=line.title,
            price=to_money(Decimal(line.price) * Decimal(line.quantity)),
            ref=str(line.ref),
            quantity=Decimal(line.quantity),
        )
        for n, line in enumerate(products)
    ]


def draft_for_sale(sale: Sale) -> SaleDraft:
    lines = [
        DraftLine(
            position=position,
            kind=line.kind,
            title=line.title,
            price=line.amount,
            service_id=line.service_id,
            ref=line.ref,
            record_id=line.record_service.record_id if line.record_service_id and line.record_service else None,
            quantity=line.quantity,
        )
        for position, line in enumerate(sale.lines.select_related("record_service").order_by("position", "id"))
    ]
    return SaleDraft(
        company=sale.company,
        client=sale.client,
        lines=lines,
        discount=sale.discount,
        visit=sale.visit,
        sale=sale,
    )


# ---------------------------------------------------------------- payment means
@dataclass(frozen=True)
class MeansOption:
    """One balance that can pay the draft: `ref` names it for its means ("" for the client's bonus
    account, a certificate's pk…), `limit` is the most it may pay here; `lines` (positions), when
    given, are the lines it is bound to — it then pays exactly their price."""

    code: str
    ref: str
    label: str
    limit: Decimal
    lines: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.code}:{self.ref}"


class PaymentMeans:
    code: str = ""
    label = ""
    order: int = 100

    def options(self, draft: SaleDraft) -> list[MeansOption]:
        return []

    def find(self, draft: SaleDraft, query: str) -> list[MeansOption]:
        return []

    def belongs(self, draft: SaleDraft, ref: str) -> bool:
        """Whether the balance `ref` is the draft's client's own, so that it may pay without its
        code. By default: it is among the client's `options`. A means whose options leave out
        balances that cannot pay now (expired, empty) says so directly, so that `spend` gives
        the precise refusal."""
        return draft.client is not None and any(option.ref == str(ref) for option in self.options(draft))

    def spend(self, sale: Sale, ref: str, amount: Decimal, *, user=None) -> str:
        raise NotImplementedError

    def give_back(self, payment, amount: Decimal, *, user=None) -> str:
        raise NotImplementedError


_MEANS: dict[str, PaymentMeans] = {}


def register_means(means: PaymentMeans) -> PaymentMeans:
    _MEANS[means.code] = means
    return means


def registered_means() -> dict[str, PaymentMeans]:
    return dict(sorted(_MEANS.items(), key=lambda item: (item[1].order, item[0])))


def unregister_means(code: str) -> None:
    """For tests that register a means of their own."""
    _MEANS.pop(code, None)


def means_options(draft: SaleDraft) -> list[MeansOption]:
    """Everything the client has that can pay this draft, means by means."""
    if draft.client is None:
        return []
    options = []
    for means in registered_means().values():
        options.extend(means.options(draft))
    return options


def refuse_unproven(draft: SaleDraft, refs: list[tuple[str, str]], codes=()) -> None:
    """Refuse (MeansError) to pay with a balance that is neither the client's own nor found by a
    code typed at this checkout. The one check every means goes through before it spends, on the
    server: the form names a balance by its ref, and a ref alone proves nothing."""
    known = registered_means()
    found: set[str] | None = None
    for code, ref in refs:
        means = known[code]
        if means.belongs(draft, ref):
            continue
        if found is None:
            found = {
                option.key
                for query in {str(c).strip() for c in codes if c and str(c).strip()}
                for candidate in known.values()
                for option in candidate.find(draft, query)
            }
        if f"{code}:{ref}" not in found:
            raise MeansError(
                _("“%(means)s” does not belong to this client: type its code at the desk to pay with it.")
                % {"means": means.label}
            )


# ---------------------------------------------------------------- advances
# Money the client paid for a visit before its checkout (an online prepayment). A listener of
# `finance.sale_opened` attaches it to the sale; until the sale exists, the checkout page asks
# each registered `source(visit) -> Decimal` how much of it the checkout will count.
_ADVANCES: list[Callable[..., Decimal]] = []


def register_advance(source: Callable[..., Decimal]) -> Callable[..., Decimal]:
    if source not in _ADVANCES:
        _ADVANCES.append(source)
    return source


def visit_advance(visit) -> Decimal:
    """What the visit's checkout will count as paid in advance (zero when nothing is)."""
    return to_money(sum((source(visit) for source in _ADVANCES), ZERO))


# ---------------------------------------------------------------- discounts
@dataclass(frozen=True)
class DiscountOffer:
    """A discount a loyalty rule grants on the draft: `source` identifies the rule (stored on the
    sale), `label` is the reason shown at the desk."""

    source: str
    label: str
    amount: Decimal


class DiscountProvider:
    def offers(self, draft: SaleDraft) -> list[DiscountOffer]:
        return []


_DISCOUNTS: list[DiscountProvider] = []


def register_discount(provider: DiscountProvider) -> DiscountProvider:
    if provider not in _DISCOUNTS:
        _DISCOUNTS.append(provider)
    return provider


def unregister_discount(provider: DiscountProvider) -> None:
    if provider in _DISCOUNTS:
        _DISCOUNTS.remove(provider)


def best_offer(draft: SaleDraft) -> DiscountOffer | None:
    """The largest discount any rule offers, never more than the lines' sum. One discount applies
    to a sale (the best for the client); rules that add up should offer their sum themselves."""
    if draft.client is None:
        return None
    best = None
    for provider in list(_DISCOUNTS):
        for offer in provider.offers(draft):
            amount = min(to_money(offer.amount), draft.subtotal)
            if amount > 0 and (best is None or amount > best.amount):
                best = DiscountOffer(offer.source, offer.label, amount)
    return best


# ---------------------------------------------------------------- products sold at the counter
@dataclass(frozen=True)
class Product:
    """Something a provider sells, as the desk offers it. `price` is per unit. A product with
    `quantity_allowed` (goods) is sold as one line with a quantity (`unit` names its unit);
    without it (a certificate, an abonement) every unit is a line of its own, because each one
    becomes a thing of its own. `vat` is the receipt line's VAT code ("" — the branch's rate);
    `code` the article shown next to the name; `note` what the provider adds (what is in stock)."""

    kind: str
    ref: str
    title: str
    price: Decimal
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    quantity_allowed: bool = False
    unit: str = ""
    vat: str = ""
    code: str = ""
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ref}"

    @property
    def kind_label(self) -> str:
        return LineKind(self.kind).label if self.kind in LineKind.values else ""

    @property
    def free_price(self) -> bool:
        return self.price_min is not None and self.price_max is not None and self.price_min != self.price_max


class ProductProvider:
    """Sells one kind of product (gift certificates, abonements, goods): says what the branch
    offers. What a paid line gives the client (or takes from stock) is the provider's business,
    on `sale_settled` (kind "counter" or "checkout") and `lines_returned`.

    A provider with few products is `listed`: the counter shows them all as rows. One with a
    catalogue (goods) is not: the desk finds its products by `search` (name or article) and by
    `find_by_code` (a scanned barcode), and `find` re-reads a chosen one on every post, so the
    price and whether it is still on sale come from the server, never from the form."""

    kind: str = ""
    listed: bool = True

    def products(self, company) -> list[Product]:
        return []

    def find(self, company, ref: str) -> Product | None:
        return next((p for p in self.products(company) if p.ref == str(ref)), None)

    def find_many(self, company, refs) -> dict[str, Product]:
        """{ref: product} for the refs still on sale; one fixed number of queries whatever the count."""
        wanted = {str(ref) for ref in refs}
        return {p.ref: p for p in self.products(company) if p.ref in wanted} if wanted else {}

    def search(self, company, text: str, limit: int = 20) -> list[Product]:
        text = text.casefold()
        return [p for p in self.products(company) if text in p.title.casefold()][:limit]

    def find_by_code(self, company, code: str) -> Product | None:
        return None


_PRODUCTS: list[ProductProvider] = []


def register_products(provider: ProductProvider) -> ProductProvider:
    if provider not in _PRODUCTS:
        _PRODUCTS.append(provider)
    return provider


def unregister_products(provider: ProductProvider) -> None:
    if provider in _PRODUCTS:
        _PRODUCTS.remove(provider)


def counter_products(company) -> list[Product]:
    """What the counter lists as rows: the products of the `listed` providers."""
    products = []
    for provider in list(_PRODUCTS):
        if provider.listed:
            products.extend(provider.products(company))
    return products


def searchable() -> bool:
    """Whether some provider is found by search and scan (the desk then shows its search box)."""
    return any(not provider.listed for provider in _PRODUCTS)


def search_products(company, text: str, limit: int = 20) -> list[Product]:
    """Products of the searched providers whose name or article holds `text`."""
    text = (text or "").strip()
    if not text:
        return []
    found = []
    for provider in list(_PRODUCTS):
        if not provider.listed:
            found.extend(provider.search(company, text, limit))
    return found[:limit]


def product_by_code(company, code: str) -> Product | None:
    """The product a scanned (or typed) barcode names, or None."""
    code = (code or "").strip()
    if not code:
        return None
    for provider in list(_PRODUCTS):
        found = provider.find_by_code(company, code)
        if found is not None:
            return found
    return None


def find_products(company, keys) -> dict[str, Product]:
    """{key: product} for the keys ("kind:ref") still on sale in the branch; a key whose product
    is gone (archived, no longer sold here) is missing. One call per provider."""
    by_kind: dict[str, set[str]] = {}
    for key in keys:
        kind, _sep, ref = str(key).partition(":")
        by_kind.setdefault(kind, set()).add(ref)
    found: dict[str, Product] = {}
    for provider in list(_PRODUCTS):
        refs = by_kind.get(provider.kind)
        if refs:
            found.update({p.key: p for p in provider.find_many(company, refs).values()})
    return found
