"""Stand-ins for the payment and receipt providers on loopback: HTTP servers that answer like
YooKassa's API v3 and ATOL Online's API v5, keep what they received, and can be told to fail.
The drivers talk to them over real HTTP; only the network edge is replaced."""

from __future__ import annotations

import base64
import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Seen:
    method: str
    path: str
    headers: dict
    body: dict


@dataclass
class Provider:
    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    fail_next: int = 0
    state: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def requests(self, method=None, prefix=""):
        with self.lock:
            return [r for r in self.seen if (method is None or r.method == method) and r.path.startswith(prefix)]


def _basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class YooKassa(Provider):
    """Shop `shop-1` with the secret `live-secret`."""

    def answer(self, method, path, headers, body):
        if headers.get("Authorization") != _basic("shop-1", "live-secret"):
            return 401, {"type": "error", "code": "invalid_credentials"}
        payments = self.state.setdefault("payments", {})
        if method == "POST" and path == "/payments":
            key = headers.get("Idempotence-Key")
            if not key:
                return 400, {"type": "error", "code": "invalid_request"}
            keys = self.state.setdefault("keys", {})
            if key in keys:
                return 200, payments[keys[key]]
            payment_id = f"2d{len(payments) + 1:06d}-000f-5000-9000-1b68e7b15f3f"
            payments[payment_id] = {
                "id": payment_id,
                "status": "pending",
                "paid": False,
                "amount": body["amount"],
                "description": body.get("description", ""),
                "metadata": body.get("metadata", {}),
                "confirmation": {
                    "type": "redirect",
                    "return_url": body["confirmation"]["return_url"],
                    "confirmation_url": f"{self.url}/checkout/{payment_id}",
                },
            }
            keys[key] = payment_id
            return 200, payments[payment_id]
        if method == "POST" and path == "/refunds":
            return self._refund(headers, body)
        if method == "GET" and path.startswith("/payments/"):
            payment = payments.get(path.rsplit("/", 1)[1])
            return (200, payment) if payment else (404, {"type": "error", "code": "not_found"})
        return 404, {"type": "error", "code": "not_found"}

    def _refund(self, headers, body):
        """A refund of a succeeded payment, at most what is left of it; the same key, the same refund."""
        key = headers.get("Idempotence-Key")
        if not key:
            return 400, {"type": "error", "code": "invalid_request", "description": "Idempotence-Key is missing"}
        refunds, keys = self.state.setdefault("refunds", {}), self.state.setdefault("refund_keys", {})
        if key in keys:
            return 200, refunds[keys[key]]
        payment = self.state.get("payments", {}).get(body.get("payment_id"))
        if payment is None or payment["status"] != "succeeded":
            return 400, {"type": "error", "code": "invalid_request", "description": "Payment is not refundable"}
        amount = Decimal(body["amount"]["value"])
        given = sum(
            (Decimal(r["amount"]["value"]) for r in refunds.values() if r["payment_id"] == payment["id"]), Decimal(0)
        )
        if amount > Decimal(payment["amount"]["value"]) - given:
            return 400, {
                "type": "error",
                "code": "invalid_request",
                "parameter": "amount",
                "description": "Refund amount exceeds the payment's remaining amount",
            }
        refund_id = f"2e{len(refunds) + 1:06d}-0015-5000-8000-1b68e7b15f3f"
        refunds[refund_id] = {
            "id": refund_id,
            "payment_id": payment["id"],
            "status": self.state.get("refund_status", "succeeded"),
            "amount": body["amount"],
            "description": body.get("description", ""),
            "created_at": "2026-12-01T10:00:00.000Z",
        }
        if refunds[refund_id]["status"] == "canceled":
            refunds[refund_id]["cancellation_details"] = {"party": "yoo_money", "reason": "rejected_by_payee"}
        keys[key] = refund_id
        return 200, refunds[refund_id]

    def refunded(self, payment_id) -> Decimal:
        with self.lock:
            refunds = self.state.get("refunds", {}).values()
            return sum((Decimal(r["amount"]["value"]) for r in refunds if r["payment_id"] == payment_id), Decimal(0))

    def set_status(self, payment_id, status):
        with self.lock:
            payment = self.state["payments"][payment_id]
            payment["status"], payment["paid"] = status, status == "succeeded"


