"""Pushing the events to the systems' callback URLs: the worker's work, never a request's, so a
system that is down slows neither intake nor the case pages.

The request
    ``POST <callback URL>``, the body the event's JSON (UTF-8, the payload of ``api.events``),
    with the headers::

        Content-Type: application/json; charset=utf-8
        X-Delivery-Id: 17            the event's number for this system (the body's delivery_id)
        X-Event-Id: 0b6f…            the event's UUID (the body's event_id)
        X-Timestamp: 1741570200      Unix seconds when this attempt was signed
        X-Signature: sha256=<hex>    HMAC-SHA256 over f"{X-Timestamp}.{body}", keyed with the
                                     system's signing secret (``ChannelSystem.callback_secret``)

    A receiver recomputes the signature over the raw bytes of the body and compares it in
    constant time; it refuses a timestamp more than a few minutes away from its own clock (a
    captured request replayed later), and it keeps the event ids it has seen: the same event
    may arrive more than once (below), always with the same delivery id and event id.
    ``scripts/callback_receiver.py`` is a small receiver that does all this.

Success
    Any 2xx answer, within the timeouts (``API_DELIVERY_CONNECT_TIMEOUT`` to connect,
    ``API_DELIVERY_READ_TIMEOUT`` for each read). Redirects are not followed (a 3xx is a
    failure: the body would be lost, or sent to another host); no proxy is used.

Retries
    A failed attempt is tried again ``API_DELIVERY_RETRY_SECONDS`` later, the wait doubling
    up to ``API_DELIVERY_RETRY_MAX_SECONDS``; an attempt failing ``API_DELIVERY_GIVE_UP_SECONDS``
    (a day) or more after the first gives up: the delivery is *failed*, and the administrator
    may replay it (``replay``). Every attempt is counted on the ``Delivery`` row.

In order per case
    An event is not sent while an earlier event of the same system and case is undelivered
    (waiting or given up); once one is delivered, the next of its case is queued.

At least once
    An attempt first claims the row (a conditional update: pending, due, no attempt under
    way), so two workers never post the same event at the same time; the claim lasts
    ``LEASE``. A worker that dies mid-POST leaves its claim to run out: then the beat job
    (``send_due``, every minute) sends the event again. The receiver may so get an event it
    already took (its answer was lost with the worker): it recognises it by its event id.
"""

import contextlib
import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.fields import DateTimeField
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import Delivery, Event

logger = logging.getLogger(__name__)

# What a receiver's answer is read of (for the error shown to the administrator).
ANSWER_BYTES = 300


def lease() -> timedelta:
    """How long an attempt's claim lasts: well beyond what one POST may take."""
    return timedelta(
        seconds=2 * (settings.API_DELIVERY_CONNECT_TIMEOUT + settings.API_DELIVERY_READ_TIMEOUT)
        + 30
    )


# -- the request ---------------------------------------------------------------------------


