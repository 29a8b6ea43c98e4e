"""State changes of staff and work schedules. Every function validates first and writes inside one
transaction, so that bad input raises a translated ValidationError and changes nothing."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from frontdesk.accounts.models import Membership
from frontdesk.catalog.models import Position, Service
from frontdesk.core.audit import log_actions
from frontdesk.core.models import EventAction
from frontdesk.staff import schedules, signals
from frontdesk.staff.models import Absence, ScheduleTemplate, Specialist, SpecialistService, WorkInterval
from frontdesk.tenancy.models import Company, OpeningHours

MAX_RANGE_DAYS = 366


def working_specialist_performs() -> Exists:
    """True when a working (not dismissed) specialist of the service's branch performs it: the
    catalogue's "nobody performs it" warning (registered in StaffConfig.ready())."""
    return Exists(
        SpecialistService.objects.filter(
            service=OuterRef("pk"),
            specialist__is_dismissed=False,
            specialist__companies=OuterRef("company_id"),
        )
    )


@dataclass
class ServiceChoice:
    """A service a specialist performs, with their own duration and price range if any."""

    service_id: int
    duration: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None


# ---------------------------------------------------------------- staff
def _check_specialist(chain, specialist, companies, services, user):
    if not companies:
        raise ValidationError(_("A specialist works in at least one branch."))
    if any(company.chain_id != chain.pk for company in companies):
        raise ValidationError(_("A specialist can only work in branches of this network."))
    if (
        specialist.position_id
        and not Position.objects.filter(pk=specialist.position_id, company__chain_id=chain.pk).exists()
    ):
        raise ValidationError(_("Choose a position of this network."))
    company_ids = {company.pk for company in companies}
    known = dict(
        Service.objects.filter(pk__in=[choice.service_id for choice in services]).values_list("pk", "company_id")
    )
    for choice in services:
        if known.get(choice.service_id) not in company_ids:
            raise ValidationError(_("A specialist can only perform services of their branches."))
        if choice.price_min is not None and choice.price_max is not None and choice.price_min > choice.price_max:
            raise ValidationError(_("The own price “from” must not be more than the price “to”."))
        for value in (choice.price_min, choice.price_max):
            if value is not None and value < 0:
                raise ValidationError(_("A price cannot be negative."))
        if choice.duration is not None and not 5 <= choice.duration <= 24 * 60:
            raise ValidationError(_("A duration is from 5 minutes to 24 hours."))
    if user is not None:
        if not Membership.objects.filter(chain=chain, user=user, is_active=True).exists():
            raise ValidationError(_("The login must belong to a member of this network."))
        taken = Specialist.objects.filter(chain=chain, user=user).exclude(pk=specialist.pk).first()
        if taken is not None:
            raise ValidationError(
                _("This login is already linked to the specialist %(name)s."), params={"name": taken.name}
            )


@transaction.atomic
def save_specialist(
    *,
    chain,
    specialist: Specialist,
    companies: Iterable[Company],
    services: Iterable[ServiceChoice] | None = None,
    user=None,
) -> Specialist:
    """Create or update a specialist with their branches, services (with own duration and price)
    and optional login. Guarantees: at least one branch of this network, only services of those
    branches, own price from ≤ to, one specialist per login; otherwise nothing is saved."""
    companies = list(companies)
    services = list(services) if services is not None else None
    _check_specialist(chain, specialist, companies, services or [], user)
    specialist.chain = chain
    specialist.user = user
    specialist.save()
    specialist.companies.set(companies)
    if services is not None:
        wanted = {choice.service_id: choice for choice in services}
        SpecialistService.objects.filter(specialist=specialist).exclude(service_id__in=list(wanted)).delete()
        existing = {link.service_id: link for link in SpecialistService.objects.filter(specialist=specialist)}
        for service_id, choice in wanted.items():
            link = existing.get(service_id) or SpecialistService(
                chain=chain, specialist=specialist, service_id=service_id
            )
            if (link.pk is None) or (link.duration, link.price_min, link.price_max) != (
                choice.duration,
                choice.price_min,
                choice.price_max,
            ):
                link.duration, link.price_min, link.price_max = choice.duration, choice.price_min, choice.price_max
                link.save()
    else:
        # Branches changed: services of branches they left go with them.
        SpecialistService.objects.filter(specialist=specialist).exclude(
            service__company__in=[c.pk for c in companies]
        ).delete()
    return specialist


@transaction.atomic
def dismiss_specialist(specialist: Specialist, on: datetime.date) -> Specialist:
    """Archive a specialist: hidden from the journal and online booking, history kept."""
    specialist.is_dismissed = True
    specialist.dismissed_on = on
    specialist.save()
    return specialist


@transaction.atomic
def restore_specialist(specialist: Specialist) -> Specialist:
    specialist.is_dismissed = False
    specialist.dismissed_on = None
    specialist.save()
    return specialist


