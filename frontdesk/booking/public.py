"""The door of the public booking pages: the one place where a URL without a login enters a
network's scope.

A public URL names a branch (`branch_id`), a network (`chain_id`) or a booking link (`token`).
`public_booking` resolves it to an active branch (or network) whose online booking is on, enters
that network's scope for the view, and answers 404 for anything else — a disabled branch, another
network's id, a forged token all look the same. The pages take no cookies they depend on (a
third-party iframe gets none), and so need no CSRF token: nothing a form posts is tied to a browser
session.

The booking pages the widget opens (a branch's, the network's, "my bookings") may be framed by the
salon's own website — the branch's website setting, or every branch's for the network page — or,
while no website is set, by any site, so that a widget already on a site keeps working. The
client's own booking page (/my/<token>/: cancel, move, pay) may not be framed at all, so no other
page can trick a click on it; inside the widget the flow reaches it through htmx, which fetches it
rather than framing it.

A page of one branch (its booking page, a booking link) runs in that branch's time zone, as the
back office does (tenancy.middleware): its times are the branch's wall clock. The network's page
keeps the server's zone and converts each branch's times itself.
"""

from __future__ import annotations

from contextlib import nullcontext
from functools import wraps

from django.conf import settings
from django.http import Http404
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt

from frontdesk.booking.models import BookingLink, OnlineBookingSettings
from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.core.security import ANY_SITE, allow_framing, site_origins
from frontdesk.tenancy.models import Chain, Company

# Query parameters that travel with every link of the flow: language, channel and UTM tags.
PASSTHROUGH = ("lang", "src", "utm_source", "utm_medium", "utm_campaign", "ref")


def _resolve(kwargs):
    """(chain, company, link) for the URL's kwargs; raises Http404 for anything not public."""
    with scopes_disabled():
        if "token" in kwargs:
            link = (
                BookingLink.unscoped.select_related("visit__company__chain")
                .filter(token=kwargs["token"], visit__company__is_active=True)
                .first()
            )
            if link is None:
                raise Http404
            return link.visit.company.chain, link.visit.company, link
        if "branch_id" in kwargs:
            company = Company.unscoped.select_related("chain").filter(pk=kwargs["branch_id"], is_active=True).first()
            if company is None:
                raise Http404
            return company.chain, company, None
        chain = Chain.objects.filter(pk=kwargs["chain_id"]).first()
        if chain is None:
            raise Http404
        return chain, None, None


def _activate_language(request):
    lang = request.GET.get("lang") or request.POST.get("lang")
    if lang in dict(settings.LANGUAGES):
        translation.activate(lang)
        request.LANGUAGE_CODE = lang


def public_booking(view):
    """Run a public booking view inside its network's scope, with `request.company`,
    `request.chain`, `request.booking_settings` and (for /my/<token>/) `request.booking_link`."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        chain, company, link = _resolve(kwargs)
        zone = timezone.override(company.tz) if company is not None else nullcontext()
        with scope(chain.pk), zone:
            if company is not None:
                settings_row = OnlineBookingSettings.for_company(company)
                # A booking link keeps working when online booking is switched off later.
                if not settings_row.enabled and link is None:
                    raise Http404
                request.booking_settings = settings_row
            request.chain, request.company, request.booking_link = chain, company, link
            _activate_language(request)
            response = view(request, *args, **kwargs)
            if link is None:
                allow_framing(response, _widget_sites(chain, company))
            return response

    return csrf_exempt(wrapped)


def _widget_sites(chain, company) -> list[str] | None:
    """The sites that may frame a widget page: the branch's website (or, for the network page,
    every active branch's); ANY_SITE while none is set."""
    if company is not None:
        sites = [company.site]
    else:
        sites = Company.objects.filter(chain=chain, is_active=True).exclude(site="").values_list("site", flat=True)
    return site_origins(sites) or ANY_SITE
