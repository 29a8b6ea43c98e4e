"""Stand-ins for the outside world on loopback: an HTTP server answering like SMS.ru, SMSC and
the Telegram Bot API, and a real SMTP server (aiosmtpd). Tests count deliveries at them."""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class GatewayRequest:
    path: str
    data: dict
    key: str


@dataclass
class Gateway:
    """What the stand-in received, and how it should answer next (`fail_next`: that many
    requests get a 503)."""

    url: str = ""
    requests: list[GatewayRequest] = field(default_factory=list)
    fail_next: int = 0
    # What the status endpoints say of a message id (SMS.ru's or SMSC's own code); unknown ids
    # are still on their way.
    states: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def keys(self) -> list[str]:
        with self.lock:
            return [r.key for r in self.requests]


def _answer(path: str, data: dict, number: int, states: dict | None = None) -> tuple[int, dict]:
    states = states or {}
    if path == "/sms/status":  # SMS.ru
        sms_id = data.get("sms_id", "")
        code = states.get(sms_id, 102)
        return 200, {
            "status": "OK",
            "sms": {sms_id: {"status": "OK", "status_code": code, "status_text": f"code {code}"}},
        }
    if path == "/sys/status.php":  # SMSC
        return 200, {"status": states.get(str(data.get("id", "")), 0), "err": 0}
    if path == "/sms/send":  # SMS.ru
        if data.get("api_id") != "good-key":
            return 200, {"status": "ERROR", "status_code": 200, "status_text": "Неправильный api_id"}
        phone = data["to"]
        return 200, {
            "status": "OK",
            "status_code": 100,
            "sms": {phone: {"status": "OK", "status_code": 100, "sms_id": f"2000-{number}", "cost": "2.45"}},
            "balance": 100.5,
        }
    if path == "/sys/send.php":  # SMSC
        if data.get("psw") != "good-password":
            return 200, {"error": "authorise error", "error_code": 2}
        return 200, {"id": number, "cnt": 1, "cost": "1.4", "balance": "99.00"}
    if path.startswith("/bot") and path.endswith("/setWebhook"):  # Telegram
        if path != "/botgood-token/setWebhook":
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        return 200, {"ok": True, "result": True, "description": "Webhook was set"}
    if path.startswith("/bot") and path.endswith("/sendMessage"):  # Telegram
        if path != "/botgood-token/sendMessage":
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        return 200, {"ok": True, "result": {"message_id": number, "chat": {"id": data.get("chat_id")}}}
    return 404, {"error": "unknown"}


def start_gateway() -> tuple[Gateway, ThreadingHTTPServer]:
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            if self.headers.get("Content-Type", "").startswith("application/json"):
                data = json.loads(raw or "{}")
            else:
                data = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
            with gateway.lock:
                if gateway.fail_next > 0:
                    gateway.fail_next -= 1
                    status, answer = 503, {"error": "busy"}
                else:
                    gateway.requests.append(GatewayRequest(self.path, data, self.headers.get("X-Idempotency-Key", "")))
                    status, answer = _answer(self.path, data, len(gateway.requests), gateway.states)
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return gateway, server


class Mailbox:
    """An aiosmtpd handler keeping every letter it accepts."""

    def __init__(self):
        self.letters = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        from email import message_from_bytes, policy

        letter = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.letters.append(letter)
        return "250 OK"