# ---------------------------------------------------------------- schedules: reads
def opening_hours(company: Company) -> dict[int, tuple[datetime.time, datetime.time]]:
    return {row.weekday: (row.opens, row.closes) for row in OpeningHours.objects.filter(company=company)}


def day_plans(company: Company, specialist_ids, date_from, date_to) -> dict[int, dict[datetime.date, list]]:
    """{specialist_id: {date: [(start, end), …]}} for the branch, in one query."""
    plans: dict[int, dict] = defaultdict(lambda: defaultdict(list))
    rows = WorkInterval.objects.filter(
        company=company, specialist_id__in=list(specialist_ids), date__range=(date_from, date_to)
    ).values_list("specialist_id", "date", "start", "end")
    for specialist_id, day, start, end in rows.order_by("date", "start"):
        plans[specialist_id][day].append((start, end))
    return plans


def absences_of(specialist_ids, date_from, date_to) -> dict[int, list[Absence]]:
    result: dict[int, list] = defaultdict(list)
    for absence in Absence.objects.filter(
        specialist_id__in=list(specialist_ids), date_from__lte=date_to, date_to__gte=date_from
    ):
        result[absence.specialist_id].append(absence)
    return result


def utc_work_intervals(specialist: Specialist, company: Company, date_from, date_to):
    """The specialist's working time in the branch for local dates [date_from, date_to] as UTC
    (start, end) pairs, absences removed; DST handled as `schedules` documents."""
    plan = day_plans(company, [specialist.pk], date_from, date_to).get(specialist.pk, {})
    absences = [(a.date_from, a.date_to) for a in absences_of([specialist.pk], date_from, date_to)[specialist.pk]]
    return schedules.plan_to_utc(dict(plan), company.tz, absences)


# ---------------------------------------------------------------- schedules: writes
def _check_range(date_from, date_to):
    if date_to < date_from:
        raise ValidationError(_("The end date is before the start date."))
    if (date_to - date_from).days >= MAX_RANGE_DAYS:
        raise ValidationError(_("Choose at most a year at a time."))


def _check_other_branches(company, changes: dict[int, dict[datetime.date, list]]):
    """One person cannot work in two branches at the same time."""
    dates = {day for plan in changes.values() for day in plan}
    if not dates:
        return
    others = WorkInterval.objects.filter(specialist_id__in=list(changes), date__in=dates).exclude(company=company)
    for specialist_id, day, start, end, name in others.values_list(
        "specialist_id", "date", "start", "end", "company__name"
    ):
        for a, b in changes[specialist_id].get(day, []):
            if a < end and start < b:
                raise ValidationError(
                    _("On %(date)s this specialist already works %(interval)s in the branch %(branch)s."),
                    params={
                        "date": day.strftime("%d.%m.%Y"),
                        "interval": f"{schedules.format_time(start)}–{schedules.format_time(end)}",
                        "branch": name,
                    },
                )


@transaction.atomic
def set_days(company: Company, changes: dict[int, dict[datetime.date, list]]) -> int:
    """Replace the given specialists' intervals on the given dates in this branch:
    {specialist_id: {date: [(start, end), …]}} (an empty list clears the day). Each day is
    validated (no overlaps, no inverted or overnight intervals, 5-minute grid); returns the number
    of intervals written. One event-log line per specialist instead of one per interval."""
    allowed = set(Specialist.objects.filter(pk__in=list(changes), companies=company).values_list("pk", flat=True))
    if set(changes) - allowed:
        raise ValidationError(_("This specialist does not work in this branch."))
    cleaned = {sid: {day: schedules.validate_day(plan) for day, plan in days.items()} for sid, days in changes.items()}
    _check_other_branches(company, cleaned)
    rows = []
    # One DELETE per group of dates changed for the same specialists: one for a block edited in
    # the grid, at most one per date for an imported sheet, however many specialists it holds.
    # A plain DELETE: the event log gets one summary line per specialist below instead.
    by_date: dict[datetime.date, set[int]] = defaultdict(set)
    for specialist_id, days in cleaned.items():
        for day in days:
            by_date[day].add(specialist_id)
    by_specialists: dict[frozenset, list[datetime.date]] = defaultdict(list)
    for day, specialist_ids in by_date.items():
        by_specialists[frozenset(specialist_ids)].append(day)
    for specialist_ids, dates in by_specialists.items():
        WorkInterval.objects.filter(
            company=company, specialist_id__in=list(specialist_ids), date__in=dates
        )._raw_delete(WorkInterval.objects.db)
    for specialist_id, days in cleaned.items():
        for day, plan in days.items():
            rows.extend(
                WorkInterval(
                    chain_id=company.chain_id,
                    company=company,
                    specialist_id=specialist_id,
                    date=day,
                    start=start,
                    end=end,
                )
                for start, end in plan
            )
    WorkInterval.objects.bulk_create(rows, batch_size=500)
    signals.announce(company, cleaned, by_date)
    entries = []
    for specialist in Specialist.objects.filter(pk__in=[sid for sid, days in cleaned.items() if days]):
        dates = sorted(cleaned[specialist.pk])
        changes = {"branch": company.name, "dates": [dates[0].isoformat(), dates[-1].isoformat()], "days": len(dates)}
        entries.append((specialist, EventAction.OTHER, "staff.schedule_changed", changes))
    log_actions(entries)
    return len(rows)


