"""The back office's sections. Each app registers its entries when it loads, so the menu only
ever shows what exists and what the member may open (no dead links)."""

from dataclasses import dataclass

from django.urls import reverse

from frontdesk.accounts.permissions import Level


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    icon: str  # a Bootstrap Icons name, e.g. "calendar3"
    url_name: str  # reversed with company_id
    section: str | None  # the permission section; None: every member
    order: int = 100
    # Other path prefixes (below /c/<id>/) that belong to this entry, e.g. ("events/",).
    also: tuple[str, ...] = ()
    exact: bool = False  # active only on its own URL (the overview at /c/<id>/)


_registry: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _registry[item.key] = item


def active_key(request) -> str | None:
    """The menu entry of the page being shown: the one whose URL is the longest prefix of it."""
    company = getattr(request, "company", None)
    if company is None:
        return None
    base = reverse("tenancy:dashboard", kwargs={"company_id": company.pk})
    path = request.path
    best, best_length = None, -1
    for item in _registry.values():
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
    for item in sorted(_registry.values(), key=lambda i: (i.order, i.key)):
        if item.section is None or membership.level(item.section) >= Level.VIEW:
            visible.append((item, reverse(item.url_name, kwargs={"company_id": company.pk})))
    return visible


@dataclass(frozen=True)
class SettingsTab:
    key: str
    label: str
    url_name: str
    section: str  # the permission section the tab's page checks
    order: int = 100


_settings_tabs: dict[str, SettingsTab] = {}


def register_settings_tab(tab: SettingsTab) -> None:
    _settings_tabs[tab.key] = tab


def settings_tabs_for(membership, company):
    if membership is None or company is None:
        return []
    return [
        (tab.key, tab.label, reverse(tab.url_name, kwargs={"company_id": company.pk}))
        for tab in sorted(_settings_tabs.values(), key=lambda t: (t.order, t.key))
        if membership.level(tab.section) >= Level.VIEW
    ]
