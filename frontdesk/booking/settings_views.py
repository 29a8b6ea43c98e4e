"""Settings → Online booking: the branch's rules, what clients may book, the widget snippet."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.booking import services
from frontdesk.booking.embeds import one_choice_codes
from frontdesk.booking.forms import OnlineBookingSettingsForm
from frontdesk.booking.models import OnlineBookingSettings
from frontdesk.catalog.models import Service
from frontdesk.core.security import allow_framing
from frontdesk.core.siteurl import absolute_url
from frontdesk.staff.models import Specialist
from frontdesk.tenancy.permissions import section_required


def _ids(values) -> set[int]:
    return {int(v) for v in values if str(v).isdigit()}


def snippets(request, company) -> dict:
    origin = absolute_url("", request)
    script = f"{origin}/static/booking/widget.js"
    page = f"{origin}{reverse('booking:branch', kwargs={'branch_id': company.pk})}"
    settings = OnlineBookingSettings.for_company(company)
    colour = settings.accent_colour
    return {
        "button": f'<script src="{script}" data-branch="{company.pk}" data-color="{colour}" '
        f'data-position="right" data-animation="pulse" async></script>',
        "selector": f'<script src="{script}" data-branch="{company.pk}" data-button="none" '
        f'data-selector=".book-online" async></script>',
        "inline": f'<div data-frontdesk-inline></div>\n<script src="{script}" data-branch="{company.pk}" '
        f'data-button="none" async></script>',
        "preview_script": f'<script src="{script}" data-branch="{company.pk}" data-color="{colour}" '
        f'data-position="right" data-animation="pulse" data-selector=".book-online" async></script>',
        "link": f"{page}?src=social&utm_source=instagram",
        "page": page,
        "network": f"{origin}{reverse('booking:network', kwargs={'chain_id': company.chain_id})}",
    }


@section_required(Section.SETTINGS, Level.VIEW)
def online_booking(request, company_id):
    company = request.company
    can_edit = request.membership.can(Section.SETTINGS, Level.EDIT)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    settings = OnlineBookingSettings.for_company(company)
    form = OnlineBookingSettingsForm(request.POST if request.method == "POST" else None, instance=settings)
    service_rows = list(
        Service.objects.filter(company=company, is_archived=False)
        .select_related("category")
        .order_by("category__sort_order", "category__title", "sort_order", "title")
    )
    specialist_rows = list(
        Specialist.objects.filter(companies=company, is_dismissed=False)
        .select_related("position")
        .order_by("sort_order", "name")
    )
    if request.method == "POST" and form.is_valid():
        services.save_online_settings(
            form,
            company,
            online_service_ids=_ids(request.POST.getlist("online_service")),
            visible_specialist_ids=_ids(request.POST.getlist("visible_specialist")),
        )
        messages.success(request, _("Online booking settings are saved."))
        return redirect("booking:settings", company_id=company.pk)
    return render(
        request,
        "booking/settings.html",
        {
            "form": form,
            "can_edit": can_edit,
            "service_rows": service_rows,
            "specialist_rows": specialist_rows,
            "snippets": snippets(request, company),
            "specialist_codes": [(sp, one_choice_codes(request, company, specialist=sp)) for sp in specialist_rows],
            "service_codes": [(sv, one_choice_codes(request, company, service=sv)) for sv in service_rows],
            "snippet_titles": [
                ("page", _("Booking page")),
                ("network", _("Network page (choose a branch)")),
                ("link", _("Link for social networks (with UTM tags)")),
                ("button", _("Floating round button")),
                ("selector", _("Open from your own button (CSS selector)")),
                ("inline", _("Inline block on a page")),
            ],
        },
        status=400 if form.errors else 200,
    )


@section_required(Section.SETTINGS, Level.VIEW)
def preview(request, company_id):
    """A sample site page with the widget on it, shown in an iframe on the settings page (so this
    site, and only it, may frame it). The widget's script carries the page's nonce, which it gives
    to the styles it adds, as it does on a salon's site with a strict policy of its own."""
    context = {"snippets": snippets(request, request.company)}
    context["preview_script"] = context["snippets"]["preview_script"].replace(
        "<script ", f'<script nonce="{request.csp_nonce}" ', 1
    )
    return allow_framing(render(request, "booking/preview.html", context), [])
