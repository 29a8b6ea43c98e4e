"""Scheduled reports: every hour (core/periodic.py) the subscriptions whose week or month has
ended in their branch's time zone are sent — a short summary in the letter's text and the
figures as an xlsx attachment — through the notifications outbox, which delivers the letters
(retries, failures and all) like every other message.

Once per period, however many jobs run: a period is claimed by moving the subscription's
`sent_for` to the period's first date with a compare-and-set UPDATE in the same transaction that
writes the letters, so a second job (or a second thread) finds nothing to claim; each letter's
idempotency key (subscription, period, address) guards the outbox besides. The figures are
computed before the claim, so no write lock is held while a report runs.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from frontdesk.accounts.models import Membership
from frontdesk.accounts.permissions import Section
from frontdesk.analytics import overview, spreadsheets
from frontdesk.analytics.builder.models import ReportSubscription, last_complete_period
from frontdesk.analytics.builder.running import CannotRun, filters_for, run_saved
from frontdesk.analytics.dashboard import FIGURES
from frontdesk.analytics.overview import Period
from frontdesk.analytics.reports.base import COUNT, MONEY, SHARE, TEXT, Column, Result, Table, percent
from frontdesk.analytics.templatetags.analytics import figure
from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.finance.report_views import member_sees_network
from frontdesk.notifications.outbox import settings_for
from frontdesk.notifications.services import queue_staff_emails

logger = logging.getLogger("frontdesk.analytics")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows of a saved report quoted in the letter's text (the file has them all).
SUMMARY_ROWS = 5


def send_due_reports(now: datetime.datetime | None = None) -> int:
    """Send every subscription whose last whole week or month (in its branch's zone) has not
    been sent yet; returns how many letters were written to the outbox."""
    now = now or timezone.now()
    with scopes_disabled():
        subscriptions = list(ReportSubscription.unscoped.select_related("company__chain", "report", "author"))
    written = 0
    for subscription in subscriptions:
        first, last = last_complete_period(subscription.frequency, now.astimezone(subscription.company.tz).date())
        if subscription.sent_for is not None and subscription.sent_for >= first:
            continue
        try:
            with scope(subscription.chain_id):
                written += send_subscription(subscription, Period(first, last), now)
        except Exception:  # one broken subscription must not stop the others
            logger.exception("The report subscription %s could not be sent", subscription.pk)
    return written


def send_subscription(subscription: ReportSubscription, period: Period, now: datetime.datetime) -> int:
    company = subscription.company
    language = settings_for(company).language
    with translation.override(language):
        subject, body, workbook = compose(subscription, period, now)
    addresses = recipients(subscription)
    with transaction.atomic():
        claimed = ReportSubscription.unscoped.filter(pk=subscription.pk, sent_for=subscription.sent_for).update(
            sent_for=period.first, last_sent_at=now
        )
        if not claimed:
            return 0  # another job sent this period
        written = queue_staff_emails(
            company=company,
            recipients=addresses,
            subject=subject,
            body=body,
            reason=f"{subscription.pk}:{period.first:%Y%m%d}",
            attachments=[workbook] if workbook else [],
            language=language,
        )
    subscription.sent_for = period.first
    return written


def recipients(subscription: ReportSubscription) -> list[str]:
    """The chosen members who still may view analytics, and the typed addresses, once each."""
    members = Membership.unscoped.filter(pk__in=subscription.members.values("pk"), is_active=True).select_related(
        "user"
    )
    out = [m.user.email for m in members if m.user.email and m.can(Section.ANALYTICS)]
    out += subscription.addresses
    seen, unique = set(), []
    for address in out:
        if address.lower() not in seen:
            seen.add(address.lower())
            unique.append(address)
    return unique


def _sees_network(subscription: ReportSubscription) -> bool:
    membership = Membership.unscoped.filter(chain_id=subscription.chain_id, user_id=subscription.author_id).first()
    return membership is not None and member_sees_network(membership)


def compose(subscription: ReportSubscription, period: Period, now) -> tuple[str, str, tuple | None]:
    """(subject, text, (filename, bytes, content type) or None) of the letter."""
    company = subscription.company
    currency = company.chain.currency_symbol
    dates = f"{date_format(period.first, 'j E Y')} – {date_format(period.last, 'j E Y')}"
    report = subscription.report
    summary = None
    if report is None:
        title = _("Overview")
        result, summary = overview_result(company, period, currency)
    else:
        title = report.name
        try:
            result = run_saved(
                report, filters_for(report, company, sees_network=_sees_network(subscription), now=now, period=period)
            )
        except CannotRun as problem:
            body = f"{title}\n{company.name} · {dates}\n\n{problem}\n"
            return f"{title}: {dates}", body, None
    lines = [title, f"{company.name} · {dates}", ""]
    table = result.tables[0] if result.tables else None
    if summary is not None:
        lines += summary
    elif table is not None:
        lines += _summary(table, currency)
    lines += ["", _("The full figures are in the attached Excel file.")]
    name = f"report-{subscription.pk}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.xlsx"
    return f"{title}: {dates}", "\n".join(lines) + "\n", (name, spreadsheets.workbook(result, title), XLSX)


def _summary(table: Table, currency) -> list[str]:
    """The totals line, then the first rows, as "label: figure, figure"."""
    figures = [c for c in table.columns if c.kind != TEXT]
    labels = [i for i, c in enumerate(table.columns) if c.kind == TEXT]
    lines = []
    if table.totals is not None:
        for column in figures:
            index = table.columns.index(column)
            lines.append(f"{column.label}: {figure(table.totals[index], column.kind, currency)}")
        lines.append("")
    for row in table.rows[:SUMMARY_ROWS]:
        name = " · ".join(str(row[i]) for i in labels)
        values = ", ".join(f"{c.label} {figure(row[table.columns.index(c)], c.kind, currency)}" for c in figures)
        lines.append(f"{name}: {values}" if name else values)
    if len(table.rows) > SUMMARY_ROWS:
        lines.append(_("… and %(count)s more rows") % {"count": len(table.rows) - SUMMARY_ROWS})
    return lines


def overview_result(company, period: Period, currency) -> tuple[Result, list[str]]:
    """The overview's key figures for the period, the one before and a year back, as a table
    (shares as percentages in the file: the same numbers the page shows), and the letter's lines
    ("Revenue: 12 500,00 ₽ (before: 10 000,00 ₽, +25 %)")."""
    comparison = overview.compare([company], period)
    rows, lines = [], []
    for label, read, kind, _report in FIGURES:
        values = [read(comparison.current), read(comparison.previous), read(comparison.year_before)]
        change = overview.change(values[0], values[1])
        rows.append([str(label), *[_plain(v, kind) for v in values], None if change is None else Decimal(change)])
        shown = [figure(v, SHARE if kind == "share" else MONEY if kind == "money" else COUNT, currency) for v in values]
        trend = "" if change is None else f", {'+' if change > 0 else ''}{figure(change, SHARE)}"
        lines.append(
            _("%(figure)s: %(value)s (the period before: %(before)s%(change)s)")
            % {"figure": label, "value": shown[0], "before": shown[1], "change": trend}
        )
    columns = [
        Column("figure", _("Figure")),
        Column("current", _("This period"), COUNT),
        Column("previous", _("Previous period"), COUNT),
        Column("year_before", _("A year ago"), COUNT),
        Column("change", _("Change"), SHARE),
    ]
    return Result(tables=[Table(columns, rows, title=_("Overview"))]), lines


def _plain(value, kind):
    """A figure as the letter reads it: money with two decimals, a share as a percentage."""
    if value is None:
        return None
    if kind == "share":
        return percent(value)
    if kind == "money":
        return Decimal(value).quantize(Decimal("0.01"))
    return value
