"""YCLIENTS' analytics operations: the company's main figures for a period against the period
right before it (`analytics/overall/`), their daily charts and structures, and the loyalty
programmes' client-return figures. Needs a user token whose member may view analytics in the
branch; a specialist limited to own records sees only their own figures.

Every number comes from `frontdesk.analytics` (the overview's selectors and their per-day split,
`analytics.returning`), never computed a second way here: this module only reads the query,
calls them and writes the YCLIENTS shapes. docs/analytics.md ("The API's figures") maps each
field to the figure it carries."""

from __future__ import annotations

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from ninja import Query, Router, Schema

from frontdesk.accounts.permissions import Level, Section
from frontdesk.analytics import daily, overview, returning
from frontdesk.analytics.overview import Period
from frontdesk.api.auth import require_user
from frontdesk.api.routing import company_or_404, route
from frontdesk.api.wire import invalid, ok, optional_int, parse_date
from frontdesk.loyalty.models import Programme
from frontdesk.scheduling.models import RecordSource
from frontdesk.staff.models import Specialist

router = Router(tags=["analytics"])

# A daily chart of more is unreadable, and it bounds what one request may ask of the database.
MAX_DAYS = 366
# ISO 4217 numeric codes: YCLIENTS gives its currencies numeric ids.
CURRENCY_IDS = {"RUB": 643, "KZT": 398, "BYN": 933, "UAH": 980, "EUR": 978, "USD": 840}


# ---------------------------------------------------------------- reading the query
def read_period(company, date_from, date_to) -> Period:
    """`date_from`/`date_to` (YYYY-MM-DD, both included, the branch's dates). Without them: this
    month up to today, as YCLIENTS' report opens; with one of them, that one day."""
    first = parse_date(date_from, "date_from")
    last = parse_date(date_to, "date_to")
    if first is None and last is None:
        last = timezone.now().astimezone(company.tz).date()
        first = last.replace(day=1)
    first, last = first or last, last or first
    if last < first:
        raise invalid(_("The period ends before it begins."), "date_to")
    if (last - first).days + 1 > MAX_DAYS:
        raise invalid(_("Ask for at most %(days)s days at a time.") % {"days": MAX_DAYS}, "date_to")
    return Period(first, last)


def read_staff(request, company, staff_id=None, position_id=None, user_id=None):
    """The figures' staff filter (None: everyone), or the 401/403 of the API. `staff_id`: one
    specialist of the branch (another's is a 422); `position_id`: the branch's specialists of
    that position; `user_id`: the specialist whose profile is that back-office user's. A member
    limited to own records is limited to their own specialist whatever they ask."""
    context = require_user(request, Section.ANALYTICS, Level.VIEW, company)
    specialists = Specialist.objects.filter(companies=company)
    narrowed = False
    number = optional_int(staff_id, "staff_id")
    if number:
        if not specialists.filter(pk=number).exists():
            raise invalid(_("No such specialist in this branch."), "staff_id")
        specialists, narrowed = specialists.filter(pk=number), True
    number = optional_int(position_id, "position_id")
    if number:
        specialists, narrowed = specialists.filter(position_id=number), True
    number = optional_int(user_id, "user_id")
    if number:
        specialists, narrowed = specialists.filter(user_id=number), True
    if context.membership.own_records_only:
        specialists, narrowed = specialists.filter(user=context.user), True
    return list(specialists.values_list("pk", flat=True)) if narrowed else None


