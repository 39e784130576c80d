#!/usr/bin/env python3
"""A small receiver for the centre's callback events, to watch them arrive (standard library only).

    python scripts/callback_receiver.py --port 8765 --secret <the system's signing secret>
    (or CALLBACK_SECRET=<secret> python scripts/callback_receiver.py --port 8765)

Set the system's callback URL in the admin to http://127.0.0.1:8765/ and its signing secret to
the same secret. Each event is printed on one line — delivery id, event, work order, case, and
whether its signature checked out — and answered 200 (with --strict, an event whose signature
does not check out or whose timestamp is more than --max-age seconds away is answered 401,
as a real receiver would answer it: the centre then tries it again later).

The signature: X-Signature is "sha256=" and the hex HMAC-SHA256 of f"{X-Timestamp}.{body}"
keyed with the secret, over the body's raw bytes.
"""

import argparse
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def expected_signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verified(secret: str, headers, body: bytes, max_age: int, now: float | None = None) -> bool:
    """Whether the signature is the secret's and the timestamp is recent."""
    timestamp = headers.get("X-Timestamp", "")
    if not timestamp.isdigit():
        return False
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > max_age:
        return False
    given = headers.get("X-Signature", "")
    return hmac.compare_digest(given, expected_signature(secret, timestamp, body))


def make_handler(secret: str, *, out=None, max_age: int = 300, strict: bool = False):
    """The request handler class for ``ThreadingHTTPServer``, printing to ``out``."""

    class CallbackHandler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            ok = verified(secret, self.headers, body, max_age)
            try:
                event = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                event = {}
            print(
                f"delivery {self.headers.get('X-Delivery-Id', '?')}"
                f"  event {event.get('event', '?')}"
                f"  work order {event.get('work_order', '?')}"
                f"  case {event.get('case', '?')}"
                f"  state {event.get('state', '?')}"
                f"  verified {'yes' if ok else 'no'}",
                file=out or sys.stdout,
                flush=True,
            )
            status = 401 if strict and not ok else 200
            answer = b'{"ok": true}' if status == 200 else b'{"ok": false}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format, *args):  # the one line above is enough
            pass

    return CallbackHandler


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--secret", default=os.environ.get("CALLBACK_SECRET", ""))
    parser.add_argument("--max-age", type=int, default=300, help="seconds (default 300)")
    parser.add_argument("--strict", action="store_true", help="answer 401 when not verified")
    args = parser.parse_args(argv)
    if not args.secret:
        parser.error("give the signing secret: --secret or CALLBACK_SECRET")
    handler = make_handler(args.secret, max_age=args.max_age, strict=args.strict)
    server = ThreadingHTTPServer((args.host, args.port), handler)
    print(f"listening on http://{args.host}:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
