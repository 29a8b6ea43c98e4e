"""Pinned saved reports on the «Overview» page (tenancy's `tenancy.dashboard` slot): each pinned
report the member may see — shared ones and their own private ones — run for the branch shown,
its chart (or its table when it has none) with a link to the report. Only for members with
analytics VIEW. One query for the list, then each report's own (two, plus at most three for the
filter objects it names); a report that cannot run for this reader says why in its card."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from frontdesk.accounts.permissions import Section
from frontdesk.analytics.builder.models import SavedReport, visible_reports
from frontdesk.analytics.builder.running import CannotRun, filters_for, run_saved
from frontdesk.analytics.filters import sees_network

# A page of figures, not a wall of them: more pinned reports than this show as links only.
MAX_DRAWN = 6


def pinned_reports(request, **context) -> str:
    membership = getattr(request, "membership", None)
    if membership is None or not membership.can(Section.ANALYTICS):
        return ""
    reports = list(
        visible_reports(SavedReport.objects.filter(chain=request.chain, pinned=True), request.user).order_by(
            "name", "pk"
        )
    )
    if not reports:
        return ""
    now, network = timezone.now(), sees_network(request)
    cards = []
    for index, report in enumerate(reports):
        card = {"report": report, "result": None, "error": "", "chart": None, "drawn": index < MAX_DRAWN}
        card["chart_id"] = f"pinned-chart-{report.pk}"
        if card["drawn"]:
            try:
                result = run_saved(report, filters_for(report, request.company, sees_network=network, now=now))
                card["result"] = result
                card["chart"] = result.chart.as_json() if result.chart else None
            except CannotRun as problem:
                card["error"] = str(problem)
        cards.append(card)
    return render_to_string(
        "analytics/builder/_pinned.html",
        {"cards": cards, "currency": request.chain.currency_symbol, "charts": any(c["chart"] for c in cards)},
        request=request,
    )