def body_of(event: Event) -> bytes:
    return json.dumps(
        event.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True
    ).encode("utf-8")


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` keyed with ``secret``."""
    digest = hmac.new(
        secret.encode("utf-8"), str(timestamp).encode("ascii") + b"." + body, hashlib.sha256
    ).hexdigest()
    return f"sha256={digest}"


def headers_for(event: Event, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "X-Delivery-Id": str(event.sequence),
        "X-Event-Id": str(event.uid),
        "X-Timestamp": str(timestamp),
        "X-Signature": signature(event.system.callback_secret, timestamp, body),
        "User-Agent": "dispute-centre-callback/1",
    }


class _ReadTimeout:
    """Connect within the connect timeout (the one urllib passes), then read within the read
    timeout."""

    def connect(self):
        super().connect()
        self.sock.settimeout(settings.API_DELIVERY_READ_TIMEOUT)


class _HTTPConnection(_ReadTimeout, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_ReadTimeout, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req, context=self._context)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises the 3xx as an HTTPError


def _opener() -> urllib.request.OpenerDirector:
    # Built by hand: http and https only (no file:, ftp:, data:), no proxy, no redirects.
    opener = urllib.request.OpenerDirector()
    for handler in (
        _HTTPHandler(),
        _HTTPSHandler(),
        _NoRedirect(),
        urllib.request.UnknownHandler(),  # any other scheme: "unknown url type"
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST ``body``; the answer's status (None when there was none) and what went wrong
    ("" for a 2xx)."""
    try:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        with _opener().open(request, timeout=settings.API_DELIVERY_CONNECT_TIMEOUT) as answer:
            status = answer.status
            # The answer is taken: a slow or broken body changes nothing.
            with contextlib.suppress(OSError, http.client.HTTPException):
                answer.read(ANSWER_BYTES)
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            return exc.code, _("Redirected to %(location)s: redirects are not followed.") % {
                "location": exc.headers.get("Location", "?")
            }
        try:
            said = exc.read(ANSWER_BYTES).decode("utf-8", "replace").strip()
        except (OSError, http.client.HTTPException):
            said = ""
        return exc.code, _("The receiver answered %(status)d. %(said)s") % {
            "status": exc.code,
            "said": said,
        }
    except TimeoutError:
        return None, _("No answer in time.")
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            return None, _("No connection in time.")
        return None, _("Could not connect: %(reason)s") % {"reason": reason}
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return None, _("The exchange failed: %(error)s") % {"error": str(exc) or type(exc).__name__}
    if not 200 <= status < 300:
        return status, _("The receiver answered %(status)d.") % {"status": status}
    return status, ""


# -- when, and in which order --------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: doubling from the first wait."""
    first = settings.API_DELIVERY_RETRY_SECONDS
    cap = settings.API_DELIVERY_RETRY_MAX_SECONDS
    # 2**20 waits are far beyond any cap: no huge integers for a delivery tried often.
    return timedelta(seconds=min(first * 2 ** min(max(attempts - 1, 0), 20), cap))


def _due(now) -> Q:
    return (
        Q(status=Delivery.Status.PENDING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
    )


def _undelivered_before(system, dispute, sequence):
    """The deliveries of the same system and case before ``sequence`` not delivered yet
    (waiting or given up); the arguments are values or ``OuterRef``s."""
    return Delivery.objects.filter(
        event__system=system, event__dispute=dispute, event__sequence__lt=sequence
    ).exclude(status=Delivery.Status.DELIVERED)


def earlier_undelivered():
    """For a subquery on deliveries: an earlier event of the same case still undelivered."""
    return _undelivered_before(
        OuterRef("event__system"), OuterRef("event__dispute"), OuterRef("event__sequence")
    )


def waits_behind(delivery: Delivery) -> bool:
    event = delivery.event
    return _undelivered_before(event.system_id, event.dispute_id, event.sequence).exists()


def _claim(pk: int, now) -> datetime | None:
    """Take the delivery for one attempt: the claim's end, or None when it is not due, not
    pending or taken by an attempt under way. The conditions sit on the row itself (no join),
    so PostgreSQL checks them again on the row it updates, when two claims race."""
    until = now + lease()
    taken = (
        Delivery.objects.filter(pk=pk)
        .filter(_due(now))
        .update(
            claimed_until=until,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            first_attempt_at=Coalesce("first_attempt_at", Value(now, DateTimeField())),
            # A claim that ran out: the attempt before never finished (its worker died).
            last_error=Case(
                When(
                    claimed_until__isnull=False,
                    then=Value(_("The previous attempt did not finish (its worker stopped).")),
                ),
                default=F("last_error"),
            ),
        )
    )
    return until if taken else None


# -- attempts ------------------------------------------------------------------------------


def attempt(delivery_id: int) -> str:
    """One attempt at delivering, when it is due and no earlier event of its case is waiting;
    what happened, in a word (for the task's log)."""
    delivery = Delivery.objects.select_related("event").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != Delivery.Status.PENDING:
        return "not pending"
    if waits_behind(delivery):
        return "waiting"
    now = timezone.now()
    until = _claim(delivery_id, now)
    if until is None:
        return "not due"
    return _send(delivery_id, until)


def _send(delivery_id: int, until) -> str:
    delivery = Delivery.objects.select_related("event__system").get(pk=delivery_id)
    event = delivery.event
    system = event.system
    if not system.callback_url or not system.active:
        _record(
            delivery,
            until,
            None,
            _("The system has no callback URL any more.")
            if system.active
            else _("The system is switched off."),
            None,
            give_up=True,
        )
        return "failed"
    body = body_of(event)
    headers = headers_for(event, body, int(timezone.now().timestamp()))
    started = time.monotonic()
    status, error = post(system.callback_url, body, headers)
    duration_ms = int((time.monotonic() - started) * 1000)
    return _record(delivery, until, status, error, duration_ms)


def _record(delivery, until, status, error, duration_ms, *, give_up=False) -> str:
    now = timezone.now()
    mine = Delivery.objects.filter(pk=delivery.pk, claimed_until=until)
    common = {
        "last_status": status,
        "last_error": error[:300],
        "last_duration_ms": duration_ms,
        "claimed_until": None,
    }
    if not error:
        done = mine.update(
            status=Delivery.Status.DELIVERED, delivered_at=now, next_attempt_at=None, **common
        )
        if done:
            transaction.on_commit(lambda: enqueue_next(delivery))
        outcome = "delivered"
    else:
        delivery.refresh_from_db(fields=["attempts", "first_attempt_at"])
        first = delivery.first_attempt_at or now
        if give_up or now - first >= timedelta(seconds=settings.API_DELIVERY_GIVE_UP_SECONDS):
            done = mine.update(status=Delivery.Status.FAILED, next_attempt_at=None, **common)
            outcome = "failed"
        else:
            wait = backoff(delivery.attempts)
            done = mine.update(next_attempt_at=now + wait, **common)
            if done:
                pk = delivery.pk
                transaction.on_commit(lambda: enqueue(pk, countdown=wait.total_seconds()))
            outcome = "retry"
    if not done:
        # The claim ran out before the answer came, and another attempt has the row now.
        logger.warning("delivery %s: answer after the claim ran out (%s)", delivery.pk, outcome)
        return "late"
    return outcome


def enqueue(delivery_id: int, *, countdown: float | None = None) -> None:
    """Queue an attempt (in the worker)."""
    from api.tasks import deliver_event

    deliver_event.apply_async((delivery_id,), countdown=countdown)


def enqueue_next(delivery: Delivery) -> None:
    """Once ``delivery`` is delivered: queue the next waiting event of its case."""
    event = delivery.event
    following = (
        Delivery.objects.filter(
            status=Delivery.Status.PENDING,
            event__system_id=event.system_id,
            event__dispute_id=event.dispute_id,
            event__sequence__gt=event.sequence,
        )
        .order_by("event__sequence")
        .values_list("pk", flat=True)
        .first()
    )
    if following is not None:
        enqueue(following)


# -- the beat's catch-up, and the administrator's replay ------------------------------------


def send_due(*, limit: int = 500, budget_seconds: float | None = None) -> int:
    """Send what is due and not waiting behind an earlier event, oldest due first: the
    deliveries whose task was lost (a worker died), or whose retry is due. Each is taken in a
    short transaction (on PostgreSQL ``FOR UPDATE SKIP LOCKED``: two runs at once take
    different rows, never wait on each other) and claimed before its POST, which runs outside
    any transaction. Stops after ``limit`` attempts or ``budget_seconds`` (by default half the
    beat's period: the worker has other work too), whichever comes first; how many were
    attempted."""
    if budget_seconds is None:
        budget_seconds = settings.API_DELIVERY_SWEEP_SECONDS / 2
    started = time.monotonic()
    sent = 0
    while sent < limit and time.monotonic() - started < budget_seconds:
        now = timezone.now()
        with transaction.atomic():
            pk = (
                Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(_due(now))
                .filter(~Exists(earlier_undelivered()))
                .order_by("next_attempt_at", "pk")
                .values_list("pk", flat=True)
                .first()
            )
            until = _claim(pk, now) if pk is not None else None
        if until is None:
            break
        _send(pk, until)
        sent += 1
    return sent


def replay(deliveries) -> int:
    """Send these deliveries again (any status), with the same delivery id and event id, so
    that a receiver that had one already recognises it. The attempts so far stay counted; the
    replay is counted too, and the day of retrying starts again. How many were replayed."""
    now = timezone.now()
    pks = [d.pk for d in deliveries]
    with transaction.atomic():
        count = Delivery.objects.filter(pk__in=pks).update(
            status=Delivery.Status.PENDING,
            next_attempt_at=now,
            first_attempt_at=None,
            replays=F("replays") + 1,
            replayed_at=now,
        )
        for pk in pks:
            transaction.on_commit(lambda pk=pk: enqueue(pk))
    return count
