"""The back-office menu of one request: the registered entries (frontdesk/core/navigation.py)
this member may open in this branch, and the one the page belongs to."""

from django.urls import reverse

from frontdesk.accounts.permissions import Level
from frontdesk.core.navigation import nav_items, settings_tabs


def active_key(request) -> str | None:
    """The menu entry of the page being shown: the one whose URL is the longest prefix of it."""
    company = getattr(request, "company", None)
    if company is None:
        return None
    base = reverse("tenancy:dashboard", kwargs={"company_id": company.pk})
    path = request.path
    best, best_length = None, -1
    for item in nav_items():
        url = reverse(item.url_name, kwargs={"company_id": company.pk})
        if item.exact:
            candidates = [url] if path == url else []
        else:
            # An entry owns the first path segment of its URL below the branch: /c/1/schedule/…
            own = base + url[len(base) :].split("/", 1)[0] + "/"
            candidates = [p for p in (own, *(base + extra for extra in item.also)) if path.startswith(p)]
        for prefix in candidates:
            if len(prefix) > best_length:
                best, best_length = item.key, len(prefix)
    return best


def items_for(membership, company):
    """The menu entries (item, url) this member may open in this branch, in menu order."""
    if membership is None or company is None:
        return []
    visible = []
    for item in sorted(nav_items(), key=lambda i: (i.order, i.key)):
        if item.section is None or membership.level(item.section) >= Level.VIEW:
            visible.append((item, reverse(item.url_name, kwargs={"company_id": company.pk})))
    return visible


def settings_tabs_for(membership, company):
    if membership is None or company is None:
        return []
    return [
        (tab.key, tab.label, reverse(tab.url_name, kwargs={"company_id": company.pk}))
        for tab in sorted(settings_tabs(), key=lambda t: (t.order, t.key))
        if membership.level(tab.section) >= Level.VIEW
    ]
