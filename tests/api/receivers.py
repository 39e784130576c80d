"""A real HTTP receiver on 127.0.0.1 (a random port, in a thread) that records the callbacks
and answers what the test scripts."""

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def delivery_id(self) -> int:
        return int(self.headers["X-Delivery-Id"])

    def signed_with(self, secret: str) -> bool:
        """The signature checked the way a receiver checks it (written here, not imported)."""
        signed = self.headers["X-Timestamp"].encode() + b"." + self.body
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        return hmac.compare_digest(self.headers["X-Signature"], f"sha256={expected}")


class Receiver:
    """``answers``: the statuses of the next requests, in order (then 200); ``answer_for``:
    a status per delivery id that overrides them, while it is set; ``hold``: seconds each
    answer is held back (to make attempts overlap), with the most requests seen under way at
    once in ``most_at_once``."""

    def __init__(self):
        self.received: list[Received] = []
        self.answers: list[int] = []
        self.answer_for: dict[int, int] = {}
        self.redirect_to = ""
        self.hold = 0.0
        self.at_once = 0
        self.most_at_once = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                got = Received(self.path, dict(self.headers.items()), body)
                if receiver.hold:
                    with receiver._lock:
                        receiver.at_once += 1
                        receiver.most_at_once = max(receiver.most_at_once, receiver.at_once)
                    threading.Event().wait(receiver.hold)
                    with receiver._lock:
                        receiver.at_once -= 1
                with receiver._lock:
                    receiver.received.append(got)
                    status = receiver.answer_for.get(got.delivery_id)
                    if status is None:
                        status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", receiver.redirect_to)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def delivery_ids(self) -> list[int]:
        return [r.delivery_id for r in self.received]
