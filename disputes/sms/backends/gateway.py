"""An HTTP SMS gateway: one signed JSON POST per message.

The request
    ``POST settings.SMS_GATEWAY_URL`` with the body (UTF-8 JSON)::

        {"app_key": "...", "sign_name": "芮城县争议处理中心", "phone": "13912345678",
         "text": "...", "template": "payer.registered", "reference": "42"}

    and the headers::

        Content-Type: application/json; charset=utf-8
        X-App-Key: <SMS_GATEWAY_APP_KEY>
        X-Timestamp: 1741570200        Unix seconds when the request was signed
        X-Nonce: 9f86d081884c7d65…      32 random hex digits, new for every request
        X-Signature: <hex>             HMAC-SHA256, keyed with SMS_GATEWAY_SECRET, over the
                                       canonical string (``canonical``)::

                                           <app key> \\n <timestamp> \\n <nonce> \\n <body>

    A gateway recomputes the signature over the raw body, refuses a timestamp far from its
    clock and a nonce it has seen (a request replayed).

The answer
    Sent: a 2xx answer whose JSON says ``"code": 0`` (or ``"0"``, ``"OK"``), with the
    gateway's ``message_id``. Anything else is a failure: no answer within
    ``SMS_GATEWAY_TIMEOUT`` seconds, a redirect (not followed), another status, a body that is
    not such JSON, or another code (its ``message`` is kept as the error).
"""

import hashlib
import hmac
import http.client
import json
import secrets
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from disputes.sms.backends.base import BaseSmsBackend

ANSWER_BYTES = 2000
SUCCESS_CODES = {0, "0", "OK", "ok"}


def canonical(app_key: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return f"{app_key}\n{timestamp}\n{nonce}\n".encode() + body


def signature(secret: str, app_key: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(
        secret.encode("utf-8"), canonical(app_key, timestamp, nonce, body), hashlib.sha256
    ).hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises the 3xx as an HTTPError


def _opener() -> urllib.request.OpenerDirector:
    # http and https only, no proxy, no redirects.
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        _NoRedirect(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


class SmsBackend(BaseSmsBackend):
    def __init__(
        self,
        *args,
        url=None,
        app_key=None,
        secret=None,
        sign_name=None,
        timeout=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.url = url if url is not None else settings.SMS_GATEWAY_URL
        self.app_key = app_key if app_key is not None else settings.SMS_GATEWAY_APP_KEY
        self.secret = secret if secret is not None else settings.SMS_GATEWAY_SECRET
        self.sign_name = sign_name if sign_name is not None else settings.SMS_SIGN_NAME
        self.timeout = timeout if timeout is not None else settings.SMS_GATEWAY_TIMEOUT
        if not (self.url and self.app_key and self.secret):
            raise ImproperlyConfigured(
                "The SMS gateway needs SMS_GATEWAY_URL, SMS_GATEWAY_APP_KEY and SMS_GATEWAY_SECRET"
            )

    def send_messages(self, messages) -> int:
        sent = 0
        for message in messages:
            gateway_id, error = self._post(message)
            if error:
                self.failed(message, error)
            else:
                message.gateway_id = gateway_id
                message.error = ""
                sent += 1
        return sent

    def body_of(self, message) -> bytes:
        payload = {
            "app_key": self.app_key,
            "sign_name": self.sign_name,
            "phone": message.phone,
            "text": message.text,
            "template": message.template,
            "reference": message.reference,
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def headers_for(self, body: bytes) -> dict[str, str]:
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(16)
        return {
            "Content-Type": "application/json; charset=utf-8",
            "X-App-Key": self.app_key,
            "X-Timestamp": timestamp,
            "X-Nonce": nonce,
            "X-Signature": signature(self.secret, self.app_key, timestamp, nonce, body),
            "User-Agent": "dispute-centre-sms/1",
        }

    def _post(self, message) -> tuple[str, str]:
        """The gateway's message id and "", or "" and what went wrong."""
        body = self.body_of(message)
        request = urllib.request.Request(
            self.url, data=body, headers=self.headers_for(body), method="POST"
        )
        try:
            with _opener().open(request, timeout=self.timeout) as answer:
                raw = answer.read(ANSWER_BYTES)
        except urllib.error.HTTPError as exc:
            return "", _("The SMS gateway answered %(status)d.") % {"status": exc.code}
        except TimeoutError:
            return "", _("The SMS gateway did not answer in time.")
        except urllib.error.URLError as exc:
            return "", _("Could not reach the SMS gateway: %(reason)s") % {"reason": exc.reason}
        except (OSError, http.client.HTTPException, ValueError) as exc:
            return "", _("The exchange with the SMS gateway failed: %(error)s") % {
                "error": str(exc) or type(exc).__name__
            }
        try:
            said = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            said = None
        if not isinstance(said, dict) or "code" not in said:
            return "", _("The SMS gateway's answer was not understood.")
        if said["code"] not in SUCCESS_CODES:
            return "", _("The SMS gateway refused the message (code %(code)s): %(said)s") % {
                "code": said["code"],
                "said": str(said.get("message", ""))[:200],
            }
        return str(said.get("message_id") or ""), ""
