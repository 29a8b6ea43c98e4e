"""The demo network's saved reports: what an owner would build first — revenue by specialist by
month (pinned to the overview) and records by booking source — shared within the network."""

from __future__ import annotations

from frontdesk.analytics.builder.models import SavedReport
from frontdesk.tenancy.demo import Demo, register_demo_step

REPORTS = (
    {
        "name": "Выручка по мастерам по месяцам",
        "dataset": "sale_lines",
        "measures": ["amount"],
        "dimensions": ["month", "specialist"],
        "chart": "bar",
        "preset": "last_12",
        "pinned": True,
    },
    {
        "name": "Записи по источникам",
        "dataset": "visits",
        "measures": ["records", "clients"],
        "dimensions": ["source"],
        "chart": "pie",
        "preset": "month",
    },
)


@register_demo_step(95)
def add_saved_reports(demo: Demo) -> None:
    company = demo.companies[0]
    for fields in REPORTS:
        SavedReport.objects.get_or_create(
            chain=demo.chain,
            name=fields["name"],
            defaults={**fields, "company": company, "author": demo.owner, "shared": True},
        )
