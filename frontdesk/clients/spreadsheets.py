"""Import and export of the client base.

Import is three steps: `read_table` turns an .xlsx or .csv (UTF-8 or CP1251, comma or semicolon,
detected) into headers and rows, and `guess_mapping` recognises the usual headers of other
systems' exports (YCLIENTS, Altegio, Excel lists in Russian or English). `check_rows` is the dry
run: a `Preview` of every bad row with its number and reasons, nothing written. `import_chunk` then writes
the next chunk of rows, each row on its own (a bad row never stops the rest), and records how far
it got, so a large file shows progress and an interrupted import resumes where it stopped.
"""

from __future__ import annotations

import json
import re

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.clients.models import (
    Client,
    ClientCategory,
    ClientImport,
    CustomField,
    DuplicatePolicy,
    Gender,
    ImportStatus,
)
from frontdesk.clients.services import clean_custom_values
from frontdesk.core import spreadsheets as sheets
from frontdesk.core.locking import lock_row
from frontdesk.core.models import ImportJob
from frontdesk.core.money import to_money
from frontdesk.core.phones import format_phone
from frontdesk.core.spreadsheets import background
from frontdesk.core.spreadsheets.background import register_importer

MAX_ROWS = 100_000
CHUNK = 500
SHOWN_BAD_ROWS = 500

