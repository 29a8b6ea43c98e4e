"""The pages of certificates and abonements: types, the certificates and abonements sold, their
history, the printable certificate card and freezing. Reading needs VIEW in the loyalty section,
every change needs EDIT. Certificates and abonements are the network's: every branch sees them."""

from __future__ import annotations

import datetime

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.prepaid import codes, services
from frontdesk.prepaid.figures import prepaid_figures
from frontdesk.prepaid.forms import AbonementTypeForm, CertificateTypeForm, FreezeForm
from frontdesk.prepaid.models import Abonement, AbonementType, Certificate, CertificateType
from frontdesk.tenancy.permissions import section_required

PAGE_SIZE = 50


def _can_edit(request) -> bool:
    return request.membership.can(Section.LOYALTY, Level.EDIT)


def _month_figures(request) -> dict:
    now = timezone.now().astimezone(request.company.tz)
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return prepaid_figures(request.chain, None, start, None)


def _base(request, tab, **extra) -> dict:
    return {
        "tab": tab,
        "can_edit": _can_edit(request),
        "currency": request.chain.currency_symbol,
        "figures": _month_figures(request),
        **extra,
    }


# --- Certificates ----------------------------------------------------------------------------


@section_required(Section.LOYALTY, Level.VIEW)
def certificates(request, company_id):
    today = services.local_today(request.company)
    rows = Certificate.objects.select_related("type", "client", "company")
    query = (request.GET.get("q") or "").strip()
    if query:
        digits = codes.normalize(query)
        condition = Q(client__name__icontains=query)
        if len(digits) >= 4:
            condition |= Q(client__phone__contains=digits)
            # Whole code, or its last digits as printed in the lists.
            condition |= Q(code=digits) if len(digits) == codes.LENGTH else Q(code__endswith=digits)
        rows = rows.filter(condition)
    status = request.GET.get("status", "")
    if status == services.CertificateStatus.EXPIRED:
        rows = rows.filter(Q(expired_at__isnull=False) | Q(expires_on__lt=today))
    elif status in (services.CertificateStatus.ACTIVE, services.CertificateStatus.SPENT):
        rows = rows.filter(expired_at__isnull=True, expires_on__gte=today)
    client_id = request.GET.get("client", "")
    if client_id.isdigit():
        rows = rows.filter(client_id=int(client_id))
    rows = list(rows.order_by("-created_at", "-id")[:1000])
    balances = services.certificate_balances(rows)
    for row in rows:
        row.balance = balances[row.pk]
        row.status = services.certificate_status(row, row.balance, today)
    if status in (services.CertificateStatus.ACTIVE, services.CertificateStatus.SPENT):
        rows = [row for row in rows if row.status == status]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "prepaid/certificates.html",
        _base(request, "certificates", page=page, query=query, status=status, statuses=_certificate_statuses()),
    )


def _certificate_statuses():
    return [
        (services.CertificateStatus.ACTIVE, _("Active")),
        (services.CertificateStatus.SPENT, _("Spent")),
        (services.CertificateStatus.EXPIRED, _("Expired")),
    ]


def _certificate(request, certificate_id) -> Certificate:
    return get_object_or_404(Certificate.objects.select_related("type", "client", "company"), pk=certificate_id)


@section_required(Section.LOYALTY, Level.VIEW)
def certificate_detail(request, company_id, certificate_id):
    certificate = _certificate(request, certificate_id)
    today = services.local_today(request.company)
    balance = services.certificate_balance(certificate)
    operations = list(
        certificate.operations.select_related("company", "sale", "created_by").order_by("created_at", "id")
    )
    running = 0
    for operation in operations:
        running += operation.amount
        operation.after = running
    return render(
        request,
        "prepaid/certificate_detail.html",
        _base(
            request,
            "certificates",
            certificate=certificate,
            balance=balance,
            status=services.certificate_status(certificate, balance, today),
            operations=operations,
            statuses=dict(_certificate_statuses()),
        ),
    )


@section_required(Section.LOYALTY, Level.VIEW)
def certificate_card(request, company_id, certificate_id):
    """The printable card: the network's name, the amount, the end date, the code and its QR
    code (the code itself, so that a scanner at any desk types it into the checkout)."""
    certificate = _certificate(request, certificate_id)
    qr = segno.make(certificate.code, error="m")
    return render(
        request,
        "prepaid/certificate_card.html",
        {
            "certificate": certificate,
            "qr_svg": qr.svg_inline(scale=5, dark="#111", border=2),
            "currency": request.chain.currency_symbol,
            "balance": services.certificate_balance(certificate),
        },
    )


# --- Types -----------------------------------------------------------------------------------


@section_required(Section.LOYALTY, Level.VIEW)
def certificate_types(request, company_id):
    rows = CertificateType.objects.prefetch_related("companies", "categories").order_by("is_archived", "title", "id")
    return render(request, "prepaid/certificate_types.html", _base(request, "certificate_types", types=rows))


def _type_form(request, instance, form_class, template, back):
    form = form_class(request.POST or None, instance=instance, chain=request.chain)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("“%(title)s” is saved.") % {"title": form.instance.title})
        return redirect(back, company_id=request.company.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {"form": form, "object": instance, "back": back}, status=status)


@section_required(Section.LOYALTY, Level.EDIT)
def certificate_type_add(request, company_id):
    return _type_form(
        request,
        CertificateType(chain=request.chain),
        CertificateTypeForm,
        "prepaid/type_form.html",
        "prepaid:certificate_types",
    )


@section_required(Section.LOYALTY, Level.EDIT)
def certificate_type_edit(request, company_id, certificate_type_id):
    instance = get_object_or_404(CertificateType.objects, pk=certificate_type_id)
    return _type_form(request, instance, CertificateTypeForm, "prepaid/type_form.html", "prepaid:certificate_types")


