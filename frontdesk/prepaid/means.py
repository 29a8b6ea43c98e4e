"""Certificates and abonements at the cash desk, through finance's seam (frontdesk.finance.means):

- the counter sells them (`ProductProvider`s "certificate" and "abonement"); when a counter sale
  settles (`finance.sale_settled`, kind "counter") each paid line issues its certificate or abonement,
  once per line whatever is sent twice;
- the checkout pays with them (`PaymentMeans` "certificate" and "abonement"): a certificate is
  offered when the client holds it, or found by the code typed at the desk in any branch where
  its type is valid; an abonement is offered per covered service line and pays exactly that
  line's price. Spending locks the certificate's or abonement's row (services.py); a refund of
  the payment gives the money or the visit back."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.catalog.models import Service
from frontdesk.core import ratelimit
from frontdesk.core.money import format_money
from frontdesk.core.ratelimit import allow
from frontdesk.finance.means import (
    MeansError,
    MeansOption,
    PaymentMeans,
    Product,
    ProductProvider,
    register_means,
    register_products,
)
from frontdesk.finance.models import SaleStatus
from frontdesk.finance.signals import sale_settled
from frontdesk.prepaid import services
from frontdesk.prepaid.errors import PrepaidError
from frontdesk.prepaid.hooks import left_text
from frontdesk.prepaid.models import (
    AbonementKind,
    AbonementOperation,
    AbonementType,
    Certificate,
    CertificateOperation,
    CertificateType,
)

CERTIFICATE = "certificate"
ABONEMENT = "abonement"


def _categories(service_ids) -> dict[int, int | None]:
    ids = {pk for pk in service_ids if pk}
    return dict(Service.objects.filter(pk__in=ids).values_list("pk", "category_id")) if ids else {}


def draft_pay_lines(draft) -> list[services.PayLine]:
    categories = _categories(line.service_id for line in draft.lines)
    return [
        services.PayLine(
            position=line.position,
            kind=str(line.kind),
            price=Decimal(line.price),
            service_id=line.service_id,
            category_id=categories.get(line.service_id),
            title=line.title,
        )
        for line in draft.lines
    ]


def sale_pay_lines(sale) -> list[services.PayLine]:
    lines = list(sale.lines.all())
    categories = _categories(line.service_id for line in lines)
    return [
        services.PayLine(
            position=line.position,
            kind=str(getattr(line, "kind", "service") or "service"),
            price=line.amount,  # the line's sum: a goods line may hold several units
            service_id=line.service_id,
            category_id=categories.get(line.service_id),
            title=line.title,
        )
        for line in lines
    ]


# ---------------------------------------------------------------- certificates
class CertificateMeans(PaymentMeans):
    code = CERTIFICATE
    label = gettext_lazy("Gift certificate")
    order = 30

    def _option(self, certificate, draft, lines, today) -> MeansOption | None:
        if services.certificate_refusal(certificate, draft.company, today) is not None:
            return None
        balance = services.certificate_balance(certificate)
        limit = min(balance, services.certificate_limit(certificate.type, lines))
        if limit <= 0:
            return None
        label = _("Certificate %(code)s, %(balance)s left") % {
            "code": certificate.masked_code,
            "balance": format_money(balance, draft.company.chain.currency_symbol),
        }
        return MeansOption(self.code, str(certificate.pk), label, limit)

    def options(self, draft) -> list:
        if draft.client is None:
            return []
        today = services.local_today(draft.company)
        lines = draft_pay_lines(draft)
        held = Certificate.objects.filter(client=draft.client, expired_at__isnull=True, expires_on__gte=today)
        found = [
            self._option(c, draft, lines, today)
            for c in held.select_related("type").prefetch_related("type__companies", "type__categories")
        ]
        return [option for option in found if option is not None]

    # Codes typed at a branch's desks that matched nothing, per window: past the limit the desk
    # finds nothing for a while, so that codes cannot be tried one after another.
    MISSES_ALLOWED = 20
    MISSES_WINDOW = 600

    def find(self, draft, query) -> list:
        misses = f"certificate-miss:{draft.company.pk}"
        if ratelimit.exceeded(misses, self.MISSES_ALLOWED, self.MISSES_WINDOW):
            return []
        certificate = services.find_certificate(draft.company.chain_id, query)
        if certificate is None:
            allow(misses, self.MISSES_ALLOWED, self.MISSES_WINDOW)
            return []
        option = self._option(certificate, draft, draft_pay_lines(draft), services.local_today(draft.company))
        return [option] if option is not None else []

    def belongs(self, draft, ref) -> bool:
        # Held by the client, whatever its state: `spend` then says why it cannot pay.
        return (
            draft.client is not None
            and str(ref).isdigit()
            and Certificate.objects.filter(pk=int(ref), client=draft.client).exists()
        )

    def spend(self, sale, ref, amount, *, user) -> str:
        certificate = Certificate.objects.filter(pk=int(ref) if str(ref).isdigit() else 0).first()
        if certificate is None:
            raise MeansError(_("No valid certificate has this code."))
        try:
            operation = services.redeem_certificate(
                certificate, amount, company=sale.company, sale=sale, lines=sale_pay_lines(sale), user=user
            )
        except PrepaidError as refused:
            raise MeansError(refused.text) from None
        return str(operation.pk)

    def give_back(self, payment, amount, *, user) -> str:
        operation = CertificateOperation.objects.get(pk=int(payment.operation))
        try:
            back = services.give_back_certificate(operation, amount, user=user)
        except PrepaidError as refused:
            raise MeansError(refused.text) from None
        return str(back.pk)


# ---------------------------------------------------------------- abonements
def _abonement_ref(abonement_pk, position) -> str:
    return f"{abonement_pk}:{position}"


def _parse_ref(ref) -> tuple[int, int] | None:
    head, _sep, tail = str(ref).partition(":")
    if head.isdigit() and tail.isdigit():
        return int(head), int(tail)
    return None


class AbonementMeans(PaymentMeans):
    code = ABONEMENT
    label = gettext_lazy("Abonement")
    order = 31

    def options(self, draft) -> list:
        if draft.client is None:
            return []
        today = services.local_today(draft.company)
        live = [
            (a, b)
            for a, b in services.live_abonements(draft.client.pk, today=today)
            if services.abonement_refusal(a, draft.company, today) is None
        ]
        if not live:
            return []
        options = []
        for line in draft_pay_lines(draft):
            if line.kind != "service" or not line.service_id or line.price <= 0:
                continue
            for abonement, balance in live:
                if not services.covers(abonement.type, line.service_id, line.category_id):
                    continue
                left = left_text(abonement, balance, draft.company.chain.currency_symbol)
                limit = line.price if abonement.type.kind == AbonementKind.VISITS else min(line.price, balance.amount)
                label = _("%(title)s (%(left)s) for “%(line)s”") % {
                    "title": abonement.type.title,
                    "left": left,
                    "line": line.title,
                }
                options.append(
                    MeansOption(self.code, _abonement_ref(abonement.pk, line.position), label, limit, (line.position,))
                )
        return options

    def belongs(self, draft, ref) -> bool:
        parsed = _parse_ref(ref)
        return (
            draft.client is not None
            and parsed is not None
            and services.Abonement.objects.filter(pk=parsed[0], client=draft.client).exists()
        )

    def spend(self, sale, ref, amount, *, user) -> str:
        parsed = _parse_ref(ref)
        abonement = services.Abonement.objects.filter(pk=parsed[0]).select_related("type").first() if parsed else None
        line = sale.lines.filter(position=parsed[1]).first() if parsed else None
        if abonement is None or line is None or line.service_id is None or abonement.client_id != sale.client_id:
            raise MeansError(_("This abonement cannot pay for this sale; reload the page."))
        amount = Decimal(amount)
        if abonement.type.kind == AbonementKind.VISITS and amount != line.price:
            raise MeansError(str(PrepaidError("price_mismatch", price=line.price).text))
        try:
            operation = services.use_abonement(
                abonement, company=sale.company, service=line.service, price=amount, sale=sale, user=user
            )
        except PrepaidError as refused:
            raise MeansError(refused.text) from None
        return str(operation.pk)

    def give_back(self, payment, amount, *, user) -> str:
        operation = AbonementOperation.objects.get(pk=int(payment.operation))
        if Decimal(amount) != Decimal(payment.amount):
            raise MeansError(_("A payment by abonement is given back whole."))
        try:
            back = services.give_back_abonement(operation, user=user)
        except PrepaidError as refused:
            raise MeansError(refused.text) from None
        return str(back.pk)


# ---------------------------------------------------------------- the counter
# A counter line's ref names our type with a prefix, so that another provider's line of the same
# kind (finance's own tests sell a stand-in certificate) is never taken for ours.
CERTIFICATE_REF = "ct"
ABONEMENT_REF = "at"


def _type_pk(ref: str, prefix: str) -> int | None:
    ref = str(ref or "")
    return int(ref[len(prefix) :]) if ref.startswith(prefix) and ref[len(prefix) :].isdigit() else None


def _allowed(type_, company) -> bool:
    ids = [c.pk for c in type_.companies.all()]
    return not ids or company.pk in ids


class CertificateProducts(ProductProvider):
    kind = CERTIFICATE

    def products(self, company) -> list:
        rows = CertificateType.objects.filter(is_archived=False).prefetch_related("companies").order_by("title", "id")
        return [
            Product(
                self.kind,
                f"{CERTIFICATE_REF}{t.pk}",
                t.title,
                t.nominal if t.nominal is not None else t.amount_min,
                price_min=None if t.nominal is not None else t.amount_min,
                price_max=None if t.nominal is not None else t.amount_max,
            )
            for t in rows
            if _allowed(t, company)
        ]


class AbonementProducts(ProductProvider):
    kind = ABONEMENT

    def products(self, company) -> list:
        rows = AbonementType.objects.filter(is_archived=False).prefetch_related("companies").order_by("title", "id")
        return [Product(self.kind, f"{ABONEMENT_REF}{t.pk}", t.title, t.price) for t in rows if _allowed(t, company)]


def issue_for_counter_sale(sale, kind) -> None:
    """Issue what a counter sale sold; when such a sale is refunded in full, cancel what is left
    on what it issued. Listens to `finance.sale_settled` inside the sale's transaction: a refusal
    (an abonement with no client) rolls the whole sale back with its message."""
    if kind == "refund":
        if sale.visit_id is None and sale.status == SaleStatus.REFUNDED:
            services.cancel_sold(sale)
        return
    if kind != "counter":
        return
    for line in sale.lines.all():
        line_kind = str(getattr(line, "kind", ""))
        if line_kind == CERTIFICATE:
            pk = _type_pk(line.ref, CERTIFICATE_REF)
            if pk is None or Certificate.objects.filter(sale_line=line).exists():
                continue
            services.issue_certificate(
                CertificateType.objects.get(pk=pk),
                company=sale.company,
                amount=line.price,
                client=sale.client,
                sale=sale,
                sale_line=line,
                user=sale.created_by,
            )
        elif line_kind == ABONEMENT:
            pk = _type_pk(line.ref, ABONEMENT_REF)
            if pk is None:
                continue
            services.issue_abonement(
                AbonementType.objects.get(pk=pk),
                company=sale.company,
                client=sale.client,
                sale=sale,
                sale_line=line,
                user=sale.created_by,
            )


def register() -> None:
    register_means(CertificateMeans())
    register_means(AbonementMeans())
    register_products(CertificateProducts())
    register_products(AbonementProducts())
    sale_settled.listen(issue_for_counter_sale)
