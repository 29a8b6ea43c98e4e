"""The client base in the back office: the list with filters and segments, the card, bulk actions,
RFM, duplicates and merging. Every view starts from `selectors.visible_clients(request)`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.accounts.permissions import Level, Section
from frontdesk.clients import selectors, services, spreadsheets
from frontdesk.clients.card import ClientCard
from frontdesk.clients.forms import (
    CategoryForm,
    ClientFilterForm,
    ClientForm,
    CustomFieldForm,
    FileForm,
    NoteForm,
    SegmentForm,
)
from frontdesk.clients.models import Client, ClientCategory, ClientFile, CustomField, Segment
from frontdesk.core.audit import log_action
from frontdesk.core.files import file_response
from frontdesk.core.spreadsheets import xlsx_response
from frontdesk.tenancy.permissions import section_required

PAGE_SIZE = 50
# While someone types a search, counting every match of "79" would cost more than the page:
# the count stops here and the list says "1,000+".
SEARCH_COUNT_CAP = 1000


class CountedPaginator(Paginator):
    """Counts with `counted`, a cheaper queryset of the same clients (see `selectors.apply_filters`)."""

    def __init__(self, object_list, per_page, *, counted):
        super().__init__(object_list, per_page)
        self.counted = counted

    @cached_property
    def count(self):
        return self.counted.count()


class CappedPaginator(CountedPaginator):
    """Counts at most SEARCH_COUNT_CAP + 1 rows; `capped` says the true number is larger."""

    @cached_property
    def count(self):
        # Unordered: the database stops at the cap in whatever order is cheapest to read.
        return self.counted.order_by()[: SEARCH_COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > SEARCH_COUNT_CAP


def _client(request, client_id) -> Client:
    return get_object_or_404(selectors.visible_clients(request), pk=client_id)


def _export_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------- the list
def _filtered(request, params: QueryDict):
    """(form, queryset) for the list's query parameters; an invalid filter is shown, not applied."""
    form = ClientFilterForm(params, chain=request.chain)
    data = form.cleaned_data if form.is_valid() else {}
    if not form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    queryset, counted = selectors.apply_filters(
        selectors.visible_clients(request),
        data,
        chain_id=request.chain.pk,
        restricted=request.membership.own_records_only,
    )
    return form, queryset, counted


def _segment_params(request) -> QueryDict:
    params = request.GET.copy()
    segment_id = params.get("segment")
    if segment_id and segment_id.isdigit():
        segment = Segment.objects.filter(pk=segment_id).first()
        if segment is not None:
            merged = QueryDict(mutable=True)
            for key, values in segment.params.items():
                merged.setlist(key, values if isinstance(values, list) else [values])
            for key in ("page", "q", "sort"):
                if params.get(key):
                    merged[key] = params[key]
            merged["segment"] = segment_id
            return merged
    return params


@section_required(Section.CLIENTS, Level.VIEW)
def client_list(request, company_id):
    params = _segment_params(request)
    form, queryset, counted = _filtered(request, params)
    queryset = selectors.with_stats(queryset).prefetch_related("categories")
    paginator_class = CappedPaginator if (params.get("q") or "").strip() else CountedPaginator
    paginator = paginator_class(queryset, PAGE_SIZE, counted=counted)
    page = paginator.get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query,
        "filters_query": _filters_only(query).urlencode(),
        "can_edit": selectors.can_edit(request),
        "segments": Segment.objects.all(),
        "segment_id": params.get("segment", ""),
        "categories": ClientCategory.objects.all(),
        "segment_form": SegmentForm(),
    }
    if request.htmx and request.htmx.target == "client-results":
        return render(request, "clients/_results.html", context)
    return render(request, "clients/list.html", context)


def _filters_only(params: QueryDict) -> QueryDict:
    kept = QueryDict(mutable=True)
    for key in ClientFilterForm.FILTER_KEYS:
        values = [v for v in params.getlist(key) if v]
        if key == "sort" and values == ["name"]:
            continue  # the default order is not a filter
        if values:
            kept.setlist(key, values)
    return kept


@section_required(Section.CLIENTS, Level.VIEW)
def client_search(request, company_id):
    """A short list of matches for pickers (merge, referrer): name, masked or full phone."""
    query = request.GET.get("q", "").strip()
    clients = []
    if len(query) >= 2:
        clients = selectors.quick_search(selectors.visible_clients(request), query, 10)
    exclude = request.GET.get("exclude")
    return render(
        request,
        "clients/_search.html",
        {"clients": [c for c in clients if str(c.pk) != exclude], "can_edit": selectors.can_edit(request)},
    )


