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
    CharField,
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
from django.db.models.functions import Coalesce, Concat
from django.db.models.lookups import In, LessThan
from django.utils import timezone

from frontdesk.accounts.permissions import Level, Section
from frontdesk.clients.forms import ClientFilterForm
from frontdesk.clients.models import Client, ClientStats, ClientWord
from frontdesk.clients.records import record_reader
from frontdesk.core.phones import format_phone
from frontdesk.core.scopes import current_chain_id

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
        queryset = queryset.filter(record_reader().has_record_with(request.user))
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
# A search text that this many cards contain ("0000", "ива") is "broad": see `_substring`.
BROAD_MATCHES = 5000


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


def _fts_broad(match: str) -> bool:
    """Whether at least BROAD_MATCHES cards match (reads at most that many index entries)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s)",
            [match, BROAD_MATCHES],
        )
        return cursor.fetchone()[0] >= BROAD_MATCHES


def _phrase(text: str) -> str:
    """An FTS5 string: the text in double quotes, its own double quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def _substring(column: str, texts: list[str], condition: Q, *, walk_if_broad: bool = False) -> Q:
    """`condition` (which holds only for rows whose `column` contains one of `texts`), read
    through the trigram index where the database has one: on PostgreSQL a plain LIKE is served by
    the pg_trgm GIN index; on SQLite the FTS5 trigram table answers MATCH with the candidate ids,
    and the condition is checked on those candidates only.

    `walk_if_broad` (phone digits): on SQLite a broad text ("0000" is in half the phones of a
    generated base) is the exception: handing 100,000 ids to the list and sorting them by name
    took 90 ms per query. For such a text the plain LIKE is the better plan: the list walks the
    name index and stops after a page, as a match turns up every few rows. Not for names: the
    matches of "ольга" sit together in name order, and the walk would read every name before
    them (220 ms) where sorting the FTS candidates takes 25."""
    if min(len(text) for text in texts) >= TRIGRAM and _sqlite_fts_ready():
        match = " OR ".join(f"{column} : {_phrase(text)}" for text in texts)
        if not (walk_if_broad and _fts_broad(match)):
            candidates = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
            return Q(pk__in=candidates) & condition
    return condition


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Clients whose name, any part of the phone, or email match."""
    query = (query or "").strip()
    if not query:
        return queryset
    return queryset.filter(search_condition(query))


def search_condition(query: str) -> Q:
    """The condition of `search`, for callers that combine it with others (the API's filters)."""
    query = query.strip()
    digits = phone_digits(query)
    if digits:
        # Phones are stored in E.164 ("+79001234567"): digits only after the plus sign.
        texts, condition = [digits], Q(phone__contains=digits)
        if digits.startswith("8") and len(digits) >= 4:
            # "8 900 12…" is how Russians write the start of +7 900 12…; such a phone contains
            # "790012", so the trigram index finds the candidates of both readings at once.
            texts.append("7" + digits[1:])
            condition |= Q(phone__startswith="+7" + digits[1:])
        return _substring("phone", texts, condition, walk_if_broad=True)
    lowered = query.lower()
    condition = _substring("name_search", [lowered], Q(name_search__contains=lowered))
    if "@" in query or "." in query:
        condition |= Q(email__icontains=query)
    return condition


def _word_range(word: str, prefix: str = "") -> dict:
    """The words that start with `word`: a range of the index, by code point."""
    return {f"{prefix}word__gte": word, f"{prefix}word__lt": word[:-1] + chr(ord(word[-1]) + 1)}


def quick_search(queryset: QuerySet, query: str, limit: int = 10) -> list[Client]:
    """The first `limit` matches for a picker (the journal's booking dialog, the merge tool).

    One word of letters is looked up as the start of a word of the name first: "попов" lists
    the Popovs, then the Popovas, each by name, read in order from the word index
    (`ClientWord`) however many thousand there are; then, if there are fewer than `limit`, the
    names that contain it inside a word (not for two letters, which have no trigram and would
    be looked for in every name). Several words are first the names that contain them as
    typed ("анна п", in name order: the trigram index narrows those down), then, if there are
    fewer, the names with words starting so in another order ("петрова анна"). Phone digits
    and emails are `search` in name order."""
    query = (query or "").strip()
    lowered = query.lower()
    terms = lowered.split()
    if phone_digits(query) or len(lowered) < 2 or "@" in lowered:
        return list(search(queryset, query).order_by(*by_name(query))[:limit])
    if len(terms) > 1:
        found = list(search(queryset, query).order_by(*by_name(query))[:limit])
        if len(found) < limit and len(terms) <= 4:
            found += _word_starts(queryset.exclude(pk__in=[c.pk for c in found]), terms, limit - len(found))
        return found
    found = _word_starts(queryset, terms, limit)
    if len(found) < limit and len(lowered) >= TRIGRAM:
        inside = search(queryset, query).exclude(pk__in=[client.pk for client in found])
        found += list(inside.order_by(*by_name(query))[: limit - len(found)])
    return found


def _word_range(word: str, prefix: str = "") -> dict:
    """The words that start with `word`: a range of the index, by code point."""
    return {f"{prefix}word__gte": word, f"{prefix}word__lt": word[:-1] + chr(ord(word[-1]) + 1)}


def _word_starts(queryset: QuerySet, terms: list[str], limit: int) -> list[Client]:
    """Clients with a word starting with each of `terms`, in the order of the word that starts
    with the first one, then by name: the word index read in order, `limit` entries or a few more."""
    first, *others = terms
    # One filter() call, so that the range and the network are conditions on the same word row.
    word = _word_range(first, "words__")
    chain_id = current_chain_id()
    if chain_id is not None:
        word["words__chain_id"] = chain_id
    starts = queryset.filter(**word)
    for other in others:
        starts = starts.filter(Exists(ClientWord.objects.filter(client_id=OuterRef("pk"), **_word_range(other))))
    # A client with two words of that start comes twice: read a few more rows than needed.
    rows = list(starts.order_by("words__word", "words__name", "words__client_id")[: limit * 3])
    return list({client.pk: client for client in rows}.values())[:limit]


def by_name(query: str = "") -> tuple:
    """The order by name (then id) for a list searched by `query`.

    PostgreSQL estimates that the matches of a name are spread evenly over the alphabet and walks
    the name index, filtering; but the matches of "ольга" or "юлия" sit together in name order,
    so it read 140,000 names before them (200 ms). Sorting by an expression of the name (the same
    order) leaves it the trigram index and a sort of the matches instead (15 ms). Phone digits
    are spread over the alphabet, and a search of two letters has no trigram: those keep the walk."""
    query = (query or "").strip()
    if connection.vendor == "postgresql" and len(query) >= TRIGRAM and not phone_digits(query):
        return (Concat(F("name"), Value(""), output_field=CharField()), "id")
    return ("name", "id")


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
    """Lost clients by the one rule of `clients/lost.py` (a regular past 1.5× their usual interval
    and at least 30 days); ClientStats keeps the moment a regular becomes lost, so this is an
    index range."""
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


# A specialist (branch, service, category) with at least this many records (cards) is "broad":
# see `_clients_of`.
BROAD_RECORDS = 5000
# Sorts that an index serves in order: by name always, by the totals when the stats row is required.
SORTS_BY_STATS = ("-last_visit", "-visits", "-spend")
# Filters on the card's own columns (or that keep clients without records): the count needs the
# client table. The rest are conditions on ClientStats and on the client id.
CLIENT_FILTERS = ("q", "gender", "category", "importance", "source", "consent", "bday_from", "r", "f", "m")


def _clients_of(subquery: QuerySet, probe: QuerySet, walkable: bool) -> tuple[Q, Q]:
    """The clients whose ids the subquery gives ("the clients of this specialist's records"), as
    (the condition for the page, the condition for the count).

    "IN (the clients of these records)" rather than EXISTS per client: the database reads the
    specialist's records once through their index instead of probing the records of every client,
    and the count starts from that list. For the page SQLite started from it too, which for a busy
    specialist (60,000 records, 16,000 clients at full size) meant fetching and sorting every one
    of them for a page of 50 (170 ms; a category of 13,000 cards: 47 ms). When the list is long
    and the sort has an index, the page hides the id from the planner with a unary plus: SQLite
    walks the sort's index and checks each client against the list (20 ms; 13 ms)."""
    listed = Q(pk__in=subquery)
    if connection.vendor == "sqlite" and walkable and probe[:BROAD_RECORDS].count() >= BROAD_RECORDS:
        hidden = Func(F("pk"), template="+%(expressions)s", output_field=IntegerField())
        return Q(In(hidden, subquery)), listed
    return listed, listed


def apply_filters(
    queryset: QuerySet,
    data: dict,
    *,
    chain_id: int,
    now: datetime.datetime | None = None,
    restricted: bool = False,
) -> tuple[QuerySet, QuerySet]:
    """The list's filters (the cleaned data of ClientFilterForm), combined with AND.

    Returns the ordered clients and a queryset to count them with: where every condition is on
    the cached totals and the client id (and `restricted`, the member's own-clients limit, is
    off), the count reads ClientStats alone through its indexes instead of joining 200,000 cards
    (PostgreSQL counted "lost clients" in 180 ms that way, 15 ms on the stats index)."""
    now = now or timezone.now()
    sort = data.get("sort") if data.get("sort") in SORTS else "name"
    # Conditions that a client without records (no stats row) never meets: the stats row is
    # required, and naming its chain lets the database read the stats table by its own indexes.
    needs_stats = any(
        (data.get(k) or 0) > 0 if k in ("visits_min", "spend_min") else data.get(k)
        for k in ("visits_min", "spend_min", "last_from", "last_to", "lost", "r", "f", "m")
    )
    by_stats = needs_stats and not restricted and not any(data.get(k) for k in CLIENT_FILTERS)
    by_stats = by_stats and data.get("visits_max") is None and data.get("spend_max") is None
    stats_counted = ClientStats.objects.filter(chain_id=chain_id) if by_stats else None
    walkable = sort == "name" or (needs_stats and sort in SORTS_BY_STATS)
    listed = counted = queryset

    def where(condition: Q, for_count: Q | None = None) -> None:
        nonlocal listed, counted
        listed = listed.filter(condition)
        counted = counted.filter(condition if for_count is None else for_count)

    query = data.get("q") or ""
    if query.strip():
        where(search_condition(query))
    if data.get("gender"):
        where(Q(gender=data["gender"]))
    if data.get("category"):
        members = Client.categories.through.objects.filter(clientcategory=data["category"]).values("client_id")
        where(*_clients_of(members, members, walkable))
    if data.get("importance"):
        where(Q(importance=data["importance"]))
    if data.get("source"):
        where(Q(source=data["source"]))
    consent = data.get("consent")
    if consent == "sms":
        where(Q(sms_consent=True))
    elif consent == "email":
        where(Q(email_consent=True))
    elif consent == "none":
        where(Q(sms_consent=False, email_consent=False))
    if data.get("bday_from") and data.get("bday_to"):
        where(birthday_condition(data["bday_from"], data["bday_to"]))
    # The records are the journal's (above the client base): it gives the subqueries.
    if data.get("specialist") or data.get("branch"):
        records = record_reader().record_clients(
            specialist=data.get("specialist") or None, company=data.get("branch") or None
        )
        where(*_clients_of(records, records, walkable))
        if stats_counted is not None:
            stats_counted = stats_counted.filter(client_id__in=records)
    if data.get("service"):
        clients, lines = record_reader().service_clients(data["service"])
        where(*_clients_of(clients, lines, walkable))
        if stats_counted is not None:
            stats_counted = stats_counted.filter(client_id__in=clients)
    tz = timezone.get_current_timezone()

    def day_start(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)

    # The totals are cached columns of ClientStats: every condition below is an index range.
    on_stats = {}  # the same conditions, for the count on ClientStats
    if needs_stats:
        where(Q(stats__chain_id=chain_id))
    if data.get("visits_min") is not None and data["visits_min"] > 0:
        where(Q(stats__visits__gte=data["visits_min"]))
        on_stats["visits__gte"] = data["visits_min"]
    if data.get("visits_max") is not None:
        where(Q(stats__visits__lte=data["visits_max"]) | Q(stats__isnull=True))
    if data.get("last_from"):
        where(Q(stats__last_visit__gte=day_start(data["last_from"])))
        on_stats["last_visit__gte"] = day_start(data["last_from"])
    if data.get("last_to"):
        where(Q(stats__last_visit__lt=day_start(data["last_to"] + datetime.timedelta(days=1))))
        on_stats["last_visit__lt"] = day_start(data["last_to"] + datetime.timedelta(days=1))
    if data.get("spend_min") is not None and data["spend_min"] > 0:
        where(Q(stats__spend__gte=data["spend_min"]))
        on_stats["spend__gte"] = data["spend_min"]
    if data.get("spend_max") is not None:
        where(Q(stats__spend__lte=data["spend_max"]) | Q(stats__isnull=True))
    if data.get("lost"):
        where(lost_condition(now))
        on_stats["lost_after__lt"] = now
    if data.get("r") or data.get("f") or data.get("m"):
        listed = with_rfm(listed.filter(stats__visits__gt=0), chain_id, now)
        counted = with_rfm(counted.filter(stats__visits__gt=0), chain_id, now)
        for key in ("r", "f", "m"):
            if data.get(key):
                where(Q(**{f"{key}_score": int(data[key])}))
    counted = stats_counted.filter(**on_stats) if stats_counted is not None else counted.order_by()
    ordering = by_name(query) if sort == "name" else SORTS[sort]
    return listed.order_by(*ordering), counted


# Where the list's "Send a message" leaves its choice for the new mailing (in the session).
MAILING_SELECTION = "clients:mailing-selection"


def segment_clients(segment, *, chain, now: datetime.datetime | None = None) -> QuerySet:
    """The clients of a saved segment: what a mailing sends to (see `filtered_clients`)."""
    return filtered_clients(segment.params, chain=chain, now=now)


def filtered_clients(filters: dict | None, *, chain, now: datetime.datetime | None = None) -> QuerySet:
    """The clients the list's filters find ({"gender": ["female"], …}, as a segment keeps
    them), by the list's own ClientFilterForm + apply_filters, unordered. A filter that no longer
    validates (a deleted category, say) is left out, as the list does."""
    from django.http import QueryDict

    params = QueryDict(mutable=True)
    for key, values in (filters or {}).items():
        params.setlist(key, values if isinstance(values, list) else [values])
    form = ClientFilterForm(params, chain=chain)
    data = (
        form.cleaned_data if form.is_valid() else {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    )
    listed, _counted = apply_filters(Client.objects.filter(chain=chain), data, chain_id=chain.pk, now=now)
    return listed.order_by()
