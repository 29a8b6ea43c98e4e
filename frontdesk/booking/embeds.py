"""The codes that put online booking on the salon's site or in a message: the branch's page, the
widget, and a link or button that opens the booking at one specialist or one service. The ids
these need are shown here, next to each name, so nobody has to find them in an address bar."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from frontdesk.core.querystrings import with_params
from frontdesk.core.siteurl import absolute_url


def script_url(request) -> str:
    return absolute_url("/static/booking/widget.js", request)  # a fixed name other sites embed


def page_url(request, company) -> str:
    return absolute_url(reverse("booking:branch", kwargs={"branch_id": company.pk}), request)


def one_choice_codes(request, company, *, specialist=None, service=None, label: str = "") -> dict:
    """{"link": the booking page opened at the specialist (or service), "button": a button for the
    salon's site that opens the widget there (reading `label`, "Book" by default), "key": a name
    for the page's fields}. The widget reads the same ids (widget.js)."""
    if specialist is not None:
        link = page_url(request, company) + with_params(o="specialist", m=specialist.pk)
        attribute = f'data-specialist="{specialist.pk}"'
        key = f"specialist-{specialist.pk}"
    else:
        link = page_url(request, company) + with_params(s=service.pk)
        attribute = f'data-service="{service.pk}"'
        key = f"service-{service.pk}"
    button = (
        f'<button type="button" data-frontdesk-book {attribute}>{label or _("Book")}</button>\n'
        f'<script src="{script_url(request)}" data-branch="{company.pk}" data-button="none" async></script>'
    )
    return {"link": link, "button": button, "key": key}


def specialist_panel(request, specialist=None, **_context) -> str:
    """The specialist's page (staff): the link and the button that book with them in this branch.
    No queries."""
    if request is None or specialist is None or specialist.pk is None or specialist.is_dismissed:
        return ""
    # The staff page shows only the branch's own specialists (staff.views._specialist).
    company = getattr(request, "company", None)
    if company is None:
        return ""
    codes = one_choice_codes(request, company, specialist=specialist)
    return render_to_string(
        "booking/_specialist_embed.html",
        {"codes": codes, "specialist": specialist, "company": company},
        request=request,
    )
