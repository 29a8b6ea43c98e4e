"""A payslip: one employee's pay in a branch for some dates, as a printable A4 PDF — the balance
at the start, the accrual lines grouped by what they pay for (each in words, with the group's
sum), bonuses and fines, adjustments, payouts, and the balance at the end.

The balance at the start is the employee's ledger (`services.ledger`: closed accruals, bonuses
and fines, payouts) before the first date. The balance at the end is that plus what the dates
accrued, their bonuses and fines, less their payouts: for a closed period it is the ledger through
its last day; for open dates it also counts what they have accrued so far (not in the ledger until
the period closes — the payslip says so).

Queries: the calculation's (`calculation.calculate`, a fixed number) plus the ledger (3); the
text is set in DejaVu Sans (the warehouse's price-tag font: Cyrillic letters and the rouble
sign)."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from frontdesk.core.money import format_money
from frontdesk.payroll import services
from frontdesk.payroll.calculation import ZERO, Accrual, calculate
from frontdesk.payroll.errors import PayrollError, shown_date
from frontdesk.payroll.explain import explain
from frontdesk.payroll.models import EntryKind, LineKind
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.price_tags import BOLD, FONT, load_fonts


@dataclass
class Group:
    title: str
    lines: list[Accrual] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


@dataclass
class Payslip:
    """What a payslip shows; `end` = `start` + `accrued` + `entries_total` − `paid`."""

    company: object
    specialist: object
    first: datetime.date
    last: datetime.date
    closed: bool
    start: Decimal
    groups: list[Group]
    entries: list  # services.LedgerRow of bonuses and fines dated in the dates
    payouts: list  # services.LedgerRow of payouts made on the dates (amounts negative)

    @property
    def accrued(self) -> Decimal:
        return sum((group.total for group in self.groups), ZERO)

    @property
    def entries_total(self) -> Decimal:
        return sum((row.amount for row in self.entries), ZERO)

    @property
    def paid(self) -> Decimal:
        return -sum((row.amount for row in self.payouts), ZERO)

    @property
    def end(self) -> Decimal:
        return self.start + self.accrued + self.entries_total - self.paid


def group_titles() -> list[tuple[str, str]]:
    """(line kind, the group's heading) in the order a payslip prints them."""
    return [
        (LineKind.SERVICE, _("Services")),
        (LineKind.GOODS, _("Goods sold")),
        (LineKind.SHIFT, _("Shifts")),
        (LineKind.HOURS, _("Hours")),
        (LineKind.MONTHLY, _("Monthly pay")),
        (LineKind.MINIMUM, _("Top-up to the minimum")),
        (LineKind.ADJUSTMENT, _("Adjustments of closed periods")),
    ]


def build(company, specialist, first: datetime.date, last: datetime.date) -> Payslip:
    """The payslip's figures. Raises PayrollError for dates that cut into a closed period."""
    payroll = calculate(company, first, last, specialist_ids=[specialist.pk])
    groups = []
    for kind, title in group_titles():
        lines = [line for line in payroll.lines if line.kind == kind]
        if lines:
            groups.append(Group(title, lines))
    rows = services.ledger(company, specialist)
    start = sum((row.amount for row in rows if row.date < first), ZERO)
    inside = [row for row in rows if first <= row.date <= last]
    return Payslip(
        company=company,
        specialist=specialist,
        first=first,
        last=last,
        closed=payroll.period is not None,
        start=start,
        groups=groups,
        entries=[row for row in inside if row.kind in (EntryKind.BONUS, EntryKind.FINE)],
        payouts=[row for row in inside if row.kind not in ("period", EntryKind.BONUS, EntryKind.FINE)],
    )


# ---------------------------------------------------------------- the PDF
LEFT, RIGHT, TOP, BOTTOM = 18 * mm, A4[0] - 18 * mm, A4[1] - 18 * mm, 18 * mm
AMOUNT_WIDTH = 34 * mm


class _Page:
    """A canvas that writes rows from the top down and starts a new page when one is full."""

    def __init__(self, canvas: Canvas):
        self.canvas, self.y = canvas, TOP

    def room(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.canvas.showPage()
            self.y = TOP

    def text(self, value: str, size: float = 9, bold: bool = False, gap: float = 1.5 * mm) -> None:
        font = BOLD if bold else FONT
        for piece in simpleSplit(value, font, size, RIGHT - LEFT) or [""]:
            self.room(size * 1.3)
            self.canvas.setFont(font, size)
            self.canvas.drawString(LEFT, self.y - size, piece)
            self.y -= size * 1.3
        self.y -= gap

    def row(self, label: str, amount: str, size: float = 9, bold: bool = False) -> None:
        """A label (wrapped) with an amount at the right edge of its first line."""
        font = BOLD if bold else FONT
        pieces = simpleSplit(label, font, size, RIGHT - LEFT - AMOUNT_WIDTH) or [""]
        self.room(size * 1.3 * len(pieces))
        self.canvas.setFont(font, size)
        top = self.y
        for piece in pieces:
            self.canvas.drawString(LEFT, self.y - size, piece)
            self.y -= size * 1.3
        # Drawn after the label, so a reader of the text (a screen reader, pypdf) meets it after.
        self.canvas.drawRightString(RIGHT, top - size, amount)
        self.y -= 0.8 * mm

    def rule(self) -> None:
        self.room(3 * mm)
        self.canvas.setLineWidth(0.4)
        self.canvas.line(LEFT, self.y - 1 * mm, RIGHT, self.y - 1 * mm)
        self.y -= 3 * mm


def render(slip: Payslip, currency: str) -> bytes:
    """The payslip as an A4 PDF, in the active language."""
    try:
        load_fonts()
    except WarehouseError:
        raise PayrollError("payslip_font") from None

    def money(value):
        return format_money(value, currency)

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(_("Payslip") + f" — {slip.specialist.name}")
    page = _Page(canvas)
    page.text(_("Payslip"), size=16, bold=True, gap=2 * mm)
    page.text(f"{slip.specialist.name} · {slip.company.name}", size=11)
    dates = _("%(start)s – %(end)s") % {"start": shown_date(slip.first), "end": shown_date(slip.last)}
    status = _("closed period") if slip.closed else _("open dates: computed now, not closed yet")
    page.text(f"{dates} ({status})", size=10, gap=4 * mm)
    page.row(_("Balance at the start"), money(slip.start), size=10, bold=True)
    page.rule()
    for group in slip.groups:
        page.text(group.title, size=10, bold=True, gap=0.5 * mm)
        for line in group.lines:
            page.row(explain(line, currency), money(line.amount))
        page.row(_("Total: %(title)s") % {"title": group.title}, money(group.total), bold=True)
    if not slip.groups:
        page.text(_("Nothing accrued on these dates."))
    page.row(_("Accrued"), money(slip.accrued), size=10, bold=True)
    page.rule()
    page.text(_("Bonuses and fines"), size=10, bold=True, gap=0.5 * mm)
    for row in slip.entries:
        page.row(f"{shown_date(row.date)} {row.label}", money(row.amount))
    page.row(_("Bonuses and fines"), money(slip.entries_total), bold=True)
    page.rule()
    page.text(_("Payouts"), size=10, bold=True, gap=0.5 * mm)
    for row in slip.payouts:
        page.row(f"{shown_date(row.date)} {row.label}", money(-row.amount))
    page.row(_("Paid out"), money(slip.paid), bold=True)
    page.rule()
    page.row(_("Balance at the end"), money(slip.end), size=11, bold=True)
    if not slip.closed:
        page.text(_("What open dates accrue enters the balance when the period is closed."), size=8)
    stamp = timezone.localtime(timezone.now(), slip.company.tz)
    page.text(_("Printed %(moment)s") % {"moment": stamp.strftime("%Y-%m-%d %H:%M")}, size=7)
    canvas.save()
    return buffer.getvalue()
