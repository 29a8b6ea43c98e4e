"""The network's payroll schemes: the list (with how many employees each pays today), a
scheme's form with its per-category and per-service rates. Reading needs VIEW in the payroll
section, every change EDIT."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.payroll import services
from frontdesk.payroll.forms import RuleForm, SchemeForm
from frontdesk.payroll.models import Scheme, SchemeRule
from frontdesk.payroll.views import can_edit
from frontdesk.tenancy.permissions import section_required


@section_required(Section.PAYROLL, Level.VIEW)
def schemes(request, company_id):
    today = services.today_in(request.company)
    active = Q(assignments__valid_from__lte=today) & (
        Q(assignments__valid_to__isnull=True) | Q(assignments__valid_to__gte=today)
    )
    rows = Scheme.objects.annotate(
        employees=Count("assignments__specialist", filter=active, distinct=True),
        rates=Count("rules", distinct=True),
    ).order_by("is_archived", "title", "id")
    return render(request, "payroll/schemes.html", {"schemes": rows, "can_edit": can_edit(request)})


def _scheme_page(request, scheme):
    form = SchemeForm(request.POST or None, instance=scheme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("“%(name)s” is saved.") % {"name": scheme.title})
        return redirect("payroll:scheme_edit", company_id=request.company.pk, scheme_id=scheme.pk)
    context = {"form": form, "scheme": scheme}
    if scheme.pk:
        context["rules"] = list(
            SchemeRule.objects.filter(scheme=scheme)
            .select_related("category", "service", "goods_category")
            .order_by("id")
        )
        context["rule_form"] = RuleForm(scheme=scheme, company=request.company)
    return render(request, "payroll/scheme_form.html", context)


@section_required(Section.PAYROLL, Level.EDIT)
def scheme_add(request, company_id):
    return _scheme_page(request, Scheme(chain=request.chain))


@section_required(Section.PAYROLL, Level.EDIT)
def scheme_edit(request, company_id, scheme_id):
    return _scheme_page(request, get_object_or_404(Scheme.objects, pk=scheme_id))


@section_required(Section.PAYROLL, Level.EDIT)
def rule_add(request, company_id, scheme_id):
    scheme = get_object_or_404(Scheme.objects, pk=scheme_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RuleForm(request.POST, scheme=scheme, company=request.company)
    if form.is_valid():
        form.save()
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return redirect("payroll:scheme_edit", company_id=request.company.pk, scheme_id=scheme.pk)


@section_required(Section.PAYROLL, Level.EDIT)
def rule_delete(request, company_id, scheme_rule_id):
    rule = get_object_or_404(SchemeRule.objects, pk=scheme_rule_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    rule.delete()
    return redirect("payroll:scheme_edit", company_id=request.company.pk, scheme_id=rule.scheme_id)