@section_required(Section.LOYALTY, Level.EDIT)
def certificate_type_archive(request, company_id, certificate_type_id):
    instance = get_object_or_404(CertificateType.objects, pk=certificate_type_id)
    if request.method != "POST":  # after the lookup: a stranger's id is 404 first
        return HttpResponseNotAllowed(["POST"])
    instance.is_archived = not instance.is_archived
    instance.save(update_fields=["is_archived"])
    return redirect("prepaid:certificate_types", company_id=request.company.pk)


@section_required(Section.LOYALTY, Level.VIEW)
def abonement_types(request, company_id):
    rows = AbonementType.objects.prefetch_related("companies", "categories", "services").order_by(
        "is_archived", "title", "id"
    )
    return render(request, "prepaid/abonement_types.html", _base(request, "abonement_types", types=rows))


@section_required(Section.LOYALTY, Level.EDIT)
def abonement_type_add(request, company_id):
    return _type_form(
        request,
        AbonementType(chain=request.chain),
        AbonementTypeForm,
        "prepaid/type_form.html",
        "prepaid:abonement_types",
    )


@section_required(Section.LOYALTY, Level.EDIT)
def abonement_type_edit(request, company_id, abonement_type_id):
    instance = get_object_or_404(AbonementType.objects, pk=abonement_type_id)
    return _type_form(request, instance, AbonementTypeForm, "prepaid/type_form.html", "prepaid:abonement_types")


@section_required(Section.LOYALTY, Level.EDIT)
def abonement_type_archive(request, company_id, abonement_type_id):
    instance = get_object_or_404(AbonementType.objects, pk=abonement_type_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    instance.is_archived = not instance.is_archived
    instance.save(update_fields=["is_archived"])
    return redirect("prepaid:abonement_types", company_id=request.company.pk)


# --- Abonements ------------------------------------------------------------------------------


def _abonement_statuses():
    return [
        (services.AbonementStatus.ACTIVE, _("Active")),
        (services.AbonementStatus.NOT_STARTED, _("Not started")),
        (services.AbonementStatus.FROZEN, _("Frozen")),
        (services.AbonementStatus.USED_UP, _("Used up")),
        (services.AbonementStatus.EXPIRED, _("Expired")),
    ]


@section_required(Section.LOYALTY, Level.VIEW)
def abonements(request, company_id):
    today = services.local_today(request.company)
    rows = Abonement.objects.select_related("type", "client", "company").prefetch_related("freezes")
    query = (request.GET.get("q") or "").strip()
    if query:
        digits = codes.normalize(query)
        condition = Q(client__name__icontains=query) | Q(type__title__icontains=query)
        if len(digits) >= 4:
            condition |= Q(client__phone__contains=digits)
        elif digits and digits == query.lstrip("№#"):
            condition |= Q(pk=int(digits))
        rows = rows.filter(condition)
    client_id = request.GET.get("client", "")
    if client_id.isdigit():
        rows = rows.filter(client_id=int(client_id))
    rows = list(rows.order_by("-created_at", "-id")[:1000])
    balances = services.abonement_balances(rows)
    for row in rows:
        row.balance = balances[row.pk]
        row.left = services.abonement_left(row, row.balance)
        row.status = services.abonement_status(row, row.balance, today)
    status = request.GET.get("status", "")
    if status:
        rows = [row for row in rows if row.status == status]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "prepaid/abonements.html",
        _base(
            request,
            "abonements",
            page=page,
            query=query,
            status=status,
            statuses=_abonement_statuses(),
            status_labels=dict(_abonement_statuses()),
        ),
    )


def _abonement(request, abonement_id) -> Abonement:
    return get_object_or_404(Abonement.objects.select_related("type", "client", "company"), pk=abonement_id)


@section_required(Section.LOYALTY, Level.VIEW)
def abonement_detail(request, company_id, abonement_id, *, form=None, status=200):
    abonement = _abonement(request, abonement_id)
    today = services.local_today(request.company)
    balance = services.abonement_balance(abonement)
    operations = list(
        abonement.operations.select_related("company", "sale", "service", "created_by").order_by("created_at", "id")
    )
    freezes = list(abonement.freezes.select_related("created_by"))
    frozen_days = sum(f.days for f in freezes)
    return render(
        request,
        "prepaid/abonement_detail.html",
        _base(
            request,
            "abonements",
            abonement=abonement,
            balance=balance,
            left=services.abonement_left(abonement, balance),
            status=services.abonement_status(abonement, balance, today),
            status_labels=dict(_abonement_statuses()),
            operations=operations,
            freezes=freezes,
            freeze_left=max(abonement.type.freeze_days_max - frozen_days, 0),
            form=form or FreezeForm(today=today),
        ),
        status=status,
    )


@section_required(Section.LOYALTY, Level.EDIT)
def abonement_freeze(request, company_id, abonement_id):
    abonement = _abonement(request, abonement_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = FreezeForm(request.POST)
    if not form.is_valid():
        return abonement_detail(request, company_id, abonement_id, form=form, status=400)
    data = form.cleaned_data
    try:
        freeze = services.freeze_abonement(
            abonement, days=data["days"], starts_on=data["starts_on"], user=request.user, comment=data["comment"]
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return abonement_detail(request, company_id, abonement_id, form=form, status=400)
    last = freeze.starts_on + datetime.timedelta(days=freeze.days - 1)
    messages.success(
        request,
        _("The abonement is frozen from %(start)s to %(end)s.")
        % {"start": freeze.starts_on.strftime("%d.%m.%Y"), "end": last.strftime("%d.%m.%Y")},
    )
    return redirect("prepaid:abonement", company_id=request.company.pk, abonement_id=abonement.pk)