@section_required(Section.CLIENTS, Level.EDIT)
@require_POST
def segment_save(request, company_id):
    form = SegmentForm(request.POST)
    params = _filters_only(QueryDict(request.POST.get("filters", "")))
    if form.is_valid():
        if not params:
            messages.error(request, _("Choose at least one filter before saving a segment."))
            return redirect(reverse("clients:list", kwargs={"company_id": company_id}))
        try:
            with transaction.atomic():
                segment = Segment.objects.create(
                    chain=request.chain,
                    name=form.cleaned_data["name"],
                    params=dict(params.lists()),
                    created_by=request.user,
                )
        except IntegrityError:
            messages.error(request, _("A segment with this name already exists."))
        else:
            messages.success(request, _("Segment “%(name)s” is saved.") % {"name": segment.name})
            return redirect(reverse("clients:list", kwargs={"company_id": company_id}) + f"?segment={segment.pk}")
    else:
        messages.error(request, _("Give the segment a name."))
    return redirect(reverse("clients:list", kwargs={"company_id": company_id}) + "?" + params.urlencode())


@section_required(Section.CLIENTS, Level.EDIT)
def segment_delete(request, company_id, segment_id):
    segment = get_object_or_404(Segment.objects.all(), pk=segment_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    segment.delete()
    messages.success(request, _("The segment is deleted."))
    return redirect("clients:list", company_id=company_id)


def _selection(request):
    """The clients a bulk action applies to: the ticked ones, or everyone the filters match."""
    if request.POST.get("scope") == "all":
        params = QueryDict(request.POST.get("filters", ""), mutable=True)
        _form, queryset, _counted = _filtered(request, params)
        return queryset
    ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
    return selectors.visible_clients(request).filter(pk__in=ids)


@section_required(Section.CLIENTS, Level.VIEW)
@require_POST
def bulk_action(request, company_id):
    back = reverse("clients:list", kwargs={"company_id": company_id}) + "?" + request.POST.get("filters", "")
    action = request.POST.get("action")
    if not selectors.can_edit(request):
        raise PermissionDenied
    if action == "message":
        return _message(request, back)
    clients = _selection(request).order_by()
    if action == "export":
        return _export(request, clients)
    if action in ("add_category", "remove_category"):
        category = ClientCategory.objects.filter(pk=request.POST.get("category") or 0).first()
        if category is None:
            messages.error(request, _("Choose a category."))
            return redirect(back)
        count = services.change_categories(clients, category, add=action == "add_category")
        if action == "add_category":
            messages.success(request, _("Category “%(c)s” is added to %(n)s clients.") % {"c": category, "n": count})
        else:
            messages.success(
                request, _("Category “%(c)s” is removed from %(n)s clients.") % {"c": category, "n": count}
            )
        return redirect(back)
    messages.error(request, _("Choose an action."))
    return redirect(back)


def _message(request, back):
    """ "Send a message": a new mailing to the ticked clients, or to everyone the filters find
    (kept as filters and read again when the mailing is queued, like a segment)."""
    if request.membership.own_records_only:
        raise PermissionDenied  # a mailing is not limited to one's own clients
    if request.POST.get("scope") == "all":
        selection = {"params": dict(_filters_only(QueryDict(request.POST.get("filters", ""))).lists())}
    else:
        ids = list(_selection(request).values_list("pk", flat=True))
        if not ids:
            messages.error(request, _("Tick the clients to send the message to."))
            return redirect(back)
        selection = {"ids": ids}
    request.session[selectors.MAILING_SELECTION] = {"company": request.company.pk, **selection}
    return redirect(
        reverse("notifications:mailing_new", kwargs={"company_id": request.company.pk}) + "?audience=clients"
    )


def _export(request, clients):
    clients = selectors.with_stats(clients).prefetch_related("categories").order_by("name", "id")
    data = spreadsheets.export_clients(clients, tz=request.company.tz)
    log_action(request.chain, code="clients.exported", changes={"count": len(clients)})
    return xlsx_response(data, "clients.xlsx")


@section_required(Section.CLIENTS, Level.EDIT)
def export(request, company_id):
    """The list as it is filtered, to Excel. Only for members who may edit clients (who see
    phones unmasked); the rest cannot take the base away."""
    _form, clients, _counted = _filtered(request, _segment_params(request))
    return _export(request, clients)


@section_required(Section.CLIENTS, Level.VIEW)
def rfm(request, company_id):
    now = timezone.now()
    grid = selectors.rfm_grid(selectors.visible_clients(request), request.chain.pk, now)
    low, high = selectors.money_thresholds(request.chain.pk)
    rows = [(r, [(f, grid[(r, f)]) for f in (1, 2, 3)]) for r in (3, 2, 1)]
    return render(
        request,
        "clients/rfm.html",
        {
            "rows": rows,
            "recency": selectors.RECENCY_DAYS,
            "frequency": selectors.FREQUENCY_VISITS,
            "money": (low, high),
        },
    )


# ---------------------------------------------------------------- the card
TIMELINE_FIRST = 50


@section_required(Section.CLIENTS, Level.VIEW)
def client_card(request, company_id, client_id):
    client = get_object_or_404(
        selectors.visible_clients(request).select_related("referrer").prefetch_related("categories"), pk=client_id
    )
    card = ClientCard(client, now=timezone.now(), tz=request.company.tz, viewer=request.membership)
    # Who opened whose card is itself personal-data processing: it goes to the event log.
    log_action(client, code="client.viewed")
    can_edit = selectors.can_edit(request)
    definitions = list(CustomField.objects.all())
    custom = [(d.label, (client.custom or {}).get(d.key)) for d in definitions if (client.custom or {}).get(d.key)]
    timeline = card.timeline()
    # A regular's history runs to hundreds of entries: the latest come first, the rest on request.
    whole = request.GET.get("history") == "all"
    return render(
        request,
        "clients/card.html",
        {
            "client": client,
            "card": card,
            "totals": card.totals,
            "timeline": timeline if whole else timeline[:TIMELINE_FIRST],
            "timeline_hidden": 0 if whole else max(len(timeline) - TIMELINE_FIRST, 0),
            "custom": custom,
            "files": list(client.files.all()),
            "can_edit": can_edit,
            "note_form": NoteForm(),
            "file_form": FileForm(),
        },
    )


@section_required(Section.CLIENTS, Level.EDIT)
def client_add(request, company_id):
    initial = {}
    if request.GET.get("phone"):
        initial["phone"] = request.GET["phone"]
    form = ClientForm(request.POST or None, chain=request.chain, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                client = form.save()
        except IntegrityError:
            form.add_error("phone", _("This phone already belongs to another client."))
        else:
            messages.success(request, _("Client “%(name)s” is added.") % {"name": client})
            return redirect("clients:card", company_id=company_id, client_id=client.pk)
    return render(request, "clients/form.html", {"form": form})


@section_required(Section.CLIENTS, Level.EDIT)
def client_edit(request, company_id, client_id):
    client = _client(request, client_id)
    form = ClientForm(request.POST or None, instance=client, chain=request.chain)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:
            form.add_error("phone", _("This phone already belongs to another client."))
        else:
            messages.success(request, _("The client card is saved."))
            return redirect("clients:card", company_id=company_id, client_id=client.pk)
    return render(request, "clients/form.html", {"form": form, "client": client})


@section_required(Section.CLIENTS, Level.VIEW)
def note_add(request, company_id, client_id):
    client = _client(request, client_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = NoteForm(request.POST)
    if form.is_valid():
        client.notes.create(chain=request.chain, text=form.cleaned_data["text"], author=request.user)
        messages.success(request, _("The comment is added."))
    else:
        messages.error(request, _("Write a comment first."))
    return redirect("clients:card", company_id=company_id, client_id=client.pk)


@section_required(Section.CLIENTS, Level.EDIT)
def file_upload(request, company_id, client_id):
    client = _client(request, client_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.save_file(
                client,
                form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The file is attached."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(reverse("clients:card", kwargs={"company_id": company_id, "client_id": client.pk}) + "#files")


def _file(request, client_id, client_file_id) -> ClientFile:
    client = _client(request, client_id)
    return get_object_or_404(ClientFile.objects.filter(client=client), pk=client_file_id)


@section_required(Section.CLIENTS, Level.VIEW)
def file_download(request, company_id, client_id, client_file_id):
    stored = _file(request, client_id, client_file_id)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Inline only if the content itself is a picture: the uploader's declared type decides nothing.
    return file_response(handle, filename=stored.file.name.rsplit("/", 1)[-1], inline=request.GET.get("inline") == "1")


@section_required(Section.CLIENTS, Level.EDIT)
def file_delete(request, company_id, client_id, client_file_id):
    stored = _file(request, client_id, client_file_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    stored.file.delete(save=False)
    stored.delete()
    messages.success(request, _("The file is deleted."))
    return redirect(reverse("clients:card", kwargs={"company_id": company_id, "client_id": client_id}) + "#files")


# ---------------------------------------------------------------- privacy
@section_required(Section.CLIENTS, Level.EDIT)
def personal_data(request, company_id, client_id):
    client = _client(request, client_id)
    card = ClientCard(client, now=timezone.now())
    log_action(client, code="client.data_exported")
    return _export_response(spreadsheets.personal_data(client, card), f"client-{client.pk}.json", "application/json")


@section_required(Section.CLIENTS, Level.EDIT)
def erase(request, company_id, client_id):
    client = _client(request, client_id)
    if request.method != "POST":
        return render(request, "clients/erase.html", {"client": client})
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Tick the box to confirm the erasure."))
        return render(request, "clients/erase.html", {"client": client})
    services.erase_client(client)
    messages.success(request, _("The client's personal data is erased; records and payments are kept."))
    return redirect("clients:card", company_id=company_id, client_id=client.pk)


# ---------------------------------------------------------------- duplicates and merge
@section_required(Section.CLIENTS, Level.EDIT)
def duplicates(request, company_id):
    groups = services.find_duplicates(request.chain)
    return render(request, "clients/duplicates.html", {"groups": groups})


@section_required(Section.CLIENTS, Level.EDIT)
def merge(request, company_id, client_id):
    """Merge another card (the duplicate) into this one."""
    target = _client(request, client_id)
    source = None
    source_id = request.POST.get("source") or request.GET.get("source")
    if source_id and source_id.isdigit():
        source = selectors.visible_clients(request).filter(pk=source_id).first()
    if request.method == "POST":
        if source is None:
            messages.error(request, _("Choose the duplicate to merge into this card."))
        else:
            try:
                services.merge_clients(target, source)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The cards are merged; all history is on this card."))
                return redirect("clients:card", company_id=company_id, client_id=target.pk)
    return render(request, "clients/merge.html", {"client": target, "source": source})


# ---------------------------------------------------------------- settings: categories, fields
@section_required(Section.CLIENTS, Level.EDIT)
def categories(request, company_id):
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                category = form.save(commit=False)
                category.chain = request.chain
                category.save()
        except IntegrityError:
            form.add_error("title", _("A category with this title already exists."))
        else:
            messages.success(request, _("Category “%(title)s” is added.") % {"title": category.title})
            return redirect("clients:categories", company_id=company_id)
    from django.db.models import Count

    items = ClientCategory.objects.annotate(n=Count("clients"))
    return render(request, "clients/categories.html", {"form": form, "items": items})


@section_required(Section.CLIENTS, Level.EDIT)
def category_delete(request, company_id, client_category_id):
    category = get_object_or_404(ClientCategory.objects.all(), pk=client_category_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    category.delete()
    messages.success(request, _("The category is deleted; the clients stay."))
    return redirect("clients:categories", company_id=company_id)


@section_required(Section.CLIENTS, Level.EDIT)
def custom_fields(request, company_id):
    form = CustomFieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                field = form.save(commit=False)
                field.chain = request.chain
                field.choices = form.cleaned_data["choices"]
                field.save()
        except IntegrityError:
            form.add_error("key", _("A field with this key already exists."))
        else:
            messages.success(request, _("Field “%(label)s” is added.") % {"label": field.label})
            return redirect("clients:fields", company_id=company_id)
    return render(request, "clients/fields.html", {"form": form, "items": CustomField.objects.all()})


@section_required(Section.CLIENTS, Level.EDIT)
def custom_field_delete(request, company_id, custom_field_id):
    field = get_object_or_404(CustomField.objects.all(), pk=custom_field_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    field.delete()
    messages.success(request, _("The field is deleted; values already filled in stay in the cards' history."))
    return redirect("clients:fields", company_id=company_id)
