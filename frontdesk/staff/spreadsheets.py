"""Excel export and import of staff (with positions) and of work schedules.

Import is always two steps: `read_*` parses the workbook and returns a preview that lists every
bad row or cell with the reason and what would change; `apply_*` writes only a preview without
errors, in one transaction. Re-importing an exported file changes nothing: rows equal to what is
stored are left alone. Headers may be Russian or English.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from functools import partial

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from frontdesk.catalog.models import Position
from frontdesk.core import audit
from frontdesk.core import spreadsheets as sheets
from frontdesk.core.models import EventAction
from frontdesk.core.spreadsheets.background import register_importer
from frontdesk.staff import schedules, services
from frontdesk.staff.models import Specialist, SpecialistService
from frontdesk.tenancy.models import Company

# column key -> (English header, Russian header)
STAFF_COLUMNS = {
    "id": ("ID", "ID"),
    "name": ("Name", "Имя"),
    "position": ("Position", "Должность"),
    "specialization": ("Specialisation", "Специализация"),
    "phone": ("Phone", "Телефон"),
    "email": ("Email", "Email"),
    "branches": ("Branches", "Филиалы"),
    "hidden_online": ("Hidden from online booking", "Скрыт в онлайн-записи"),
    "description": ("About", "О сотруднике"),
}
SCHEDULE_FIXED = {"id": ("ID", "ID"), "name": ("Specialist", "Сотрудник")}
STAFF_HEADERS = sheets.Columns(STAFF_COLUMNS)
SCHEDULE_HEADERS = sheets.Columns(SCHEDULE_FIXED)
# A network's staff list or a schedule (a row per specialist) is far shorter.
MAX_ROWS = 5000


def _language_index(language: str) -> int:
    return 1 if (language or "").startswith("ru") else 0


# ---------------------------------------------------------------- staff
def export_staff(company: Company, language: str) -> bytes:
    """The specialists of the branch (dismissed ones too? no: only working ones) with positions."""
    lang = _language_index(language)
    specialists = (
        Specialist.objects.filter(companies=company, is_dismissed=False)
        .select_related("position")
        .prefetch_related("companies")
        .order_by("sort_order", "name", "id")
    )
    yes, no = ("да", "нет") if lang else ("yes", "no")
    rows = [
        [
            s.pk,
            s.name,
            s.position.title if s.position else "",
            s.specialization,
            s.phone,
            s.email,
            ", ".join(sorted(c.name for c in s.companies.all())),
            yes if s.hidden_online else no,
            s.description,
        ]
        for s in specialists
    ]
    sheet = sheets.Sheet(
        "Сотрудники" if lang else "Staff",
        [headers[lang] for headers in STAFF_COLUMNS.values()],
        rows,
        widths=[8, 28, 24, 24, 16, 28, 36, 12, 40],
    )
    return sheets.write_workbook([sheet])


def read_staff(data: bytes, chain) -> sheets.Preview:
    """The dry run of a staff file; ValidationError for a file that is not a staff list."""
    preview = sheets.Preview()
    lines = STAFF_HEADERS.read(
        sheets.read_sheet(data, max_rows=MAX_ROWS),
        required="name",
        missing=_("The first row must hold the column headers; the column “Name” (“Имя”) is missing."),
    )
    companies = {c.name.strip().lower(): c for c in Company.objects.filter(is_active=True)}
    positions: dict[str, list[Position]] = {}
    for position in Position.objects.all():
        positions.setdefault(position.title.strip().lower(), []).append(position)
    existing = {s.pk: s for s in Specialist.objects.select_related("position").prefetch_related("companies")}
    seen_ids = set()
    for line in lines:
        get = line.text
        report = sheets.RowReport(number=line.number, label=get("name") or "—", errors=list(line.problems))
        preview.rows.append(report)
        data = {}
        raw_id = get("id")
        specialist = None
        if raw_id:
            try:
                specialist = existing.get(int(raw_id))
            except ValueError:
                specialist = None
            if specialist is None:
                report.errors.append(_("No specialist with ID %(id)s in this network.") % {"id": raw_id})
            elif specialist.pk in seen_ids:
                report.errors.append(_("The ID %(id)s appears twice.") % {"id": raw_id})
            else:
                seen_ids.add(specialist.pk)
        data["name"] = get("name")
        if not data["name"]:
            report.errors.append(_("The name is empty."))
        elif len(data["name"]) > 150:
            report.errors.append(_("The name is longer than 150 characters."))
        branch_names = [n.strip() for n in get("branches").replace(";", ",").split(",") if n.strip()]
        branches = []
        for name in branch_names:
            company = companies.get(name.lower())
            if company is None:
                report.errors.append(_("Unknown branch “%(name)s”.") % {"name": name})
            else:
                branches.append(company)
        if not branch_names:
            report.errors.append(_("A specialist works in at least one branch; the column “Branches” is empty."))
        data["companies"] = branches
        position_title = get("position")
        data["position"] = None
        if position_title:
            candidates = positions.get(position_title.lower(), [])
            branch_ids = {c.pk for c in branches}
            preferred = [p for p in candidates if p.company_id in branch_ids] or candidates
            if not preferred:
                report.errors.append(_("Unknown position “%(title)s”.") % {"title": position_title})
            else:
                data["position"] = preferred[0]
        data["specialization"] = get("specialization")[:255]
        data["description"] = get("description")
        data["phone"] = ""
        try:
            data["phone"] = sheets.phone(get("phone"))
        except ValidationError as error:
            report.errors.append(error.messages[0])
        data["email"] = get("email")
        if data["email"]:
            try:
                validate_email(data["email"])
            except ValidationError:
                report.errors.append(_("“%(email)s” is not an email address.") % {"email": data["email"]})
        try:
            data["hidden_online"] = bool(sheets.yes_no(get("hidden_online")))
        except ValueError:
            report.errors.append(_("“%(value)s” is not yes or no.") % {"value": get("hidden_online").lower()})
        report.data = data
        if report.errors:
            report.status = sheets.ERROR
        elif specialist is None:
            report.status = sheets.CREATE
        else:
            data["specialist"] = specialist
            same = (
                specialist.name == data["name"]
                and specialist.position_id == (data["position"].pk if data["position"] else None)
                and specialist.specialization == data["specialization"]
                and specialist.description == data["description"]
                and specialist.phone == data["phone"]
                and specialist.email == data["email"]
                and specialist.hidden_online == data["hidden_online"]
                and {c.pk for c in specialist.companies.all()} == {c.pk for c in branches}
            )
            report.status = sheets.UNCHANGED if same else sheets.UPDATE
    return preview


STAFF_FIELDS = ("name", "specialization", "description", "phone", "email", "hidden_online", "position")


@transaction.atomic
def apply_staff(preview: sheets.Preview, chain) -> int:
    """Write a clean preview with bulk queries (a few dozen for thousands of rows); returns how
    many specialists were created or changed. The preview was read inside this request from
    the network's own branches and positions, so what `save_specialist` checks holds already."""
    if not preview.ok:
        raise ValidationError(_("The file has errors; nothing was imported."))
    created, changed, log = [], [], []
    branches: dict[int, set[int]] = {}
    for report in preview.rows:
        if report.status not in (sheets.CREATE, sheets.UPDATE):
            continue
        data = report.data
        specialist = data.get("specialist") or Specialist(chain=chain)
        before = audit.field_values(specialist, STAFF_FIELDS)
        for name in STAFF_FIELDS:
            setattr(specialist, name, data[name])
        (changed if specialist.pk else created).append(specialist)
        branches[id(specialist)] = {company.pk for company in data["companies"]}
        if specialist.pk:
            after = audit.field_values(specialist, STAFF_FIELDS)
            diff = {name: [before[name], after[name]] for name in STAFF_FIELDS if before[name] != after[name]}
            log.append((specialist, EventAction.CHANGED, "staff.import", diff))
    Specialist.objects.bulk_create(created, batch_size=500)
    if changed:
        Specialist.objects.bulk_update(changed, STAFF_FIELDS, batch_size=500)
    log += [(s, EventAction.CREATED, "staff.import", audit.created_changes(s)) for s in created]

    # Branches: rewrite the links of the specialists whose branches changed.
    through = Specialist.companies.through
    wanted = {s.pk: branches[id(s)] for s in created + changed}
    current: dict[int, set[int]] = defaultdict(set)
    for specialist_id, company_id in through.objects.filter(specialist_id__in=[s.pk for s in changed]).values_list(
        "specialist_id", "company_id"
    ):
        current[specialist_id].add(company_id)
    moved = [pk for pk, ids in wanted.items() if current.get(pk, set()) != ids]
    through.objects.filter(specialist_id__in=moved)._raw_delete(through.objects.db)
    through.objects.bulk_create(
        [through(specialist_id=pk, company_id=company_id) for pk in moved for company_id in sorted(wanted[pk])],
        batch_size=500,
    )
    # Services of branches a specialist left go with them, as in `save_specialist`.
    gone = [
        link
        for link in SpecialistService.objects.filter(specialist_id__in=moved).select_related("service", "specialist")
        if link.service.company_id not in wanted[link.specialist_id]
    ]
    if gone:
        SpecialistService.objects.filter(pk__in=[link.pk for link in gone])._raw_delete(SpecialistService.objects.db)
        log += [(link, EventAction.DELETED, "staff.import", {}) for link in gone]
    audit.log_actions(log)
    if created or changed:
        audit.log_action(chain, code="staff.imported", changes={"created": len(created), "changed": len(changed)})
    return len(created) + len(changed)


