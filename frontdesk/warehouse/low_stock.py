"""Low stock: the goods whose remains in a warehouse are below the minimum set for it
(`MinimumStock`), with what is left and what to order; and the daily letter that tells a
branch's administrators about them.

The letter (`send_low_stock_alerts`, an hourly job — core/periodic.py) goes to a branch:
- only when something there is below its minimum;
- at most once a day per branch: the branch's local date is claimed by inserting a
  `LowStockAlert` row (unique per branch and date) in the transaction that writes the letters
  to the outbox, so a second run, or two runs at once, write nothing more;
- only with the branch's «send email» switch on, and never in its quiet hours: the job waits
  for the first run after they end (the outbox sends a letter to the staff at once, so the job
  itself keeps the quiet hours);
- to the branch's active administrators who may view the warehouse and have an email, in the
  branch's message language, with a link to the low-stock page.
The outbox delivers the letters as every other message (retries, failures, the worker).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db import IntegrityError, transaction
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from frontdesk.accounts.models import Membership
from frontdesk.accounts.permissions import Role, Section
from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.core.siteurl import absolute_url
from frontdesk.notifications.outbox import settings_for
from frontdesk.notifications.services import queue_staff_emails
from frontdesk.warehouse.models import QUANTITY, LowStockAlert, MinimumStock, StockRemain
from frontdesk.warehouse.services import ZERO, shown

logger = logging.getLogger("frontdesk.warehouse")
# Goods named in the letter's text; the page lists them all.
LETTER_ROWS = 30


def low_rows(companies=None, warehouse=None):
    """Minimums not met, sorted by warehouse and item name, each with `left` (the remains, 0
    when the warehouse never held the item): one query. Archived goods and warehouses are left
    out. `companies` None means every branch of every network (the job runs unscoped)."""
    left = StockRemain.unscoped.filter(warehouse_id=OuterRef("warehouse_id"), goods_id=OuterRef("goods_id")).values(
        "quantity"
    )[:1]
    manager = MinimumStock.unscoped if companies is None else MinimumStock.objects
    rows = (
        manager.filter(warehouse__is_archived=False, goods__is_archived=False)
        .annotate(left=Coalesce(Subquery(left), Value(ZERO), output_field=DecimalField(**QUANTITY)))
        .filter(left__lt=F("quantity"))
        .select_related("warehouse", "goods")
        .order_by("warehouse__company_id", "warehouse__title", "warehouse_id", "goods__title", "goods_id")
    )
    if companies is not None:
        rows = rows.filter(warehouse__company__in=companies)
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    return rows


@dataclass(frozen=True)
class ToOrder:
    """What to order to reach the minimum: `quantity` write-off units, `sale_units` whole sale
    units (a 1,000 ml bottle: 400 ml short is one bottle to order)."""

    quantity: Decimal
    sale_units: Decimal


def to_order(row) -> ToOrder:
    short = row.quantity - row.left
    units = (short / row.goods.units_per_sale).to_integral_value(rounding=ROUND_CEILING)
    return ToOrder(short, units)


def _administrators(company) -> list[str]:
    members = (
        Membership.unscoped.filter(chain_id=company.chain_id, role=Role.ADMINISTRATOR, is_active=True)
        .filter(Q(all_companies=True) | Q(companies=company))
        .select_related("user")
        .distinct()
        .order_by("pk")
    )
    seen, out = set(), []
    for member in members:
        email = member.user.email
        if email and member.can(Section.WAREHOUSE) and email.lower() not in seen:
            seen.add(email.lower())
            out.append(email)
    return out


def compose(company, rows, day: datetime.date) -> tuple[str, str]:
    """(subject, text) of the letter, in the active language."""
    subject = ngettext(
        "%(branch)s: %(count)s item below the minimum stock",
        "%(branch)s: %(count)s items below the minimum stock",
        len(rows),
    ) % {"branch": company.name, "count": len(rows)}
    lines = [subject, date_format(day, "j E Y"), ""]
    for row in rows[:LETTER_ROWS]:
        order = to_order(row)
        unit = row.goods.get_writeoff_unit_display()
        lines.append(
            _("%(goods)s (%(warehouse)s): %(left)s %(unit)s left, minimum %(minimum)s; order %(order)s %(sale_unit)s")
            % {
                "goods": row.goods.title,
                "warehouse": row.warehouse.title,
                "left": shown(row.left),
                "unit": unit,
                "minimum": shown(row.quantity),
                "order": shown(order.sale_units),
                "sale_unit": row.goods.get_sale_unit_display(),
            }
        )
    if len(rows) > LETTER_ROWS:
        lines.append(_("… and %(count)s more") % {"count": len(rows) - LETTER_ROWS})
    url = absolute_url(reverse("warehouse:low_stock", kwargs={"company_id": company.pk}))
    lines += ["", _("The whole list: %(url)s") % {"url": url}]
    return subject, "\n".join(lines) + "\n"


def alert_branch(company, rows, now: datetime.datetime) -> int:
    """Write the day's letter of one branch to the outbox, unless it is not due (see the
    module's docstring); returns how many letters were written."""
    config = settings_for(company)
    local = now.astimezone(company.tz)
    if not config.email_enabled or config.in_quiet_hours(local.time()):
        return 0
    day = local.date()
    if LowStockAlert.objects.filter(company=company, date=day).exists():
        return 0
    addresses = _administrators(company)
    if not addresses:
        return 0
    with translation.override(config.language):
        subject, body = compose(company, rows, day)
    with transaction.atomic():
        try:
            with transaction.atomic():
                LowStockAlert.objects.create(
                    chain_id=company.chain_id, company=company, date=day, goods_count=len(rows)
                )
        except IntegrityError:
            return 0  # another run told this branch today
        return queue_staff_emails(
            company=company,
            recipients=addresses,
            subject=subject,
            body=body,
            reason=f"low-stock:{company.pk}:{day:%Y%m%d}",
            language=config.language,
        )


def send_low_stock_alerts(now: datetime.datetime | None = None) -> int:
    """The hourly job: every branch with goods below their minimum gets its day's letter (once).
    One query finds the rows of every branch; a branch that fails is logged and skipped."""
    now = now or timezone.now()
    with scopes_disabled():
        rows = list(low_rows().select_related("warehouse__company__chain"))
    by_company: dict[int, list] = {}
    for row in rows:
        by_company.setdefault(row.warehouse.company_id, []).append(row)
    written = 0
    for company_rows in by_company.values():
        company = company_rows[0].warehouse.company
        try:
            with scope(company.chain_id):
                written += alert_branch(company, company_rows, now)
        except Exception:  # one branch's trouble must not keep the others' letters back
            logger.exception("The low-stock alert of branch %s could not be written", company.pk)
    return written
