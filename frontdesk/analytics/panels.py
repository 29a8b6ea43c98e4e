"""The «Overview» page's figures in tenancy's `tenancy.dashboard` panel slot. What each member
sees and what it costs is `dashboard`'s to decide; this only renders it ("" and no query for a
member who sees none)."""

from __future__ import annotations

from django.template.loader import render_to_string

from frontdesk.analytics import dashboard


def dashboard_figures(request, **context) -> str:
    page = dashboard.page_context(request)
    if page is None:
        return ""
    return render_to_string("analytics/_dashboard.html", page, request=request)
