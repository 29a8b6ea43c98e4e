"""The daily run: expire what has passed its end date and warn the holders of what ends soon.
Safe to run any number of times a day: expiry writes only what is still left, and each warning
carries an idempotency key (and a flag on the row), so nobody is warned twice."""

from __future__ import annotations

import datetime

from django.db.models import Q, Sum
from django.utils import timezone

from frontdesk.core.money import MoneySum, format_money
from frontdesk.core.scopes import scopes_disabled
from frontdesk.prepaid import notify, services
from frontdesk.prepaid.models import Abonement, Certificate

# Warn this many days before the end.
WARN_DAYS = 7


def _today_of(company, now) -> datetime.date:
    return services.local_today(company, now)


def run_expiry(now: datetime.datetime | None = None) -> dict:
    """Expire and warn across every network (system code: scopes are off, each row is handled
    with its own branch's date). Returns counts for the command's output."""
    now = now or timezone.now()
    counts = {"certificates": 0, "abonements": 0, "started": 0, "warned": 0}
    # A day's margin either side of UTC: the exact local date is checked per row.
    horizon = now.date() + datetime.timedelta(days=1)
    with scopes_disabled():
        due = (
            Certificate.objects.select_related("company__chain", "type")
            .filter(expires_on__lt=horizon)
            .annotate(left=MoneySum("operations__amount"))
            .filter(Q(expired_at__isnull=True) | Q(left__gt=0))
        )
        for certificate in due:
            today = _today_of(certificate.company, now)
            if services.expire_certificate(certificate, today=today) is not None:
                counts["certificates"] += 1
        # An abonement counted from the first visit and not used by its latest start starts now
        # (its end was set for that start when it was sold, so the expiry below reaches it too).
        for abonement in Abonement.objects.select_related("company").filter(
            starts_on__isnull=True, start_by__lt=horizon, expired_at__isnull=True
        ):
            today = _today_of(abonement.company, now)
            if services.begin_abonement(abonement, today=today):
                counts["started"] += 1
        due = (
            Abonement.objects.select_related("company", "type")
            .filter(ends_on__lt=horizon)
            .annotate(visits_left=Sum("operations__visits"), money_left=MoneySum("operations__amount"))
            .filter(Q(expired_at__isnull=True) | Q(visits_left__gt=0) | Q(money_left__gt=0))
        )
        for abonement in due:
            today = _today_of(abonement.company, now)
            if services.expire_abonement(abonement, today=today) is not None:
                counts["abonements"] += 1
        counts["warned"] = _warn(now)
    return counts


def _warn(now) -> int:
    warned = 0
    soon = now.date() + datetime.timedelta(days=WARN_DAYS + 1)
    for certificate in Certificate.objects.select_related("company", "client", "type").filter(
        notified_expiring=False, expired_at__isnull=True, client__isnull=False, expires_on__lte=soon
    ):
        today = _today_of(certificate.company, now)
        balance = services.certificate_balance(certificate)
        if balance <= 0 or not today <= certificate.expires_on <= today + datetime.timedelta(days=WARN_DAYS):
            continue
        context = {
            # The template's own words: what expires (`item`), when (`expires`), what is left.
            "item": f"{certificate.type.title} …{certificate.code[-4:]}",
            "expires": certificate.expires_on.strftime("%d.%m.%Y"),
            "balance": format_money(balance, certificate.company.chain.currency_symbol),
            "code_end": certificate.code[-4:],
            "expires_on": certificate.expires_on.isoformat(),
        }
        if notify.notify(
            certificate.company,
            certificate.client,
            "certificate_expiring",
            context,
            f"certificate_expiring:{certificate.pk}",
        ):
            Certificate.objects.filter(pk=certificate.pk).update(notified_expiring=True)
            warned += 1
    for abonement in Abonement.objects.select_related("company", "client", "type").filter(
        notified_expiring=False, expired_at__isnull=True, ends_on__lte=soon
    ):
        today = _today_of(abonement.company, now)
        balance = services.abonement_balance(abonement)
        if services.abonement_left(abonement, balance) <= 0:
            continue
        if not today <= abonement.ends_on <= today + datetime.timedelta(days=WARN_DAYS):
            continue
        context = {
            "item": abonement.type.title,
            "expires": abonement.ends_on.strftime("%d.%m.%Y"),
            "title": abonement.type.title,
            "visits_left": balance.visits,
            "amount_left": str(balance.amount),
            "ends_on": abonement.ends_on.isoformat(),
        }
        if notify.notify(
            abonement.company,
            abonement.client,
            "abonement_expiring",
            context,
            f"abonement_expiring:{abonement.pk}:{abonement.ends_on}",
        ):
            Abonement.objects.filter(pk=abonement.pk).update(notified_expiring=True)
            warned += 1
    return warned
