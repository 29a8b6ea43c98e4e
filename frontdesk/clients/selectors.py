"""Reads of the client base: who may see which cards, the list's filters and totals, RFM.

`visible_clients(request)` is the one place that decides which cards a member may reach; the
list, the card, the search, the exports and the bulk actions all start from it.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import phonenumbers
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils import timezone

from frontdesk.accounts.permissions import Level, Section
from frontdesk.clients.models import Client, ClientStats
from frontdesk.core.phones import format_phone
from frontdesk.scheduling.models import Record, RecordService, RecordStatus

COMPLETED = RecordStatus.COMPLETED
# RFM: recency in days (score 3 if at most the first, 2 if at most the second) and frequency in
# visits (3 from the first, 2 from the second). Money is scored by the network's own tertiles.
RECENCY_DAYS = (60, 180)
FREQUENCY_VISITS = (6, 2)


# ---------------------------------------------------------------- access
def visible_clients(request) -> QuerySet:
    """The cards this member may reach. A member limited to own records sees only the clients who
    have a record with the specialist linked to their login."""
    queryset = Client.objects.all()
    membership = request.membership
    if membership.own_records_only:
        queryset = queryset.filter(Exists(Record.objects.filter(client=OuterRef("pk"), specialist__user=request.user)))
    return queryset


def can_edit(request) -> bool:
    return request.membership.can(Section.CLIENTS, Level.EDIT)


def mask_phone(e164: str) -> str:
    """+79001234567 → "+7 900 ***-**-67": enough to recognise, not enough to call."""
    if not e164:
        return ""
    shown = format_phone(e164)
    try:
        keep_head = len(str(phonenumbers.parse(e164, None).country_code)) + 3
    except phonenumbers.NumberParseException:
        keep_head = 4
    total = sum(ch.isdigit() for ch in shown)
    out, seen = [], 0
    for ch in shown:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= keep_head or seen > total - 2 else "*")
        else:
            out.append(ch)
    return "".join(out)


# ---------------------------------------------------------------- search
def phone_digits(query: str) -> str | None:
    """The digits to look for in phones if the query looks like (part of) a phone number."""
    stripped = re.sub(r"[\s()+\-.]", "", query)
    if len(stripped) < 2 or not stripped.isdigit():
        return None
    return stripped


FTS_TABLE = "clients_client_fts"
TRIGRAM = 3  # a trigram index finds substrings of at least three characters


def _sqlite_fts_ready() -> bool:
    """Whether migration 0005 created the FTS5 trigram table (SQLite ≥ 3.34)."""
    if connection.vendor != "sqlite":
        return False
    cached = getattr(connection, "_frontdesk_client_fts", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE])
            cached = connection._frontdesk_client_fts = cursor.fetchone() is not None
    return cached


def _substring(column: str, text: str) -> Q:
    """`column` contains `text`, through the trigram index where the database has one: on
    PostgreSQL a plain LIKE is served by the pg_trgm GIN index; on SQLite the FTS5 trigram table
    answers MATCH with the matching client ids."""
    if len(text) >= TRIGRAM and _sqlite_fts_ready():
        phrase = '"' + text.replace('"', '""') + '"'
        return Q(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [f"{column} : {phrase}"]))
    return Q(**{f"{column}__contains": text})


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Clients whose name, any part of the phone, or email match."""
    query = (query or "").strip()
    if not query:
        return queryset
    digits = phone_digits(query)
    if digits:
        # Phones are stored in E.164 ("+79001234567"): digits only after the plus sign.
        condition = _substring("phone", digits)
        if digits.startswith("8") and len(digits) >= 4:
            # "8 900 12…" is how Russians write the start of +7 900 12…
            condition |= Q(phone__startswith="+7" + digits[1:])
        return queryset.filter(condition)
    lowered = query.lower()
    condition = _substring("name_search", lowered)
    if "@" in query or "." in query:
        condition |= Q(email__icontains=query)
    return queryset.filter(condition)


