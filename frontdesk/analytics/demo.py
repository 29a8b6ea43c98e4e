"""The demo network's daily facts, built once its history is written: the steps before write part
of it in bulk (no events, so no stale marks), and the overview must show it from the first page."""

from frontdesk.analytics import facts
from frontdesk.tenancy.demo import register_demo_step


@register_demo_step(95)  # after every step that writes records, money or schedules
def build_demo_facts(demo) -> None:
    for company in demo.companies:
        facts.rebuild(company, chunk_days=366)