class Atol(Provider):
    """Login `atol-login`, password `atol-pass`, group `group-1`. A receipt is `wait` for the
    first `waits` reports, then `done` (or `fail` when its total is 13.00)."""

    waits: int = 0

    def answer(self, method, path, headers, body):
        if path == "/getToken" and method == "POST":
            if (body.get("login"), body.get("pass")) != ("atol-login", "atol-pass"):
                return 200, {"error": {"code": 12, "text": "Неверный логин или пароль", "type": "system"}}
            self.state["tokens"] = self.state.get("tokens", 0) + 1
            return 200, {"error": None, "token": f"token-{self.state['tokens']}", "timestamp": "01.12.2026 10:00:00"}
        if headers.get("Token") != f"token-{self.state.get('tokens', 0)}":
            return 401, {"error": {"code": 11, "text": "Токен не действителен", "type": "system"}}
        docs = self.state.setdefault("docs", {})
        if method == "POST" and path in ("/group-1/sell", "/group-1/sell_refund"):
            external_id = body["external_id"]
            known = next((uuid for uuid, doc in docs.items() if doc["external_id"] == external_id), None)
            if known:
                return 200, {
                    "uuid": known,
                    "status": "fail",
                    "error": {"code": 33, "text": "В системе существует чек с external_id", "type": "system"},
                }
            uuid = f"uuid-{len(docs) + 1}"
            docs[uuid] = {"external_id": external_id, "operation": path.rsplit("/", 1)[1], "body": body, "reports": 0}
            return 200, {"uuid": uuid, "status": "wait", "error": None, "timestamp": "01.12.2026 10:00:00"}
        if method == "GET" and path.startswith("/group-1/report/"):
            doc = docs.get(path.rsplit("/", 1)[1])
            if doc is None:
                return 404, {"error": {"code": 34, "text": "Not found"}}
            doc["reports"] += 1
            if doc["reports"] <= self.waits:
                return 200, {"uuid": path.rsplit("/", 1)[1], "status": "wait", "error": None, "payload": None}
            if doc["body"]["receipt"]["total"] == 13.0:
                return 200, {"status": "fail", "error": {"code": 32, "text": "Ошибка валидации чека"}, "payload": None}
            number = list(docs).index(path.rsplit("/", 1)[1]) + 1
            return 200, {
                "uuid": path.rsplit("/", 1)[1],
                "status": "done",
                "error": None,
                "payload": {
                    "total": doc["body"]["receipt"]["total"],
                    "fns_site": "www.nalog.gov.ru",
                    "fn_number": "9999078900004792",
                    "shift_number": 23,
                    "receipt_datetime": "01.12.2026 10:00:05",
                    "fiscal_receipt_number": number,
                    "fiscal_document_number": 1000 + number,
                    "ecr_registration_number": "0000000001002292",
                    "fiscal_document_attribute": 3449555941,
                },
            }
        return 404, {"error": {"code": 404, "text": "unknown"}}


@contextmanager
def serving(provider: Provider):
    class Handler(BaseHTTPRequestHandler):
        def _handle(self, method):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                body = {}
            headers = dict(self.headers.items())
            with provider.lock:
                provider.seen.append(Seen(method, self.path, headers, body))
                failing = provider.fail_next > 0
                if failing:
                    provider.fail_next -= 1
            if failing:
                status, answer = 503, {"error": "unavailable"}
            else:
                with provider.lock:
                    status, answer = provider.answer(method, self.path, headers, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):  # noqa: N802
            self._handle("POST")

        def do_GET(self):  # noqa: N802
            self._handle("GET")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