# ---------------------------------------------------------------- totals on the list
MONEY = DecimalField(max_digits=14, decimal_places=2)


def with_stats(queryset: QuerySet) -> QuerySet:
    """Visits, spend, first and last visit of every client, read from the cached ClientStats
    (one LEFT JOIN; a client without records has no row and shows zeros)."""
    return queryset.annotate(
        visits_count=Coalesce(F("stats__visits"), 0),
        first_visit=F("stats__first_visit"),
        last_visit=F("stats__last_visit"),
        spend=Coalesce(F("stats__spend"), Value(Decimal("0")), output_field=MONEY),
    )


def lost_condition(now: datetime.datetime) -> Q:
    """Regulars (≥ 3 visits) whose time since the last visit is more than 1.5× their usual
    interval. The usual interval is the mean gap, (last − first) / (visits − 1) (the card shows the
    median); ClientStats keeps the moment a regular becomes lost, so this is an index range."""
    if connection.vendor == "sqlite":
        # SQLite's planner would take the lost_after index, read every lost client and sort them
        # all by name (340 ms for 110,000 at full size); with that index hidden by the unary plus
        # it walks the name index and stops after a page (1 ms). PostgreSQL estimates well.
        hidden = Func(F("stats__lost_after"), template="+%(expressions)s", output_field=DateTimeField())
        return Q(LessThan(hidden, Value(now, output_field=DateTimeField())))
    return Q(stats__lost_after__lt=now)


