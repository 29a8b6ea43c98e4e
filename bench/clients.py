"""Client base benchmark (issue 6): a network with 200,000 clients and about 2 million records
(scale 1), generated once in resumable chunks and kept in the benchmarks' own database. Prints
p50/p95 of whole back-office requests (warm, one process) and their SQL query counts.

    .venv/bin/python bench/clients.py                 # SQLite, full size (generation takes minutes)
    .venv/bin/python bench/clients.py --scale 0.05    # 10,000 clients, ~100,000 records
    DATABASE_URL=postgres://… .venv/bin/python bench/clients.py

Interrupted generation resumes where it stopped: clients are written in chunks, each chunk with
its visits, records and service lines in one transaction.
"""

import argparse
import datetime
import random
import sys
import time
from zoneinfo import ZoneInfo

from _bulk import insert, loading, moment, next_ids, reset_sequences
from _setup import bench_owner, browser_for, django_setup, print_row

django_setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from frontdesk.catalog.models import Service, ServiceCategory  # noqa: E402
from frontdesk.clients.models import Client, ClientCategory, ClientWord, name_words  # noqa: E402
from frontdesk.core.scopes import scopes_disabled  # noqa: E402
from frontdesk.scheduling.client_stats import refresh_client_stats  # noqa: E402
from frontdesk.scheduling.models import Record, RecordService, RecordStatus, Visit  # noqa: E402
from frontdesk.staff.models import Specialist  # noqa: E402
from frontdesk.tenancy.models import Chain, Company  # noqa: E402

TZ = ZoneInfo("Europe/Moscow")
FULL_CLIENTS = 200_000
RECORDS_PER_CLIENT = 10  # on average: 2,000,000 at scale 1
CHUNK = 2_000
TODAY = datetime.datetime(2027, 1, 11, 12, tzinfo=TZ)
FIRST_NAMES = [
    "Анна",
    "Мария",
    "Елена",
    "Ольга",
    "Ирина",
    "Наталья",
    "Татьяна",
    "Светлана",
    "Юлия",
    "Дарья",
    "Алексей",
    "Дмитрий",
    "Сергей",
    "Андрей",
    "Иван",
    "Ксения",
    "Полина",
    "Виктория",
    "Алина",
    "Екатерина",
]
LAST_NAMES = [
    "Иванова",
    "Петрова",
    "Смирнова",
    "Кузнецова",
    "Попова",
    "Соколова",
    "Лебедева",
    "Козлова",
    "Новикова",
    "Морозова",
    "Волкова",
    "Алексеева",
    "Павлова",
    "Семёнова",
    "Голубева",
    "Виноградова",
    "Богданова",
]
STATUSES = [RecordStatus.COMPLETED] * 16 + [RecordStatus.NO_SHOW, RecordStatus.CANCELLED, RecordStatus.BOOKED]


def chain_name(scale: float) -> str:
    return f"Clients benchmark ×{scale:g}"


def setup_network(scale: float):
    chain, _ = Chain.objects.get_or_create(name=chain_name(scale))
    companies = list(Company.unscoped.filter(chain=chain).order_by("pk"))
    if not companies:
        companies = [
            Company.unscoped.create(chain=chain, name=f"Филиал {n}", timezone="Europe/Moscow", onboarded=True)
            for n in range(3)
        ]
        for company in companies:
            category = ServiceCategory.objects.create(company=company, chain=chain, title="Услуги")
            for n in range(10):
                Service.objects.create(
                    company=company,
                    chain=chain,
                    category=category,
                    title=f"Услуга {n}",
                    duration=60,
                    price_min=1000 + 500 * n,
                    price_max=1000 + 500 * n,
                )
            for n in range(10):
                specialist = Specialist.objects.create(chain=chain, name=f"Мастер {company.pk}-{n}")
                specialist.companies.add(company)
        for title, colour in [("VIP", "#f59e0b"), ("Постоянные", "#22c55e"), ("Блогеры", "#8b5cf6")]:
            ClientCategory.objects.create(chain=chain, title=title, colour=colour)
    return chain, companies, bench_owner(chain, f"bench-clients-{chain.pk}@example.com")


