"""Booking API benchmark (issue 5): the YCLIENTS-compatible endpoints over HTTP against a
gunicorn server this script starts on 127.0.0.1, on the benchmark branch of
bench/availability.py (50 specialists, about 150,000 records; generated once).

Prints p50/p95 of book_times and book_dates, and sustained bookings per second with 8
concurrent clients (each reads a day's free times and books one; a time taken meanwhile is a
422, counted apart). Figures only, no asserts.

    .venv/bin/python bench/booking_api.py                   # SQLite (bench/ database of its own)
    DATABASE_URL=postgres://… .venv/bin/python bench/booking_api.py
"""

import datetime
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from _setup import ROOT, django_setup, percentile

django_setup()

from availability import BENCH_CHAIN, build  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from frontdesk.api.models import PartnerToken, hash_token  # noqa: E402
from frontdesk.api.services import issue_partner_token  # noqa: E402
from frontdesk.booking.models import OnlineBookingSettings  # noqa: E402
from frontdesk.catalog.models import Service  # noqa: E402
from frontdesk.core.scopes import scope, scopes_disabled  # noqa: E402
from frontdesk.scheduling.models import Record, RecordSource, Visit  # noqa: E402
from frontdesk.staff.models import Specialist  # noqa: E402
from frontdesk.tenancy.models import Company  # noqa: E402

TOKEN = "bench-partner-token-0123456789abcdef0123"
CLIENTS = 8
SUSTAIN_SECONDS = 15
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))


def prepare():
    with scopes_disabled():
        company = Company.unscoped.filter(chain__name=BENCH_CHAIN, name="Bench branch").first()
        if company is None:
            print("Generating benchmark data (once) …", flush=True)
            with transaction.atomic():
                company = build("Bench branch", fill=False)
                build("Bench branch, fully booked", fill=True)
        with scope(company.chain_id):
            if not PartnerToken.objects.filter(token_hash=hash_token(TOKEN), revoked_at__isnull=True).exists():
                issue_partner_token(chain=company.chain, name="Benchmark", raw=TOKEN)
            OnlineBookingSettings.for_company(company)
            specialists = list(Specialist.objects.filter(companies=company).order_by("pk").values_list("pk", flat=True))
            services = list(Service.objects.filter(company=company).order_by("pk").values_list("pk", flat=True))
            records = Record.objects.filter(company=company).count()
    return company, specialists, services, records


def cleanup(company):
    """Remove what the run booked, so that runs compare."""
    with scopes_disabled(), transaction.atomic():
        records = Record.unscoped.filter(company=company, source=RecordSource.API)
        visit_ids = list(records.values_list("visit_id", flat=True))
        records.delete()
        Visit.unscoped.filter(pk__in=visit_ids).delete()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port):
    env = {**os.environ, "API_RATE_LIMIT": "0", "AXES_ENABLED": "0", "DEBUG": "0"}
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")  # production refuses to start without one
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


class Api:
    def __init__(self, base):
        self.base = base
        self.headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/vnd.yclients.v2+json"}

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = dict(self.headers, **({"Content-Type": "application/json"} if data else {}))
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


def timed(api, paths, warmup=None):
    # Warm every worker process (each has its own connection and caches), not just the first.
    for path in (paths * (2 * WORKERS))[: warmup or 2 * WORKERS]:
        api.call("GET", path)
    timings = []
    for path in paths:
        started = time.perf_counter()
        status, _payload = api.call("GET", path)
        timings.append((time.perf_counter() - started) * 1000)
        assert status == 200, (path, status, _payload)
    return timings


def report(label, timings):
    print(
        f"{label:<46} p50 {percentile(timings, 50):7.1f} ms   p95 {percentile(timings, 95):7.1f} ms   n={len(timings)}"
    )


def sustained(api, company, specialists, service, days):
    booked, taken, errors = [0], [0], [0]
    lock = threading.Lock()
    stop = time.monotonic() + SUSTAIN_SECONDS

    def client(n):
        rng = random.Random(n)
        while time.monotonic() < stop:
            staff = rng.choice(specialists)
            day = rng.choice(days)
            status, payload = api.call("GET", f"/api/v1/book_times/{company}/{staff}/{day}?service_ids={service}")
            if status != 200 or not payload["data"]:
                continue
            slot = rng.choice(payload["data"][:4])
            body = {
                "phone": f"+7916{n:03d}{rng.randrange(10000):04d}",
                "fullname": f"Bench {n}",
                "email": "",
                "appointments": [{"id": 1, "services": [service], "staff_id": staff, "datetime": slot["datetime"]}],
            }
            status, _payload = api.call("POST", f"/api/v1/book_record/{company}", body)
            with lock:
                if status == 201:
                    booked[0] += 1
                elif status == 422:
                    taken[0] += 1
                else:
                    errors[0] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    print(
        f"{CLIENTS} concurrent clients, {elapsed:.0f} s: {booked[0] / elapsed:6.1f} bookings/s "
        f"({booked[0]} booked, {taken[0]} times taken meanwhile, {errors[0]} errors)"
    )


def main():
    company, specialists, services, records = prepare()
    service = services[0]
    cleanup(company)
    port = free_port()
    server = start_server(port)
    try:
        api = Api(f"http://127.0.0.1:{port}")
        print(
            f"Database: {connection.vendor}; gunicorn with {WORKERS} workers; branch with {len(specialists)} "
            f"specialists and {records:,} records"
        )
        today = datetime.date.today()
        days = [(today + datetime.timedelta(days=d)).isoformat() for d in range(1, 30)]
        rng = random.Random(1)
        report(
            "book_times: one specialist × one day",
            timed(
                api,
                [
                    f"/api/v1/book_times/{company.pk}/{rng.choice(specialists)}/{rng.choice(days)}?service_ids={service}"
                    for _ in range(100)
                ],
            ),
        )
        report(
            "book_times: any of 50 specialists × one day",
            timed(
                api, [f"/api/v1/book_times/{company.pk}/0/{rng.choice(days)}?service_ids={service}" for _ in range(60)]
            ),
        )
        report(
            "book_dates: one specialist × 30 days",
            timed(
                api,
                [
                    f"/api/v1/book_dates/{company.pk}?service_ids={service}&staff_id={rng.choice(specialists)}"
                    f"&date_from={days[0]}&date_to={days[-1]}"
                    for _ in range(40)
                ],
            ),
        )
        report(
            "book_dates: any of 50 specialists × 30 days",
            timed(
                api,
                [f"/api/v1/book_dates/{company.pk}?service_ids={service}&date_from={days[0]}&date_to={days[-1]}"] * 20,
            ),
        )
        sustained(api, company.pk, specialists, service, days)
    finally:
        server.terminate()
        server.wait(timeout=30)
        cleanup(company)


if __name__ == "__main__":
    sys.exit(main())