# Import targets: key -> label shown in the mapping step.
TARGETS = {
    "": gettext_lazy("— skip the column —"),
    "name": gettext_lazy("Full name"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "phone": gettext_lazy("Phone"),
    "extra_phone": gettext_lazy("Additional phone"),
    "email": gettext_lazy("Email"),
    "birthday": gettext_lazy("Birthday"),
    "gender": gettext_lazy("Gender"),
    "categories": gettext_lazy("Categories"),
    "discount": gettext_lazy("Discount, %"),
    "comment": gettext_lazy("Comment"),
    "visits": gettext_lazy("Visits (before)"),
    "spend": gettext_lazy("Spend (before)"),
    "sms_consent": gettext_lazy("Agrees to SMS"),
    "email_consent": gettext_lazy("Agrees to email"),
}

HEADER_ALIASES = {
    "name": ["фио", "клиент", "имя клиента", "full name", "name", "client", "client name", "customer"],
    "first_name": ["имя", "first name", "firstname", "given name"],
    "last_name": ["фамилия", "last name", "lastname", "surname", "family name"],
    "phone": [
        "телефон",
        "телефон клиента",
        "мобильный",
        "мобильный телефон",
        "номер телефона",
        "phone",
        "mobile",
        "phone number",
        "telephone",
        "tel",
    ],
    "extra_phone": ["доп телефон", "дополнительный телефон", "второй телефон", "additional phone", "phone 2"],
    "email": ["e mail", "email", "эл почта", "электронная почта", "почта", "mail"],
    "birthday": ["дата рождения", "день рождения", "др", "birthday", "birth date", "date of birth", "birthdate", "dob"],
    "gender": ["пол", "gender", "sex"],
    "categories": ["категория", "категории", "категории клиента", "метки", "category", "categories", "labels", "tags"],
    "discount": ["скидка", "скидка %", "персональная скидка", "discount", "discount %", "personal discount"],
    "comment": ["комментарий", "примечание", "заметки", "comment", "comments", "notes", "note"],
    "visits": [
        "визиты",
        "визитов",
        "количество визитов",
        "кол во визитов",
        "число визитов",
        "visits",
        "visit count",
        "number of visits",
    ],
    "spend": [
        "сумма продаж",
        "продажи",
        "оплачено",
        "сумма",
        "потрачено",
        "spend",
        "total spend",
        "sales",
        "total sales",
        "paid",
        "revenue",
    ],
    "sms_consent": ["согласие на смс", "смс рассылка", "sms consent", "sms marketing"],
    "email_consent": ["согласие на email", "email рассылка", "email consent", "email marketing"],
}
HEADERS = sheets.Columns(HEADER_ALIASES)


def guess_mapping(headers: list[str], custom_keys=()) -> dict[str, str]:
    """Column index (as str) -> target, for the headers it recognises; each target once. A
    custom field's key counts as its header, after the usual names and before their prefixes."""
    mapping, used = {}, set()
    custom = {sheets.normalize_header(k): f"custom:{k}" for k in custom_keys}
    for index, header in enumerate(headers):
        normal = sheets.normalize_header(header)
        target = HEADERS.lookup.get(normal) or custom.get(normal) or HEADERS.key_for(header)
        if target and target not in used:
            mapping[str(index)] = target
            used.add(target)
    return mapping


def read_table(name: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """Headers and rows (all cells as text) of an .xlsx or .csv file; ValidationError if unreadable."""
    return sheets.read_table(name, data, max_rows=MAX_ROWS)


def create_import(*, chain, user, name: str, data: bytes, company=None) -> ClientImport:
    """The import of a file, read now; a large one (`background.BACKGROUND_ROWS`, estimated) is
    read by the task worker instead: the import then waits in READING, with an `ImportJob` that
    holds the file and shows how much of it is read (`reading_job`)."""
    if company is not None and background.estimate_rows(name, data) > background.BACKGROUND_ROWS:
        job = ClientImport.objects.create(
            chain=chain, filename=name[:200], status=ImportStatus.READING, created_by=user
        )
        background.start(
            kind="clients.clients", company=company, user=user, name=name, data=data, options={"client_import": job.pk}
        )
        return job
    job = ClientImport(chain=chain, filename=name[:200], created_by=user)
    _fill(job, name, data)
    job.save()
    return job


def _fill(job: ClientImport, name: str, data: bytes) -> None:
    headers, rows = read_table(name, data)
    custom_keys = list(CustomField.objects.filter(chain=job.chain_id).values_list("key", flat=True))
    job.headers, job.rows = headers, list(rows)
    job.unreadable = {str(index): reasons for index, reasons in rows.problems.items()}
    job.mapping = guess_mapping(headers, custom_keys)


def reading_job(job: ClientImport) -> ImportJob | None:
    """The task worker's job reading a large file for this import."""
    return ImportJob.objects.filter(kind="clients.clients", options__client_import=job.pk).order_by("-id").first()


def _job_importer(import_job):
    """Reading a large client file in the task worker: the rows go into the waiting
    ClientImport; nothing is imported (that is the chunked import after the mapping step)."""

    def read(data):
        job = ClientImport.objects.get(pk=import_job.options["client_import"])
        _fill(job, import_job.filename, data)
        job.status = ImportStatus.UPLOADED
        job.save()
        return sheets.Preview()

    return read, lambda preview: 0


register_importer("clients.clients", _job_importer)


# ---------------------------------------------------------------- rows
_GENDERS = {
    "ж": Gender.FEMALE,
    "жен": Gender.FEMALE,
    "женский": Gender.FEMALE,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
    "м": Gender.MALE,
    "муж": Gender.MALE,
    "мужской": Gender.MALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
}


def _row_values(job: ClientImport, row: list[str]) -> dict:
    values: dict = {}
    for index, target in job.mapping.items():
        if not target:
            continue
        position = int(index)
        values[target] = row[position].strip() if position < len(row) else ""
    return values


def parse_row(values: dict, *, chain, definitions) -> dict:
    """The client fields of one row; ValidationError with the reasons if the row is bad."""
    errors, out = [], {}
    name = values.get("name") or " ".join(filter(None, [values.get("first_name"), values.get("last_name")]))
    out["name"] = re.sub(r"\s+", " ", name).strip()[:150]
    try:
        out["phone"] = sheets.phone(values.get("phone"))
    except ValidationError as error:
        errors.extend(error.messages)
    if not out["name"] and not out.get("phone"):
        errors.append(_("Neither a name nor a phone."))
    if not out.get("phone") and not errors:
        errors.append(_("No phone: the phone is how a client is found again."))
    if values.get("extra_phone"):
        try:
            out["extra_phones"] = [sheets.phone(values["extra_phone"])]
        except ValidationError as error:
            errors.extend(error.messages)
    email = values.get("email", "")
    if email:
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            errors.append(_("“%(value)s” is not an email address.") % {"value": email})
        else:
            out["email"] = email.lower()
    if values.get("birthday"):
        try:
            out["birthday"] = sheets.cell_date(values["birthday"])
        except ValueError:
            errors.append(_("“%(value)s” is not a date.") % {"value": values["birthday"]})
    if values.get("gender"):
        gender = _GENDERS.get(values["gender"].strip().lower().rstrip("."))
        if gender is None:
            errors.append(_("Unknown gender “%(value)s”.") % {"value": values["gender"]})
        else:
            out["gender"] = gender
    if values.get("discount"):
        try:
            discount = sheets.number(values["discount"].replace("%", ""))
            if discount is None or not 0 <= discount <= 100:
                raise ValueError(discount)
            out["discount"] = discount
        except ValueError:
            errors.append(
                _("The discount must be a number from 0 to 100, not “%(value)s”.") % {"value": values["discount"]}
            )
    if values.get("comment"):
        out["comment"] = values["comment"]
    if values.get("categories"):
        out["categories"] = [c.strip()[:80] for c in re.split(r"[,;]", values["categories"]) if c.strip()]
    if values.get("visits"):
        try:
            out["imported_visits"] = int(sheets.number(values["visits"]))
            if out["imported_visits"] < 0:
                raise ValueError(values["visits"])
        except ValueError:
            errors.append(_("Visits must be a whole number, not “%(value)s”.") % {"value": values["visits"]})
    if values.get("spend"):
        try:
            out["imported_spend"] = sheets.money(values["spend"])
        except ValueError:
            errors.append(_("“%(value)s” is not an amount.") % {"value": values["spend"]})
    for key in ("sms_consent", "email_consent"):
        if values.get(key):
            try:
                out[key] = bool(sheets.yes_no(values[key]))
            except ValueError:
                out[key] = False  # a word that is not a yes is not a consent
    custom = {k.split(":", 1)[1]: v for k, v in values.items() if k.startswith("custom:") and v}
    if custom:
        try:
            out["custom"] = clean_custom_values(chain, custom, definitions)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return out


def check_rows(job: ClientImport) -> sheets.Preview:
    """The dry run: every bad row with its number in the file and its reasons; writes nothing.

    The preview holds only the bad rows: whether a good row adds a client or updates one is
    decided when it is imported, by the duplicate policy. The page lists the first
    SHOWN_BAD_ROWS of them; the count is of all."""
    preview = sheets.Preview(show_at_most=SHOWN_BAD_ROWS)
    if "phone" not in job.mapping.values():
        preview.rows.append(_bad_row(1, {}, [_("No column is mapped to the phone.")]))
        return preview
    definitions = list(CustomField.objects.filter(chain=job.chain_id))
    seen = {}
    for number, row in enumerate(job.rows, start=2):
        values = _row_values(job, row)
        if str(number - 2) in job.unreadable:
            preview.rows.append(_bad_row(number, values, job.unreadable[str(number - 2)]))
            continue
        try:
            parsed = parse_row(values, chain=job.chain_id, definitions=definitions)
        except ValidationError as error:
            preview.rows.append(_bad_row(number, values, error.messages))
            continue
        phone = parsed.get("phone")
        if phone in seen:
            preview.rows.append(_bad_row(number, values, [_("The same phone as row %(row)s.") % {"row": seen[phone]}]))
        else:
            seen[phone] = number
    return preview


def _bad_row(number: int, values: dict, errors: list[str]) -> sheets.RowReport:
    """A bad row, labelled by the name the file gives it, else by its phone."""
    name = values.get("name") or " ".join(filter(None, [values.get("first_name"), values.get("last_name")]))
    return sheets.RowReport(number, name or values.get("phone") or "—", sheets.ERROR, list(errors))


def import_chunk(job: ClientImport, size: int = CHUNK) -> ClientImport:
    """Import the next `size` rows of the job; bad rows are recorded and skipped."""
    with transaction.atomic():
        job = lock_row(ClientImport.objects, job.pk)
        if job.status == ImportStatus.DONE:
            return job
        job.status = ImportStatus.RUNNING
        definitions = list(CustomField.objects.filter(chain=job.chain_id))
        categories = {c.title.lower(): c for c in ClientCategory.objects.filter(chain=job.chain_id)}
        end = min(job.position + size, len(job.rows))
        for index in range(job.position, end):
            number = index + 2
            if str(index) in job.unreadable:
                job.errors.append([number, " ".join(job.unreadable[str(index)])])
                continue
            try:
                parsed = parse_row(_row_values(job, job.rows[index]), chain=job.chain_id, definitions=definitions)
                with transaction.atomic():
                    outcome = _save_row(job, parsed, categories)
            except ValidationError as error:
                job.errors.append([number, " ".join(error.messages)])
                continue
            except IntegrityError:
                job.errors.append([number, _("The phone is already in the base.")])
                continue
            setattr(job, outcome, getattr(job, outcome) + 1)
        job.position = end
        if job.position >= len(job.rows):
            job.status = ImportStatus.DONE
        job.save()
    return job


def _save_row(job: ClientImport, parsed: dict, categories: dict) -> str:
    category_titles = parsed.pop("categories", [])
    extra = parsed.pop("extra_phones", [])
    client = Client.objects.filter(chain=job.chain_id, phone=parsed["phone"]).first()
    if client is not None and job.on_duplicate == DuplicatePolicy.SKIP:
        return "skipped"
    outcome = "updated" if client is not None else "created"
    if client is None:
        client = Client(chain_id=job.chain_id)
    for key, value in parsed.items():
        if key == "custom":
            client.custom = {**(client.custom or {}), **value}
        elif value not in ("", None) or not getattr(client, key, None):
            setattr(client, key, value)
    for phone in extra:
        if phone != client.phone and phone not in client.extra_phones:
            client.extra_phones = [*client.extra_phones, phone]
    client.save()
    for title in category_titles:
        category = categories.get(title.lower())
        if category is None:
            category = ClientCategory.objects.create(chain_id=job.chain_id, title=title)
            categories[title.lower()] = category
        client.categories.add(category)
    return outcome


# ---------------------------------------------------------------- export
EXPORT_COLUMNS = [
    ("name", gettext_lazy("Full name")),
    ("phone", gettext_lazy("Phone")),
    ("extra_phones", gettext_lazy("Additional phone")),
    ("email", gettext_lazy("Email")),
    ("gender", gettext_lazy("Gender")),
    ("birthday", gettext_lazy("Birthday")),
    ("categories", gettext_lazy("Categories")),
    ("importance", gettext_lazy("Importance")),
    ("discount", gettext_lazy("Discount, %")),
    ("source", gettext_lazy("Source")),
    ("sms_consent", gettext_lazy("Agrees to SMS")),
    ("email_consent", gettext_lazy("Agrees to email")),
    ("comment", gettext_lazy("Comment")),
    ("visits_count", gettext_lazy("Visits")),
    ("spend", gettext_lazy("Total spend")),
    ("last_visit", gettext_lazy("Last visit")),
]


def export_clients(clients, *, tz) -> bytes:
    """An .xlsx of the clients (a queryset annotated by selectors.with_stats, categories
    prefetched), with headers the import recognises, so the file goes back in unchanged."""
    yes, no = str(_("yes")), str(_("no"))
    rows = (
        [
            client.name,
            format_phone(client.phone),
            ", ".join(format_phone(p) for p in client.extra_phones or []),
            client.email,
            client.get_gender_display() if client.gender else "",
            client.birthday.strftime("%d.%m.%Y") if client.birthday else "",
            ", ".join(c.title for c in client.categories.all()),
            client.get_importance_display() if client.importance else "",
            float(client.discount),
            client.get_source_display() if client.source else "",
            yes if client.sms_consent else no,
            yes if client.email_consent else no,
            client.comment,
            client.visits_count,
            to_money(client.spend or 0),
            client.last_visit.astimezone(tz).strftime("%d.%m.%Y") if client.last_visit else "",
        ]
        for client in (clients.iterator(chunk_size=2000) if not clients._prefetch_related_lookups else clients)
    )
    headers = [label for _key, label in EXPORT_COLUMNS]
    return sheets.write_workbook([sheets.Sheet(_("Clients"), headers, rows)])


def personal_data(client: Client, card) -> bytes:
    """Everything the network holds about one person, as one JSON file (a data-subject request)."""
    data = {
        "client": {
            "name": client.name,
            "phone": client.phone,
            "additional_phones": client.extra_phones,
            "email": client.email,
            "gender": client.gender,
            "birthday": client.birthday,
            "categories": [c.title for c in client.categories.all()],
            "importance": client.importance,
            "discount_percent": client.discount,
            "source": client.source,
            "source_details": client.source_note,
            "recommended_by": str(client.referrer) if client.referrer_id else None,
            "sms_consent": client.sms_consent,
            "email_consent": client.email_consent,
            "comment": client.comment,
            "custom_fields": client.custom,
            "created_at": client.created_at,
        },
        "records": [
            {
                "start": r.start,
                "branch": r.branch,
                "specialist": r.specialist,
                "status": r.status,
                "services": [{"service": title, "price": price} for title, price in r.lines],
                "comment": r.comment,
            }
            for r in card.records
        ],
        "comments": [{"at": n.created_at, "text": n.text} for n in client.notes.all()],
        "files": [{"title": f.title, "kind": f.kind, "uploaded_at": f.created_at} for f in client.files.all()],
    }
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