def money_thresholds(chain_id: int) -> tuple[Decimal, Decimal]:
    """The network's spend tertiles among clients with visits (cached for ten minutes)."""
    key = f"clients:rfm-money:{chain_id}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    spenders = ClientStats.objects.filter(chain_id=chain_id, visits__gt=0).order_by("spend")
    total = spenders.count()
    result = (Decimal("0"), Decimal("0"))
    if total:
        result = tuple(spenders.values_list("spend", flat=True)[index] for index in (total // 3, (2 * total) // 3))
    cache.set(key, result, 600)
    return result


def with_rfm(queryset: QuerySet, chain_id: int, now: datetime.datetime) -> QuerySet:
    low, high = money_thresholds(chain_id)
    recent, older = (now - datetime.timedelta(days=d) for d in RECENCY_DAYS)
    return queryset.annotate(
        r_score=Case(
            When(stats__last_visit__gte=recent, then=Value(3)),
            When(stats__last_visit__gte=older, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        f_score=Case(
            When(stats__visits__gte=FREQUENCY_VISITS[0], then=Value(3)),
            When(stats__visits__gte=FREQUENCY_VISITS[1], then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        m_score=Case(
            When(stats__spend__gt=high, then=Value(3)),
            When(stats__spend__gt=low, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    )


def rfm_grid(queryset: QuerySet, chain_id: int, now: datetime.datetime) -> dict:
    """{(r, f): {"count": n, "by_money": {m: n}}} for clients with at least one visit."""
    rows = (
        with_rfm(queryset.filter(stats__visits__gt=0), chain_id, now)
        .values("r_score", "f_score", "m_score")
        .annotate(n=Count("id"))
        .order_by()
    )
    grid = {(r, f): {"count": 0, "by_money": {1: 0, 2: 0, 3: 0}} for r in (3, 2, 1) for f in (1, 2, 3)}
    for row in rows:
        cell = grid[(row["r_score"], row["f_score"])]
        cell["count"] += row["n"]
        cell["by_money"][row["m_score"]] += row["n"]
    return grid


# ---------------------------------------------------------------- filters
def birthday_condition(start_md: int, end_md: int) -> Q:
    """Birthdays between two month-days, across the year end when the range wraps (20.12–10.01)."""
    if start_md <= end_md:
        return Q(birthday_md__gte=start_md, birthday_md__lte=end_md)
    return Q(birthday_md__gte=start_md) | Q(birthday_md__lte=end_md)


SORTS = {
    "name": ("name", "id"),
    "-last_visit": (F("stats__last_visit").desc(nulls_last=True), "id"),
    "-visits": (F("stats__visits").desc(nulls_last=True), "name", "id"),
    "-spend": (F("stats__spend").desc(nulls_last=True), "name", "id"),
    "-created": ("-created_at", "-id"),
}


def apply_filters(queryset: QuerySet, data: dict, *, chain_id: int, now: datetime.datetime | None = None):
    """The list's filters (the cleaned data of ClientFilterForm), combined with AND."""
    now = now or timezone.now()
    queryset = search(queryset, data.get("q") or "")
    if data.get("gender"):
        queryset = queryset.filter(gender=data["gender"])
    if data.get("category"):
        queryset = queryset.filter(categories=data["category"])
    if data.get("importance"):
        queryset = queryset.filter(importance=data["importance"])
    if data.get("source"):
        queryset = queryset.filter(source=data["source"])
    consent = data.get("consent")
    if consent == "sms":
        queryset = queryset.filter(sms_consent=True)
    elif consent == "email":
        queryset = queryset.filter(email_consent=True)
    elif consent == "none":
        queryset = queryset.filter(sms_consent=False, email_consent=False)
    if data.get("bday_from") and data.get("bday_to"):
        queryset = queryset.filter(birthday_condition(data["bday_from"], data["bday_to"]))
    record_filter = {}
    if data.get("specialist"):
        record_filter["specialist"] = data["specialist"]
    if data.get("branch"):
        record_filter["company"] = data["branch"]
    # "IN (the clients of these records)" rather than EXISTS per client: the database reads the
    # specialist's (branch's, service's) records once through their index instead of probing the
    # records of every client in the network.
    if record_filter:
        queryset = queryset.filter(pk__in=Record.objects.filter(**record_filter).order_by().values("client_id"))
    if data.get("service"):
        queryset = queryset.filter(
            pk__in=RecordService.objects.filter(service=data["service"]).order_by().values("record__client_id")
        )
    tz = timezone.get_current_timezone()

    def day_start(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)

    # The totals are cached columns of ClientStats: every condition below is an index range.
    # Conditions that a client without records (no stats row) never meets: the stats row is
    # required, and naming its chain lets the database read the stats table by its own indexes.
    if any(
        (data.get(k) or 0) > 0 if k in ("visits_min", "spend_min") else data.get(k)
        for k in ("visits_min", "spend_min", "last_from", "last_to", "lost", "r", "f", "m")
    ):
        queryset = queryset.filter(stats__chain_id=chain_id)
    if data.get("visits_min") is not None:
        queryset = queryset.filter(Q(stats__visits__gte=data["visits_min"]) if data["visits_min"] > 0 else Q())
    if data.get("visits_max") is not None:
        queryset = queryset.filter(Q(stats__visits__lte=data["visits_max"]) | Q(stats__isnull=True))
    if data.get("last_from"):
        queryset = queryset.filter(stats__last_visit__gte=day_start(data["last_from"]))
    if data.get("last_to"):
        queryset = queryset.filter(stats__last_visit__lt=day_start(data["last_to"] + datetime.timedelta(days=1)))
    if data.get("spend_min") is not None:
        queryset = queryset.filter(Q(stats__spend__gte=data["spend_min"]) if data["spend_min"] > 0 else Q())
    if data.get("spend_max") is not None:
        queryset = queryset.filter(Q(stats__spend__lte=data["spend_max"]) | Q(stats__isnull=True))
    if data.get("lost"):
        queryset = queryset.filter(lost_condition(now))
    if data.get("r") or data.get("f") or data.get("m"):
        queryset = with_rfm(queryset.filter(stats__visits__gt=0), chain_id, now)
        for key in ("r", "f", "m"):
            if data.get(key):
                queryset = queryset.filter(**{f"{key}_score": int(data[key])})
    return queryset.order_by(*SORTS.get(data.get("sort") or "name", SORTS["name"])), False