# ---------------------------------------------------------------- writing YCLIENTS' shapes
def percent(part, whole) -> int | None:
    """An integer percentage (half up); None when the whole is 0."""
    if not whole:
        return None
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def change_percent(current, previous) -> int | None:
    """YCLIENTS' `change_percent`: the change from the previous period in whole percent; 0 when
    both are 0, None when only the previous one is (`overview.change`)."""
    current, previous = current or 0, previous or 0
    if not previous:
        return 0 if not current else None
    return int((overview.change(current, previous) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def whole(amount) -> int:
    """Money in a field the YCLIENTS models type as an integer: whole units, half up."""
    return int(Decimal(amount or 0).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def currency(chain) -> dict:
    return {
        "id": CURRENCY_IDS.get(chain.currency),
        "iso": chain.currency,
        "name": chain.get_currency_display(),
        "symbol": chain.currency_symbol,
        "is_symbol_after_amount": True,
    }


def _sum_stats(current, previous, money: dict) -> dict:
    return {
        "current_sum": str(current or overview.ZERO),
        "previous_sum": str(previous or overview.ZERO),
        "change_percent": change_percent(current, previous),
        "currency": money,
    }


def day_stamp(day: datetime.date) -> int:
    """YCLIENTS' daily charts: the start of the date in UTC, in unix seconds."""
    return calendar.timegm(day.timetuple())


COMPLETED, PENDING, CANCELED = ("came",), ("upcoming",), ("no_show", "cancelled")


def _records(visits: dict) -> tuple[int, int, int, int]:
    done = sum(visits[g] for g in COMPLETED)
    pending = sum(visits[g] for g in PENDING)
    canceled = sum(visits[g] for g in CANCELED)
    return done, pending, canceled, done + pending + canceled


# ---------------------------------------------------------------- analytics/overall
class ChartQuery(Schema):
    """What YCLIENTS' charts take; every value is read leniently by `read_*` (ids as `5.0`)."""

    date_from: str | None = None
    date_to: str | None = None
    staff_id: str | None = None
    user_id: str | None = None


class OverallQuery(ChartQuery):
    position_id: str | None = None


def _query(request, company_id, query: ChartQuery):
    """The branch, the staff filter and the period of an `analytics/overall` operation."""
    company = company_or_404(company_id)
    position = getattr(query, "position_id", None)
    staff = read_staff(request, company, query.staff_id, position, query.user_id)
    return company, staff, read_period(company, query.date_from, query.date_to)


FILTERS = "date_from, date_to (YYYY-MM-DD, the branch's dates), staff_id, position_id, user_id"


@route(
    router,
    "GET",
    "/v1/company/{company_id}/analytics/overall/",
    summary="The company's main figures",
    description=f"The period against as many days right before it. Query: {FILTERS}.",
)
def get_overall(request, company_id: str, query: Query[OverallQuery]):
    company, staff, period = _query(request, company_id, query)
    companies = [company]
    money = currency(company.chain)
    now, before = {}, {}
    for figures, when in ((now, period), (before, period.previous())):
        figures["revenue"] = overview.revenue(companies, when, specialist=staff)
        figures["services"] = overview.revenue(companies, when, specialist=staff, item="services")
        figures["goods"] = overview.revenue(companies, when, specialist=staff, item="goods")
        figures["visits"] = overview.visits_by_status(companies, when, specialist=staff)
        figures["fill"] = overview.fill_rate(companies, when, specialist=staff)
    clients = overview.clients(companies, period, specialist=staff)
    base = returning.client_base(company.chain, period, company.timezone, timezone.now())
    done, pending, canceled, total = _records(now["visits"])
    previous_total = _records(before["visits"])[3]
    active = clients.new + clients.returning
    fill_now = _fill_percent(now["fill"])
    fill_before = _fill_percent(before["fill"])
    data = {
        "income_total_stats": _sum_stats(now["revenue"].revenue, before["revenue"].revenue, money),
        "income_services_stats": _sum_stats(now["services"].revenue, before["services"].revenue, money),
        "income_goods_stats": _sum_stats(now["goods"].revenue, before["goods"].revenue, money),
        "income_average_stats": _sum_stats(now["revenue"].average_check, before["revenue"].average_check, money),
        "income_average_services_stats": _sum_stats(
            now["services"].average_check, before["services"].average_check, money
        ),
        "fullness_stats": {
            "current_percent": fill_now,
            "previous_percent": fill_before,
            "change_percent": change_percent(fill_now, fill_before),
        },
        "record_stats": {
            "current_completed_count": done,
            "current_completed_percent": percent(done, total),
            "current_pending_count": pending,
            "current_pending_percent": percent(pending, total),
            "current_canceled_count": canceled,
            "current_canceled_percent": percent(canceled, total),
            "current_total_count": total,
            "previous_total_count": previous_total,
            "change_percent": change_percent(total, previous_total),
        },
        "client_stats": {
            "total_count": base.total,
            "new_count": clients.new,
            "new_percent": percent(clients.new, active),
            "return_count": clients.returning,
            "return_percent": percent(clients.returning, active),
            "active_count": active,
            "lost_count": base.lost,
            "lost_percent": percent(base.lost, base.total),
        },
    }
    return ok(data)


def _fill_percent(fill) -> float:
    return float((fill.rate or 0) * 100)


def _daily_row(label, values: dict) -> list[dict]:
    return [{"label": str(label), "data": [[day_stamp(day), value] for day, value in sorted(values.items())]}]


@route(router, "GET", "/v1/company/{company_id}/analytics/overall/charts/income_daily/", summary="Revenue by day")
def list_income_daily(request, company_id: str, query: Query[OverallQuery]):
    """The revenue of each date (whole units: the YCLIENTS model types the values as integers)."""
    company, staff, period = _query(request, company_id, query)
    days = daily.revenue_by_day([company], period, specialist=staff)
    return ok(_daily_row(_("Revenue"), {day: whole(amount) for day, amount in days.items()}))


@route(router, "GET", "/v1/company/{company_id}/analytics/overall/charts/records_daily/", summary="Records by day")
def list_records_daily(request, company_id: str, query: Query[ChartQuery]):
    """The records starting on each date, whatever their status (record_stats' total)."""
    company, staff, period = _query(request, company_id, query)
    days = daily.visits_by_day([company], period, specialist=staff)
    return ok(_daily_row(_("Records"), {day: _records(visits)[3] for day, visits in days.items()}))


@route(router, "GET", "/v1/company/{company_id}/analytics/overall/charts/fullness_daily/", summary="Fill rate by day")
def list_fullness_daily(request, company_id: str, query: Query[ChartQuery]):
    """The fill rate of each date in whole percent (0 on a date nobody was scheduled)."""
    company, staff, period = _query(request, company_id, query)
    days = daily.fill_by_day([company], period, specialist=staff)
    return ok(_daily_row(_("Fill rate"), {day: round(_fill_percent(fill)) for day, fill in days.items()}))


@route(router, "GET", "/v1/company/{company_id}/analytics/overall/charts/record_source/", summary="Records by source")
def list_record_source(request, company_id: str, query: Query[ChartQuery]):
    """Records starting in the period, cancelled ones included, by the source they were booked
    through (the parts add up to the whole; series are not a part of their own here)."""
    company, staff, period = _query(request, company_id, query)
    sources = overview.booking_sources([company], period, specialist=staff)
    return ok([{"label": str(label), "data": sources[value]} for value, label in RecordSource.choices])


STATUS_LABELS = {
    "came": lambda: _("Came"),
    "upcoming": lambda: _("Still to come"),
    "no_show": lambda: _("No-shows"),
    "cancelled": lambda: pgettext("overview", "Cancelled"),
}


@route(router, "GET", "/v1/company/{company_id}/analytics/overall/charts/record_status/", summary="Records by status")
def list_record_status(request, company_id: str, query: Query[ChartQuery]):
    """Records starting in the period by status: came, still to come, no-shows, cancelled."""
    company, staff, period = _query(request, company_id, query)
    visits = overview.visits_by_status([company], period, specialist=staff)
    return ok([{"label": label(), "data": visits[name]} for name, label in STATUS_LABELS.items()])


# ---------------------------------------------------------------- analytics/loyalty_programs
class LoyaltyQuery(Schema):
    date_from: str | None = None
    date_to: str | None = None
    loyalty_program_id: str | None = None


def _loyalty_query(request, company_id, query: LoyaltyQuery):
    company = company_or_404(company_id)
    require_user(request, Section.ANALYTICS, Level.VIEW, company)
    period = read_period(company, query.date_from, query.date_to)
    programme = optional_int(query.loyalty_program_id, "loyalty_program_id")
    if programme and not Programme.objects.filter(pk=programme).exists():
        raise invalid(_("No such loyalty programme."), "loyalty_program_id")
    return company, period, programme or None


def _returns(figures: returning.Returns) -> dict:
    return {
        "all_count": figures.all_count,
        "lost_count": figures.lost_count,
        "returned_count": figures.returned_count,
        "returned_percent": figures.returned_percent,
    }


@route(router, "GET", "/v1/company/{company_id}/analytics/loyalty_programs/visits", summary="Client return")
def get_loyalty_visits(request, company_id: str, query: Query[LoyaltyQuery]):
    """The clients who came in the period — new and old — how many came back and how many are
    lost; new and old per day. `loyalty_program_id`: only that programme's card holders."""
    company, period, programme = _loyalty_query(request, company_id, query)
    figures = returning.client_return(company, period, timezone.now(), programme_id=programme)
    return ok(
        {
            "client_stats": {
                "new": _returns(figures.new),
                "old": _returns(figures.old),
                "total": _returns(figures.total),
            },
            "visits_stats_by_day": [
                {"date": day.isoformat(), "new_count": new, "old_count": old}
                for day, (new, old) in sorted(figures.by_day.items())
            ],
        }
    )


def _income(figures: returning.Income) -> dict:
    return {"all_sum": whole(figures.all_sum), "returned_sum": whole(figures.returned_sum)}


@route(router, "GET", "/v1/company/{company_id}/analytics/loyalty_programs/income/", summary="Income by client return")
def get_loyalty_income(request, company_id: str, query: Query[LoyaltyQuery]):
    """The money the clients who came paid in the period (whole units: the YCLIENTS model types
    the sums as integers), by new and old, and of those who came back; per day."""
    company, period, programme = _loyalty_query(request, company_id, query)
    figures = returning.client_return(company, period, timezone.now(), programme_id=programme)
    income = returning.client_income(company, period, figures, programme_id=programme)
    return ok(
        {
            "income_stats": {"new": _income(income.new), "old": _income(income.old), "total": _income(income.total)},
            "currency": currency(company.chain),
            "income_stats_by_day": [
                {"date": day.isoformat(), "new_sum": whole(new), "old_sum": whole(old)}
                for day, (new, old) in sorted(income.by_day.items())
            ],
        }
    )


@route(
    router, "GET", "/v1/company/{company_id}/analytics/loyalty_programs/staff/", summary="Client return by specialist"
)
def list_loyalty_staff(request, company_id: str, query: Query[LoyaltyQuery]):
    """Per specialist: the clients who came to them in the period, how many came back to them,
    how many are lost."""
    company, period, programme = _loyalty_query(request, company_id, query)
    rows = returning.staff_return(company, period, timezone.now(), programme_id=programme)
    data = [
        {"client_stats": _returns(row.returns), "staff": {"id": row.specialist_id, "name": row.name}} for row in rows
    ]
    return ok(data, {"count": len(data)})
