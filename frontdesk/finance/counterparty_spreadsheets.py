"""Counterparties in Excel: export the network's list, import it back.

Import is two steps: `read_counterparties` checks every row with the same rules as the form and
returns a preview listing each bad row with the reason; `apply_counterparties` writes only a
preview without errors, in one transaction. A row with an ID updates that counterparty, a row
with the INN of a known one updates it, any other row adds a new one. Re-importing an exported
file changes nothing. Headers may be Russian or English."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from frontdesk.core import spreadsheets as sheets
from frontdesk.core.spreadsheets.background import register_importer
from frontdesk.finance.forms import CounterpartyForm
from frontdesk.finance.models import Counterparty, CounterpartyKind

# column key -> (English header, Russian header)
COLUMNS = {
    "id": ("ID", "ID"),
    "kind": ("Type", "Тип"),
    "name": ("Name", "Название"),
    "inn": ("INN", "ИНН"),
    "kpp": ("KPP", "КПП"),
    "bank_name": ("Bank", "Банк"),
    "bik": ("BIK", "БИК"),
    "bank_account": ("Settlement account", "Расчётный счёт"),
    "correspondent_account": ("Correspondent account", "Корр. счёт"),
    "contact_person": ("Contact person", "Контактное лицо"),
    "phone": ("Phone", "Телефон"),
    "email": ("Email", "Email"),
    "address": ("Address", "Адрес"),
    "comment": ("Comment", "Комментарий"),
}
FIELDS = [key for key in COLUMNS if key not in ("id", "kind")]
KINDS = {
    CounterpartyKind.PERSON: ("person", "physical", "физлицо", "физ. лицо", "физическое лицо", "person"),
    CounterpartyKind.LEGAL: ("legal", "legal entity", "юрлицо", "юр. лицо", "юридическое лицо", "company"),
}
KIND_WORDS = {word: kind for kind, words in KINDS.items() for word in words}
HEADERS = sheets.Columns(COLUMNS)
MAX_ROWS = 5000
WIDTHS = [8, 10, 36, 14, 12, 28, 12, 24, 24, 24, 16, 28, 40, 40]


def export_counterparties(language: str) -> bytes:
    """Every counterparty of the network (archived ones too, marked by nothing: the archive is
    not part of the file and an import leaves it alone)."""
    lang = 1 if (language or "").startswith("ru") else 0
    rows = (
        [c.pk, KINDS[c.kind][2 if lang else 0]] + [getattr(c, key) for key in FIELDS]
        for c in Counterparty.objects.order_by("name", "id")
    )
    headers = [headers[lang] for headers in COLUMNS.values()]
    return sheets.write_workbook([sheets.Sheet("Контрагенты" if lang else "Counterparties", headers, rows, WIDTHS)])


def read_counterparties(data: bytes) -> sheets.Preview:
    """Check the workbook; write nothing. ValidationError for a file that is not a list of
    counterparties or is too long."""
    preview = sheets.Preview()
    lines = HEADERS.read(
        sheets.read_sheet(data, max_rows=MAX_ROWS),
        required="name",
        missing=_("The first row must hold the column headers; the column “Name” (“Название”) is missing."),
    )
    existing = {c.pk: c for c in Counterparty.objects.all()}
    by_inn = {c.inn: c for c in existing.values() if c.inn}
    seen_ids, seen_inns = set(), set()
    for line in lines:
        get = line.text
        report = sheets.RowReport(number=line.number, label=get("name") or "—", errors=list(line.problems))
        preview.rows.append(report)
        current, found = report.find_by_id(get("id"), existing, seen_ids, _("There is no counterparty with ID %(id)s."))
        if not found:
            continue
        kind_text = get("kind").lower()
        if kind_text and kind_text not in KIND_WORDS:
            report.errors.append(
                _("Unknown type “%(value)s”: write “legal” or “person” (“юрлицо” or “физлицо”).")
                % {"value": get("kind")}
            )
        kind = KIND_WORDS.get(kind_text) or (current.kind if current else CounterpartyKind.LEGAL)
        values_in = {"kind": kind, **{key: get(key) if key in line else None for key in FIELDS}}
        if current is None and values_in["inn"]:
            current = by_inn.get(values_in["inn"])
        # Columns missing from the file keep what is stored.
        base = {key: getattr(current, key) if current else "" for key in FIELDS}
        merged = {"kind": kind, **{key: base[key] if values_in[key] is None else values_in[key] for key in FIELDS}}
        stored = {"kind": current.kind, **base} if current else None
        # The form checks the row with the rules of the page (and writes into `current`, which
        # is why `stored` keeps what it held).
        form = CounterpartyForm(data=merged, instance=current)
        if not form.is_valid():
            report.add_form_errors(form)
            continue
        cleaned = {key: form.cleaned_data[key] for key in ["kind", *FIELDS]}
        if cleaned["inn"]:
            if cleaned["inn"] in seen_inns:
                report.errors.append(_("INN %(inn)s is already in a row above.") % {"inn": cleaned["inn"]})
            seen_inns.add(cleaned["inn"])
        report.data = {"pk": current.pk if current else None, "values": cleaned}
        if current is None:
            report.status = sheets.CREATE
        elif any(stored[key] != value for key, value in cleaned.items()):
            report.status = sheets.UPDATE
    return preview


def apply_counterparties(preview: sheets.Preview, chain) -> int:
    """Write a clean preview; returns how many counterparties were added or changed."""
    if not preview.ok:
        raise ValueError("a preview with errors is never applied")
    written = 0
    with transaction.atomic():
        for row in preview.rows:
            if row.status == sheets.CREATE:
                Counterparty.objects.create(chain=chain, **row.data["values"])
            elif row.status == sheets.UPDATE:
                Counterparty.objects.filter(pk=row.data["pk"]).update(**row.data["values"])
            else:
                continue
            written += 1
    return written


# Large files are checked and imported by the task worker (core.spreadsheets.background).
register_importer(
    "finance.counterparties", lambda job: (read_counterparties, partial(apply_counterparties, chain=job.chain))
)
