"""Excel export and import of a branch's services with their categories.

The import is two steps. `read_workbook` + `plan_import` read the file and compare it with the
branch: every row is new, changed, unchanged or bad (with its row number and the reasons). Nothing
is written until the user confirms; `apply_import` then plans again against the database as it is
now (it may have changed since the preview) and writes everything in one transaction with bulk
queries, or nothing at all if a row has become bad. Rows are matched by (category, title), so that
importing a file just exported changes nothing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.catalog.models import MAX_DURATION_MINUTES, Service, ServiceCategory
from frontdesk.catalog.services import MIN_DURATION_MINUTES
from frontdesk.core import audit
from frontdesk.core import spreadsheets as sheets
from frontdesk.core.audit import log_action
from frontdesk.core.context import current_actor
from frontdesk.core.locking import lock_first
from frontdesk.core.models import Event, EventAction
from frontdesk.core.spreadsheets.background import register_importer

MAX_ROWS = 20_000
MAX_CATEGORY_LENGTH = ServiceCategory._meta.get_field("title").max_length
MAX_TITLE_LENGTH = Service._meta.get_field("title").max_length

# Column key -> the header written on export (translated) and every header read on import.
COLUMNS = {
    "category": gettext_lazy("Category"),
    "title": gettext_lazy("Service"),
    "duration": gettext_lazy("Duration (min)"),
    "price_min": gettext_lazy("Price from"),
    "price_max": gettext_lazy("Price to"),
    "online_booking": gettext_lazy("Online booking"),
    "is_group": gettext_lazy("Group"),
    "capacity": gettext_lazy("Capacity"),
    "description": gettext_lazy("Description"),
}
HEADER_ALIASES = {
    "category": ["category", "service category", "категория", "категория услуг", "категория услуги", "группа"],
    "title": ["service", "title", "name", "service title", "услуга", "название", "название услуги", "наименование"],
    "duration": ["duration", "duration min", "длительность", "продолжительность", "время"],
    "price_min": ["price from", "price", "min price", "цена от", "цена", "стоимость", "стоимость от", "цена мин"],
    "price_max": ["price to", "max price", "цена до", "стоимость до", "цена макс"],
    "online_booking": ["online booking", "online", "онлайн запись", "онлайн", "запись онлайн"],
    "is_group": ["group", "group service", "групповая", "групповая услуга", "группа клиентов"],
    "capacity": ["capacity", "places", "seats", "вместимость", "места", "мест", "количество мест", "кол во мест"],
    "description": ["description", "описание", "комментарий"],
}
HEADERS = sheets.Columns(HEADER_ALIASES)
REQUIRED = ("category", "title", "duration")
FIELDS = ("duration", "price_min", "price_max", "online_booking", "is_group", "capacity", "description")
EXPORT_WIDTHS = [24, 40, 14, 12, 12, 14, 10, 10, 50]


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


# --- Export --------------------------------------------------------------------------------


def export_services(company) -> bytes:
    """An xlsx of the branch's active services, category by category, in the catalogue's order."""
    services = (
        Service.objects.filter(company=company, is_archived=False, category__is_archived=False)
        .select_related("category")
        .order_by("category__sort_order", "category__title", "category_id", "sort_order", "title", "id")
    )
    rows = (
        [
            service.category.title,
            service.title,
            service.duration,
            service.price_min,
            service.price_max,
            _yes_no(service.online_booking),
            _yes_no(service.is_group),
            service.capacity,
            service.description or None,
        ]
        for service in services
    )
    sheet = sheets.Sheet(_("Services"), list(COLUMNS.values()), rows, widths=EXPORT_WIDTHS, freeze="A2")
    return sheets.write_workbook([sheet])


# --- Reading -------------------------------------------------------------------------------


@dataclass
class Row(sheets.RowReport):
    """One line of the file, its values cleaned (JSON-friendly) in `data`, or the reasons it is
    bad; its status is create, update, unchanged or error."""

    category: str = ""
    title: str = ""
    new_category: bool = False
    changed: list[str] = field(default_factory=list)

    @property
    def values(self) -> dict:
        return self.data

    def to_json(self) -> list:
        return [self.number, self.category, self.title, self.data]

    @classmethod
    def from_json(cls, data) -> Row:
        number, category, title, values = data
        return cls(number=number, category=category, title=title, data=dict(values))


def _parse_minutes(value, label, errors):
    if sheets.is_blank(value):
        return None
    if isinstance(value, datetime.time):
        return value.hour * 60 + value.minute
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds() // 60)
    if isinstance(value, bool):
        errors.append(_("%(column)s is not a number of minutes.") % {"column": label})
        return None
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
        if match:
            return int(match[1]) * 60 + int(match[2])
        value = re.sub(r"\s*(мин\.?|min\.?|minutes|минут[аы]?)$", "", value.strip().casefold())
    try:
        number = sheets.number(value)
    except ValueError:
        errors.append(_("%(column)s is not a number: “%(value)s”.") % {"column": label, "value": value})
        return None
    if number != number.to_integral_value():
        errors.append(_("%(column)s must be a whole number of minutes.") % {"column": label})
        return None
    return int(number)


def _parse_count(value, label, errors):
    try:
        number = sheets.number(value)
    except ValueError:
        number = Decimal(0)
    if number is None:
        return None
    if number != number.to_integral_value() or number < 1:
        errors.append(
            _("%(column)s must be a whole number from 1, not “%(value)s”.") % {"column": label, "value": value}
        )
        return None
    return int(number)


def _parse_money(value, label, errors):
    try:
        amount = sheets.money(value)
    except ValueError:
        if isinstance(value, bool):
            errors.append(_("%(column)s is not an amount.") % {"column": label})
        else:
            errors.append(_("%(column)s is not an amount: “%(value)s”.") % {"column": label, "value": value})
        return None
    if amount is not None and amount < 0:
        errors.append(_("%(column)s cannot be negative.") % {"column": label})
        return None
    return amount


def _parse_bool(value, label, errors):
    try:
        return sheets.yes_no(value)
    except ValueError:
        errors.append(_("%(column)s must be “yes” or “no”, not “%(value)s”.") % {"column": label, "value": value})
        return None


def _clean_row(number: int, cells: dict, columns: set[str]) -> Row:
    row = Row(number=number)
    errors = row.errors
    row.category = sheets.text(cells.get("category"))[:MAX_CATEGORY_LENGTH]
    row.title = sheets.text(cells.get("title"))
    if not row.title:
        errors.append(_("The service title is empty."))
    elif len(row.title) > MAX_TITLE_LENGTH:
        errors.append(_("The service title is longer than %(max)d characters.") % {"max": MAX_TITLE_LENGTH})
    values = row.data
    label = COLUMNS["duration"]
    known = len(errors)
    duration = _parse_minutes(cells.get("duration"), label, errors)
    if duration is None and len(errors) == known:
        errors.append(_("%(column)s is empty.") % {"column": label})
    elif duration is not None and not MIN_DURATION_MINUTES <= duration <= MAX_DURATION_MINUTES:
        errors.append(
            _("%(column)s must be from %(min)d to %(max)d minutes, not %(value)d.")
            % {"column": label, "min": MIN_DURATION_MINUTES, "max": MAX_DURATION_MINUTES, "value": duration}
        )
    else:
        values["duration"] = duration
    if "price_min" in columns or "price_max" in columns:
        price_min = _parse_money(cells.get("price_min"), COLUMNS["price_min"], errors)
        price_max = _parse_money(cells.get("price_max"), COLUMNS["price_max"], errors)
        if price_min is None:
            price_min = Decimal("0.00") if price_max is None else price_max
        if price_max is None:
            price_max = price_min
        if price_min > price_max:
            errors.append(
                _("The price from (%(min)s) is greater than the price to (%(max)s).")
                % {"min": price_min, "max": price_max}
            )
        values["price_min"], values["price_max"] = str(price_min), str(price_max)
    for key, default in (("online_booking", True), ("is_group", False)):
        if key in columns:
            parsed = _parse_bool(cells.get(key), COLUMNS[key], errors)
            values[key] = default if parsed is None else parsed
    if "capacity" in columns:
        capacity = _parse_count(cells.get("capacity"), COLUMNS["capacity"], errors)
        values["capacity"] = capacity or 1
    if "is_group" in columns and not values.get("is_group"):
        values["capacity"] = 1
    if "description" in columns:
        description = cells.get("description")
        values["description"] = "" if description is None else sheets.multiline(description)
    return row


def read_workbook(data) -> list[Row]:
    """Read the first sheet of an xlsx (bytes or a file); the header may be any of the first ten
    rows. Raises ValidationError for a file that is not a spreadsheet, has no recognisable header
    or is too long; bad rows come back as rows."""
    lines = sheets.read_sheet(data, max_rows=MAX_ROWS)
    found = HEADERS.find_header(lines, required="title", within=10)
    if found is None:
        raise ValidationError(
            _("No header row found. The first row must name the columns: %(columns)s.")
            % {"columns": ", ".join(str(label) for label in COLUMNS.values())}
        )
    position, header = found
    missing = [str(COLUMNS[key]) for key in REQUIRED if key not in header]
    if missing:
        raise ValidationError(_("The file has no column %(columns)s.") % {"columns": ", ".join(missing)})
    rows = [_clean_row(number, HEADERS.values(cells, header), set(header)) for number, cells in lines[position + 1 :]]
    for row in rows:
        row.errors += lines.problems.get(row.number, [])
    return rows


# --- Planning ------------------------------------------------------------------------------


@dataclass
class Plan(sheets.Preview):
    create_missing: bool = False
    new_categories: list[str] = field(default_factory=list)
    existing_categories: dict = field(default_factory=dict)  # casefolded title -> ServiceCategory
    existing_services: dict = field(default_factory=dict)  # (category id, casefolded title) -> Service

    @property
    def errors(self) -> list[Row]:
        return self.bad_rows

    def summary(self) -> dict:
        return {**super().summary(), "new_categories": len(self.new_categories)}


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold().replace("ё", "е")


def _stored(service: Service, key: str):
    value = getattr(service, key)
    return str(value) if isinstance(value, Decimal) else value


def plan_import(company, rows: list[Row], *, create_missing: bool) -> Plan:
    """Compare the rows with the branch's catalogue as it is now; marks each row's status."""
    plan = Plan(rows=rows, create_missing=create_missing)
    for category in ServiceCategory.objects.filter(company=company, is_archived=False).order_by("id"):
        plan.existing_categories.setdefault(_fold(category.title), category)
    for service in Service.objects.filter(company=company, is_archived=False, category__is_archived=False).order_by(
        "id"
    ):
        plan.existing_services.setdefault((service.category_id, _fold(service.title)), service)
    uncategorised = _("Uncategorised")
    seen: dict[tuple[str, str], int] = {}
    new_categories: dict[str, str] = {}
    for row in rows:
        if not row.category and create_missing:
            row.category = uncategorised
        row.label = f"{row.category} · {row.title}" if row.category else row.title
        category_key = _fold(row.category)
        if not row.category:
            row.errors.append(_("The category is empty; fill it in or tick “create missing categories”."))
        elif category_key not in plan.existing_categories:
            if create_missing:
                row.new_category = True
                new_categories.setdefault(category_key, row.category)
            else:
                row.errors.append(
                    _("Unknown category “%(category)s”; create it first or tick “create missing categories”.")
                    % {"category": row.category}
                )
        if row.title:
            key = (category_key, _fold(row.title))
            if key in seen:
                row.errors.append(
                    _("The service “%(title)s” is already in row %(row)d of this file.")
                    % {"title": row.title, "row": seen[key]}
                )
            else:
                seen[key] = row.number
        if row.errors:
            row.status = sheets.ERROR
            continue
        category = plan.existing_categories.get(category_key)
        service = plan.existing_services.get((category.pk, _fold(row.title))) if category else None
        if service is None:
            row.status = sheets.CREATE
            continue
        if service.title != row.title:
            row.changed.append("title")
        row.changed += [key for key in FIELDS if key in row.values and row.values[key] != _stored(service, key)]
        row.status = sheets.UPDATE if row.changed else sheets.UNCHANGED
    plan.new_categories = list(new_categories.values())
    return plan


# --- Writing -------------------------------------------------------------------------------


def _apply_values(service: Service, values: dict) -> None:
    for key, value in values.items():
        setattr(service, key, Decimal(value) if key in ("price_min", "price_max") else value)


@transaction.atomic
def apply_import(company, rows: list[Row], *, create_missing: bool) -> Plan:
    """Write a confirmed import. Plans again first (inside the transaction, so the picture cannot
    change underneath); if any row is bad now, raises ValidationError and writes nothing."""
    # Lock the branch's catalogue against a second import running at the same time.
    lock_first(ServiceCategory.objects.filter(company=company))
    plan = plan_import(company, rows, create_missing=create_missing)
    if plan.errors:
        raise ValidationError(
            _("The catalogue has changed since the preview: %(count)d rows are not valid now. Upload the file again.")
            % {"count": len(plan.errors)}
        )
    top = ServiceCategory.objects.filter(company=company).aggregate(top=Max("sort_order"))["top"]
    order = -1 if top is None else top
    for title in plan.new_categories:
        order += 1
        category = ServiceCategory(company=company, chain_id=company.chain_id, title=title, sort_order=order)
        category.save()
        plan.existing_categories[_fold(title)] = category
    next_order = {
        row["category_id"]: row["top"] + 1
        for row in Service.objects.filter(company=company).values("category_id").annotate(top=Max("sort_order"))
    }
    to_create, to_update, update_fields, changes = [], [], set(), {}
    for row in plan.rows:
        category = plan.existing_categories[_fold(row.category)]
        if row.status == sheets.CREATE:
            service = Service(company=company, chain_id=company.chain_id, category=category, title=row.title)
            _apply_values(service, row.values)
            service.sort_order = next_order.get(category.pk, 0)
            next_order[category.pk] = service.sort_order + 1
            if not service.is_group:
                service.capacity = 1
            to_create.append(service)
        elif row.status == sheets.UPDATE:
            service = plan.existing_services[(category.pk, _fold(row.title))]
            before = audit.field_values(service, row.changed)
            service.title = row.title
            _apply_values(service, {key: row.values[key] for key in row.changed if key in row.values})
            update_fields.update(row.changed)
            after = audit.field_values(service, row.changed)
            changes[service.pk] = {key: [before[key], after[key]] for key in row.changed}
            to_update.append(service)
    Service.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Service.objects.bulk_update(to_update, sorted(update_fields), batch_size=500)
    _log_bulk(company, to_create, to_update, changes)
    log_action(company, code="catalog.services_imported", changes=plan.summary())
    return plan


def _log_bulk(company, created, updated, changes) -> None:
    """Bulk queries skip the save signals, so the event log gets its lines here, also in bulk."""
    actor = current_actor()
    common = {
        "chain_id": company.chain_id,
        "company_id": company.pk,
        "user_id": actor.user_id,
        "source": actor.source,
        "ip": actor.ip,
        "object_type": Service._meta.label_lower,
        "code": "catalog.import",
    }
    events = [
        Event(
            **common,
            action=EventAction.CREATED,
            object_id=str(service.pk or ""),
            object_repr=str(service)[:255],
            changes={
                key: [None, value]
                for key, value in audit.field_values(service, ("category_id", "title", *FIELDS, "sort_order")).items()
            },
        )
        for service in created
    ]
    events += [
        Event(
            **common,
            action=EventAction.CHANGED,
            object_id=str(service.pk),
            object_repr=str(service)[:255],
            changes=changes[service.pk],
        )
        for service in updated
    ]
    Event.unscoped.bulk_create(events, batch_size=500)


def _job_importer(job):
    """The catalogue's import as the task worker runs it for a large file."""
    create_missing = bool(job.options.get("create_missing"))

    def read(data):
        return plan_import(job.company, read_workbook(data), create_missing=create_missing)

    def apply(plan):
        return apply_import(job.company, plan.rows, create_missing=create_missing).changes

    return read, apply


register_importer("catalog.services", _job_importer)