def set_day(specialist: Specialist, company: Company, day: datetime.date, plan) -> int:
    return set_days(company, {specialist.pk: {day: list(plan)}})


def template_plans(template: ScheduleTemplate) -> list[list]:
    return schedules.validate_template(template.kind, template.days)


def apply_template(
    template: ScheduleTemplate,
    specialists: Iterable[Specialist],
    company: Company,
    date_from: datetime.date,
    date_to: datetime.date,
    anchor: datetime.date | None = None,
) -> int:
    """Replace the specialists' intervals in [date_from, date_to] in this branch with the
    template's days; a cycle starts on `anchor` (default: date_from)."""
    _check_range(date_from, date_to)
    plans = template_plans(template)
    expanded = schedules.expand_template(template.kind, plans, anchor or date_from, date_from, date_to)
    return set_days(company, {s.pk: dict(expanded) for s in specialists})


def copy_period(
    company: Company,
    specialist_ids,
    source_from: datetime.date,
    source_to: datetime.date,
    target_from: datetime.date,
    target_to: datetime.date,
) -> int:
    """Copy the intervals of [source_from, source_to] onto [target_from, target_to] (day i of the
    target takes day i of the source, repeating), replacing what the target had."""
    _check_range(source_from, source_to)
    _check_range(target_from, target_to)
    source_days = schedules.date_range(source_from, source_to)
    mapping = schedules.copy_targets(source_days, schedules.date_range(target_from, target_to))
    plans = day_plans(company, specialist_ids, source_from, source_to)
    changes = {
        sid: {target: list(plans.get(sid, {}).get(source, [])) for target, source in mapping.items()}
        for sid in specialist_ids
    }
    return set_days(company, changes)


@transaction.atomic
def add_absence(specialist: Specialist, kind: str, date_from, date_to, comment: str = "") -> Absence:
    """Mark days the specialist does not work (vacation, sick leave); the schedule stays stored
    but is hidden in that range."""
    _check_range(date_from, date_to)
    absence = Absence(
        chain_id=specialist.chain_id,
        specialist=specialist,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
        comment=comment,
    )
    absence.full_clean(exclude=["chain", "specialist"])
    absence.save()
    return absence


@transaction.atomic
def save_template(template: ScheduleTemplate, chain) -> ScheduleTemplate:
    plans = schedules.validate_template(template.kind, template.days)
    template.days = [schedules.day_to_json(plan) for plan in plans]
    template.chain = chain
    template.save()
    return template


PRESET_CYCLES = [(2, 2), (3, 3), (5, 2)]


def ensure_preset_templates(chain) -> None:
    """Every network starts with the usual shift cycles and a Monday-to-Friday week."""
    if ScheduleTemplate.objects.filter(chain=chain).exists():
        return
    day = [(datetime.time(10), datetime.time(19))]
    for work, off in PRESET_CYCLES:
        ScheduleTemplate.objects.create(
            chain=chain,
            name=f"{work}/{off} 10:00–19:00",
            kind="cycle",
            days=schedules.cycle_days(work, off, day),
        )
    weekdays = [schedules.day_to_json(day)] * 5 + [[], []]
    ScheduleTemplate.objects.create(chain=chain, name=_("Mon–Fri 10:00–19:00"), kind="weekly", days=weekdays)


def _runs(days: Iterable[datetime.date]) -> list[tuple[datetime.date, datetime.date]]:
    """Consecutive dates as inclusive ranges."""
    runs: list[list[datetime.date]] = []
    for day in sorted(set(days)):
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(a, b) for a, b in runs]


@transaction.atomic
def mark_absent(specialist: Specialist, kind: str, days: Iterable[datetime.date]) -> list[Absence]:
    """Vacation, sick leave or a day off on the given days (one absence per run of days)."""
    clear_absence_days(specialist, days)
    return [add_absence(specialist, kind, a, b) for a, b in _runs(days)]


@transaction.atomic
def clear_absence_days(specialist: Specialist, days: Iterable[datetime.date]) -> None:
    """Take the given days out of the specialist's absences, splitting an absence if needed."""
    days = set(days)
    if not days:
        return
    for absence in Absence.objects.filter(specialist=specialist, date_from__lte=max(days), date_to__gte=min(days)):
        span = schedules.date_range(absence.date_from, absence.date_to)
        kept = [day for day in span if day not in days]
        if len(kept) == len(span):
            continue
        runs = _runs(kept)
        if not runs:
            absence.delete()
            continue
        absence.date_from, absence.date_to = runs[0]
        absence.save()
        for a, b in runs[1:]:
            add_absence(specialist, absence.kind, a, b, absence.comment)
