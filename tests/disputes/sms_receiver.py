"""An SMS gateway on 127.0.0.1 (a random port, in a thread): it checks each request's signature
the way a gateway does (written here, not imported), records the requests and answers what the
test scripts."""

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

APP_KEY = "centre-ruicheng"
SECRET = "s3cret-shared-with-the-gateway"


@dataclass
class Received:
    headers: dict
    body: bytes
    signed: bool

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8"))


def signature_ok(headers, body: bytes, secret: str = SECRET) -> bool:
    try:
        signed = (
            "\n".join(
                [headers["X-App-Key"], headers["X-Timestamp"], headers["X-Nonce"], ""]
            ).encode()
            + body
        )
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        return hmac.compare_digest(headers["X-Signature"], expected)
    except KeyError:
        return False


class Gateway:
    """``answers``: (status, JSON body) of the next requests, in order; then 200 and code 0.
    A request whose signature does not check is answered 401 and not counted as sent."""

    def __init__(self, secret: str = SECRET):
        self.received: list[Received] = []
        self.answers: list[tuple[int, dict | str]] = []
        self.sent = 0
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = dict(self.headers.items())
                signed = signature_ok(headers, body, secret)
                with gateway._lock:
                    gateway.received.append(Received(headers, body, signed))
                    if not signed:
                        status, answer = 401, {"code": 401, "message": "bad signature"}
                    elif gateway.answers:
                        status, answer = gateway.answers.pop(0)
                    else:
                        gateway.sent += 1
                        status, answer = 200, {"code": 0, "message_id": f"gw-{gateway.sent}"}
                raw = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
