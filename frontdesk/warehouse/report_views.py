"""The warehouse's report pages (Warehouse → Reports): remains on a date, movements, sales of
goods, turnover and purchases per supplier. Each reads its filters from the query string
(finance's branch-and-period form: the whole network only for those who see every branch, the
choice refused like any unknown value for the others), shows a page of rows with the totals, and
with ?format=xlsx hands every row over as an Excel workbook. Bad filters are translated form
errors, never a 500; a warehouse, category or supplier of another network is not a choice.
Reading needs VIEW in the warehouse section (a specialist only when the owner gives it)."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from frontdesk.accounts.permissions import Level, Section
from frontdesk.core.spreadsheets import xlsx_response
from frontdesk.finance.models import Counterparty
from frontdesk.finance.report_views import DayForm, PeriodForm, sees_network
from frontdesk.tenancy.models import Company
from frontdesk.tenancy.permissions import section_required
from frontdesk.warehouse import report_sheets, reports
from frontdesk.warehouse.forms import descendants
from frontdesk.warehouse.models import GoodsCategory, MovementKind, Warehouse
from frontdesk.warehouse.views import PAGE_SIZE

_SELECT = {"class": "form-select"}


class _ReportFilters:
    """The fields the warehouse reports add to finance's branch and period: a warehouse (of this
    branch, or of any branch when the whole network is asked for), a category (with its
    sub-folders), a search in names and articles. Each report keeps the ones it takes."""

    keeps: tuple = ()

    def setup(self, request):
        self.request = request
        self.offer_network_only_to(request)
        optional = {
            "warehouse": forms.ModelChoiceField(
                label=gettext_lazy("Warehouse"),
                queryset=Warehouse.objects.filter(chain=request.chain).select_related("company"),
                required=False,
                empty_label=gettext_lazy("All warehouses"),
                widget=forms.Select(attrs=_SELECT),
            ),
            "category": forms.ModelChoiceField(
                label=gettext_lazy("Category"),
                queryset=GoodsCategory.objects.filter(chain=request.chain),
                required=False,
                empty_label=gettext_lazy("All categories"),
                widget=forms.Select(attrs=_SELECT),
            ),
            "kind": forms.ChoiceField(
                label=gettext_lazy("Kind"),
                required=False,
                choices=[("", gettext_lazy("All kinds")), *MovementKind.choices],
                widget=forms.Select(attrs=_SELECT),
            ),
            "supplier": forms.ModelChoiceField(
                label=gettext_lazy("Supplier"),
                queryset=Counterparty.objects.filter(chain=request.chain).order_by("name"),
                required=False,
                empty_label=gettext_lazy("All suppliers"),
                widget=forms.Select(attrs=_SELECT),
            ),
            "by": forms.ChoiceField(
                label=gettext_lazy("Group by"),
                required=False,
                choices=[
                    ("item", gettext_lazy("Item")),
                    ("category", gettext_lazy("Category")),
                    ("seller", gettext_lazy("Seller")),
                    ("branch", gettext_lazy("Branch")),
                ],
                widget=forms.Select(attrs=_SELECT),
            ),
            "q": forms.CharField(
                label=gettext_lazy("Item name or article"),
                required=False,
                max_length=100,
                widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
            ),
        }
        for name in self.keeps:
            self.fields[name] = optional[name]

    def clean_warehouse(self):
        warehouse = self.cleaned_data.get("warehouse")
        network = self.data.get("scope") == "network" and sees_network(self.request)
        if warehouse is not None and not network and warehouse.company_id != self.request.company.pk:
            raise forms.ValidationError(gettext_lazy("Choose a warehouse of this branch."))
        return warehouse


def _form_class(base, keeps):
    def __init__(self, *args, request, **kwargs):
        base.__init__(self, *args, **kwargs)
        self.setup(request)

    return type(f"Warehouse{base.__name__}", (_ReportFilters, base), {"keeps": keeps, "__init__": __init__})


RemainsForm = _form_class(DayForm, ("warehouse", "category", "q"))
MovementsForm = _form_class(PeriodForm, ("warehouse", "kind", "category", "supplier", "q"))
SalesForm = _form_class(PeriodForm, ("by", "category", "q"))
TurnoverForm = _form_class(PeriodForm, ("warehouse", "category", "q"))
PurchasesForm = _form_class(PeriodForm, ("supplier", "warehouse", "category", "q"))


def branch_today(request):
    return timezone.now().astimezone(request.company.tz).date()


def _read(request, form_class, defaults: dict):
    """The form bound to the query string, the report's defaults for what is not given; the
    cleaned data with the scope (the branches and warehouses) when valid."""
    data = {**defaults, **{k: v for k, v in request.GET.items() if v != ""}}
    form = form_class(data, request=request)
    if not form.is_valid():
        return form, None, None
    clean = form.cleaned_data
    if clean.get("scope") == "network":
        companies = Company.objects.filter(chain=request.chain).order_by("pk")
    else:
        companies = [request.company]
    scope = reports.Scope.of(companies, clean.get("warehouse"))
    clean["category_ids"] = descendants(clean["category"]) if clean.get("category") else None
    return form, clean, scope


def _month(request) -> dict:
    today = branch_today(request)
    return {"first": today.replace(day=1).isoformat(), "last": today.isoformat()}


def _xlsx(request, name: str, clean: dict, sheets):
    stamp = "-".join(clean[k].isoformat() for k in ("day", "first", "last") if k in clean)
    return xlsx_response(report_sheets.workbook(sheets), f"{name}-{request.company.pk}-{stamp}.xlsx")


def _page(request, template: str, tab: str, form, **extra):
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "form": form,
            "report_tab": tab,
            "warehouse_tab": "reports",
            "sees_network": sees_network(request),
            "network": bool(form.is_valid() and form.cleaned_data.get("scope") == "network"),
            "query": query.urlencode(),
            **extra,
        },
    )


def _paged(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


@section_required(Section.WAREHOUSE, Level.VIEW)
def remains(request, company_id):
    form, clean, scope = _read(request, RemainsForm, {"day": branch_today(request).isoformat()})
    report = page = None
    if clean:
        report = reports.remains_on(
            scope, clean["day"], today=branch_today(request), category_ids=clean["category_ids"], query=clean["q"]
        )
        if _wants_xlsx(request):
            return _xlsx(request, "remains-report", clean, report_sheets.remains_sheets(report))
        page = _paged(request, report.rows)
        page.object_list = list(report.resolve(page.object_list))
    return _page(request, "warehouse/reports/remains.html", "remains", form, report=report, page=page)


@section_required(Section.WAREHOUSE, Level.VIEW)
def movements(request, company_id):
    form, clean, scope = _read(request, MovementsForm, _month(request))
    page = totals = None
    if clean:
        lines = reports.movements(
            scope,
            clean["first"],
            clean["last"],
            kind=clean["kind"],
            category_ids=clean["category_ids"],
            query=clean["q"],
            supplier=clean["supplier"],
        )
        totals = reports.movement_totals(lines)
        if _wants_xlsx(request):
            return _xlsx(request, "movements-report", clean, report_sheets.movements_sheets(lines, totals))
        page = _paged(request, lines)
        for line in page.object_list:
            line.cause = reports.cause(line)
    return _page(request, "warehouse/reports/movements.html", "movements", form, page=page, totals=totals)


@section_required(Section.WAREHOUSE, Level.VIEW)
def sales(request, company_id):
    form, clean, scope = _read(request, SalesForm, {**_month(request), "by": "item"})
    report = None
    if clean:
        report = reports.goods_sales(
            scope,
            clean["first"],
            clean["last"],
            by=clean["by"] or "item",
            category_ids=clean["category_ids"],
            query=clean["q"],
        )
        if _wants_xlsx(request):
            return _xlsx(request, "goods-sales-report", clean, report_sheets.sales_sheets(report))
    return _page(
        request,
        "warehouse/reports/sales.html",
        "sales",
        form,
        report=report,
        chart=report.chart() if report and report.rows else None,
    )


@section_required(Section.WAREHOUSE, Level.VIEW)
def turnover(request, company_id):
    form, clean, scope = _read(request, TurnoverForm, _month(request))
    page = None
    if clean:
        rows = reports.turnover(
            scope, clean["first"], clean["last"], category_ids=clean["category_ids"], query=clean["q"]
        )
        if _wants_xlsx(request):
            return _xlsx(request, "turnover-report", clean, report_sheets.turnover_sheets(rows))
        page = _paged(request, rows)
    days = (clean["last"] - clean["first"]).days + 1 if clean else None
    return _page(request, "warehouse/reports/turnover.html", "turnover", form, page=page, days=days)


@section_required(Section.WAREHOUSE, Level.VIEW)
def purchases(request, company_id):
    form, clean, scope = _read(request, PurchasesForm, _month(request))
    page = totals = None
    if clean:
        lines = reports.purchases(
            scope,
            clean["first"],
            clean["last"],
            supplier=clean["supplier"],
            category_ids=clean["category_ids"],
            query=clean["q"],
        )
        totals = reports.supplier_totals(lines)
        if _wants_xlsx(request):
            return _xlsx(request, "purchases-report", clean, report_sheets.purchases_sheets(lines, totals))
        page = _paged(request, lines)
    return _page(request, "warehouse/reports/purchases.html", "purchases", form, page=page, totals=totals)