def generate(chain, companies, total_clients: int, rng_seed=6):
    services = {c.pk: list(Service.objects.filter(company=c)) for c in companies}
    specialists = {c.pk: list(Specialist.objects.filter(companies=c)) for c in companies}
    categories = list(ClientCategory.objects.filter(chain=chain))
    through = Client.categories.through
    done = Client.objects.filter(chain=chain).count()
    if done >= total_clients:
        return
    print(f"generating clients {done}…{total_clients} (resumable)", file=sys.stderr)
    loading()
    started = time.perf_counter()
    while done < total_clients:
        rng = random.Random(rng_seed * 1_000_003 + done)
        size = min(CHUNK, total_clients - done)
        with transaction.atomic():
            clients = []
            for n in range(done, done + size):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                birthday = datetime.date(rng.randint(1960, 2005), rng.randint(1, 12), rng.randint(1, 28))
                name = f"{first} {last} {n}"
                clients.append(
                    (
                        chain.pk,
                        name,
                        name.lower(),
                        f"+7900{n:07d}",
                        f"client{n}@example.com" if n % 3 == 0 else "",
                        "male" if first in ("Алексей", "Дмитрий", "Сергей", "Андрей", "Иван") else "female",
                        birthday.isoformat() if connection.vendor == "sqlite" else birthday,
                        birthday.month * 100 + birthday.day,
                        rng.choice(["", "", "", "", "bronze", "silver", "gold"]),
                        rng.choice(["", "recommendation", "internet", "social", "walk_in"]),
                        rng.random() < 0.6,
                    )
                )
            # The 300-visit client of the card benchmark is the very first one.
            counts = [
                300 if n == 0 else rng.choice((0, 1, 2, 3, 5, 8, 12, 16, 20, 23)) for n in range(done, done + size)
            ]
            client_ids = next_ids(Client, size)
            insert(
                Client,
                ("id", "chain_id", "name", "name_search", "phone", "email", "gender", "birthday", "birthday_md",
                 "importance", "source", "sms_consent"),
                [(pk, *row) for pk, row in zip(client_ids, clients, strict=True)],
            )  # fmt: skip
            insert(
                ClientWord,
                ("client_id", "chain_id", "word", "name"),
                (
                    (pk, chain.pk, word, row[1])
                    for pk, row in zip(client_ids, clients, strict=True)
                    for word in name_words(row[2])
                ),
            )
            insert(
                through,
                ("client_id", "clientcategory_id"),
                [(pk, rng.choice(categories).pk) for pk in client_ids if rng.random() < 0.2],
            )
            plan = []  # (client, company, specialist, service, start, status)
            for client, count in zip(client_ids, counts, strict=True):
                if not count:
                    continue
                company = rng.choice(companies)
                favourite = rng.choice(specialists[company.pk])
                last = TODAY - datetime.timedelta(days=rng.randint(0, 700))
                gap = rng.randint(14, 60)
                for k in range(count):
                    start = (last - datetime.timedelta(days=gap * k + rng.randint(0, 5))).replace(
                        hour=rng.randint(10, 19), minute=0
                    )
                    specialist = favourite if rng.random() < 0.7 else rng.choice(specialists[company.pk])
                    plan.append(
                        (client, company.pk, specialist.pk, rng.choice(services[company.pk]), start,
                         rng.choice(STATUSES))
                    )  # fmt: skip
            visit_ids = next_ids(Visit, len(plan))
            insert(Visit, ("id", "chain_id", "company_id", "client_id"), (
                (v, chain.pk, p[1], p[0]) for p, v in zip(plan, visit_ids, strict=True)
            ))  # fmt: skip
            record_ids = next_ids(Record, len(plan))
            hour = datetime.timedelta(hours=1)
            moments = [(moment(p[4]), moment(p[4] + hour)) for p in plan]
            insert(
                Record,
                ("id", "chain_id", "company_id", "visit_id", "client_id", "specialist_id", "start", "end",
                 "block_start", "block_end", "status", "overbooked"),
                # Random history overlaps a specialist's hours now and then; marked as
                # overbooked it passes PostgreSQL's no-double-booking constraint.
                (
                    (r, chain.pk, p[1], v, p[0], p[2], m[0], m[1], m[0], m[1], str(p[5]), True)
                    for p, v, r, m in zip(plan, visit_ids, record_ids, moments, strict=True)
                ),
            )  # fmt: skip
            insert(
                RecordService,
                ("chain_id", "record_id", "service_id", "start", "duration", "price"),
                (
                    (chain.pk, r, p[3].pk, m[0], 60, p[3].price_min)
                    for p, r, m in zip(plan, record_ids, moments, strict=True)
                ),
            )
            # bulk_create sends no signals: fill the cached totals of this chunk's clients.
            refresh_client_stats(client_ids)
        done += size
        rate = done / max(time.perf_counter() - started, 0.001)
        print(f"  {done} clients ({rate:.0f}/s)", file=sys.stderr)
    reset_sequences(Client, Visit, Record)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(browser, path, params=None, runs=30, warm=3):
    def query():
        return params() if callable(params) else (params or {})

    for _ in range(warm):
        browser.get(path, query())
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = browser.get(path, query())
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    return times, queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 200,000 clients and ~2M records")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", default="", help="measure only the requests whose title contains this")
    args = parser.parse_args()
    total_clients = max(1000, int(FULL_CLIENTS * args.scale))
    with scopes_disabled():
        chain, companies, owner = setup_network(args.scale)
        generate(chain, companies, total_clients)
        clients = Client.objects.filter(chain=chain).count()
        records = Record.objects.filter(chain=chain).count()
        heavy = Client.objects.filter(chain=chain).order_by("pk").first()
        category = ClientCategory.objects.filter(chain=chain).first()
        specialist = Specialist.objects.filter(chain=chain).first()
    print(f"{connection.vendor}: {clients:,} clients, {records:,} records")
    company = companies[0]
    list_url = reverse("clients:list", kwargs={"company_id": company.pk})
    # The booking dialog's client search in the journal: the administrator's search all day long
    # (the merge picker and the API's quick search ask the same query).
    search_url = reverse("journal:clients", kwargs={"company_id": company.pk})
    card_url = reverse("clients:card", kwargs={"company_id": company.pk, "client_id": heavy.pk})
    rng = random.Random(1)
    cases = [
        ("search by 4 phone digits", search_url, lambda: {"q": f"{rng.randint(0, 9999):04d}"}),
        ("search by name", search_url, lambda: {"q": rng.choice(LAST_NAMES)[:5].lower()}),
        # A first name: its matches sit together in name order (an index walk reads up to them).
        ("search by first name", search_url, lambda: {"q": rng.choice(FIRST_NAMES).lower()}),
        ("list, search by phone digits", list_url, lambda: {"q": f"{rng.randint(0, 9999):04d}"}),
        # In half the generated phones (+7900 00…): the broadest search there is.
        ('list, search by very common digits ("0000")', list_url, {"q": "0000"}),
        ("list, first page", list_url, None),
        (
            "list, 3 filters (category, gender, visits ≥ 3)",
            list_url,
            {"category": category.pk, "gender": "female", "visits_min": 3},
        ),
        (
            "list, filtered by specialist, spend ≥ 10000, by last visit",
            list_url,
            {"specialist": specialist.pk, "spend_min": 10000, "sort": "-last_visit"},
        ),
        ("list, lost clients", list_url, {"lost": "on"}),
        ("card with 300 visits", card_url, None),
    ]
    with browser_for(owner) as browser:
        print(f"{'request':58} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
        for title, path, params in cases:
            if args.only not in title:
                continue
            print_row(title, *measure(browser, path, params, runs=args.runs))


if __name__ == "__main__":
    main()