# ---------------------------------------------------------------- schedules
def export_schedule(company: Company, date_from: datetime.date, date_to: datetime.date, language: str) -> bytes:
    lang = _language_index(language)
    days = schedules.date_range(date_from, date_to)
    specialists = list(
        Specialist.objects.filter(companies=company, is_dismissed=False).order_by("sort_order", "name", "id")
    )
    plans = services.day_plans(company, [s.pk for s in specialists], date_from, date_to)
    off = "выходной" if lang else "day off"
    rows = []
    for s in specialists:
        plan = plans.get(s.pk, {})
        rows.append([s.pk, s.name, *[schedules.format_day(plan.get(day, [])) or off for day in days]])
    sheet = sheets.Sheet(
        "График" if lang else "Schedule",
        [SCHEDULE_FIXED["id"][lang], SCHEDULE_FIXED["name"][lang], *days],
        rows,
        # The ID column keeps the default width; the name is wide, each day fits "10:00-19:00".
        widths=[None, 28, *[13] * len(days)],
        freeze="C2",
    )
    return sheets.write_workbook([sheet])


def read_schedule(data: bytes, company: Company) -> sheets.Preview:
    """One row per specialist, one column per date; every bad cell is reported as e.g. “D5”.
    ValidationError (every reason) for a file that is not a schedule."""
    preview = sheets.Preview()
    rows = sheets.read_sheet(data, max_rows=MAX_ROWS)
    header = rows[0][1]
    columns = SCHEDULE_HEADERS.match(header)
    if "name" not in columns and "id" not in columns:
        raise ValidationError(_("The first row must hold the headers “ID” and “Specialist” (“Сотрудник”)."))
    date_columns, problems = {}, []
    for index, value in enumerate(header):
        if index in columns.values() or value is None:
            continue
        try:
            day = sheets.cell_date(value)
        except ValueError:
            day = None
        if day is not None:
            date_columns[index] = day
        else:
            problems.append(
                _("The header “%(value)s” in column %(column)s is not a date.")
                % {"value": sheets.text(value), "column": get_column_letter(index + 1)}
            )
    if not date_columns:
        problems.append(_("The first row has no dates."))
    if problems:
        raise ValidationError(problems)
    staff = list(Specialist.objects.filter(companies=company))
    by_id = {s.pk: s for s in staff}
    by_name: dict[str, list] = {}
    for s in staff:
        by_name.setdefault(s.name.strip().lower(), []).append(s)
    days = sorted(date_columns.values())
    current = services.day_plans(company, [s.pk for s in staff], days[0], days[-1])
    seen = set()
    for number, values in rows[1:]:
        cells = SCHEDULE_HEADERS.values(values, columns)
        name, raw_id = sheets.text(cells.get("name")), sheets.text(cells.get("id"))
        report = sheets.RowReport(number=number, label=name or raw_id, errors=list(rows.problems.get(number, ())))
        preview.rows.append(report)
        specialist = None
        if raw_id:
            specialist = by_id.get(int(raw_id)) if raw_id.isdigit() else None
        elif name:
            matches = by_name.get(name.lower(), [])
            if len(matches) > 1:
                report.errors.append(_("Several specialists are called “%(name)s”; add the ID.") % {"name": name})
                continue
            specialist = matches[0] if matches else None
        if specialist is None:
            report.errors.append(_("No specialist “%(name)s” works in this branch.") % {"name": report.label})
            continue
        if specialist.pk in seen:
            report.errors.append(_("%(name)s appears twice.") % {"name": specialist.name})
            continue
        seen.add(specialist.pk)
        changes = {}
        for index, day in date_columns.items():
            cell = f"{get_column_letter(index + 1)}{number}"
            value = values[index] if index < len(values) else None
            try:
                plan = schedules.parse_day(sheets.text(value))
            except ValidationError as error:
                report.errors.append(f"{cell} ({day:%d.%m.%Y}): {error.messages[0]}")
                continue
            if plan != current.get(specialist.pk, {}).get(day, []):
                changes[day] = plan
        report.data = {"specialist": specialist, "changes": changes}
        report.status = sheets.ERROR if report.errors else (sheets.UPDATE if changes else sheets.UNCHANGED)
    return preview


def apply_schedule(preview: sheets.Preview, company: Company) -> int:
    if not preview.ok:
        raise ValidationError(_("The file has errors; nothing was imported."))
    changes = {r.data["specialist"].pk: r.data["changes"] for r in preview.rows if r.status == sheets.UPDATE}
    if not changes:
        return 0
    services.set_days(company, changes)
    return sum(len(days) for days in changes.values())


# Large files are checked and imported by the task worker (core.spreadsheets.background).
register_importer(
    "staff.staff", lambda job: (partial(read_staff, chain=job.chain), partial(apply_staff, chain=job.chain))
)
register_importer(
    "staff.schedule",
    lambda job: (partial(read_schedule, company=job.company), partial(apply_schedule, company=job.company)),
)
