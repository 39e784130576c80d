"""Queuing and sending text messages.

Queuing never fails what caused it: the message row is written in the caller's transaction (in
a savepoint of its own), and any error building or queuing it is logged, never raised. Once
the transaction commits, a task (``disputes.tasks.send_sms``) sends it.

Sending: an attempt first claims the row (a conditional update: queued, due, no attempt under
way; the claim lasts ``lease()``), so a task run twice, or queued again by the beat job, never
sends a message twice while another attempt has it. A failed attempt is tried again
``SMS_RETRY_SECONDS`` later, the wait doubling up to ``SMS_RETRY_MAX_SECONDS``; after
``SMS_MAX_ATTEMPTS`` attempts the message is *failed*. A worker that dies leaves its claim to
run out; the beat job (``requeue``) queues what is left waiting.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from departments.models import Staff
from disputes.sms import catalogue
from disputes.sms.backends import Outgoing, get_backend
from disputes.sms.models import SmsMessage, SmsTemplate
from disputes.sms.texts import render
from disputes.validators import is_mobile, normalise_number

logger = logging.getLogger(__name__)


# -- queuing -------------------------------------------------------------------------------


def _templates(codes: Iterable[str]) -> dict[str, SmsTemplate]:
    return {t.code: t for t in SmsTemplate.objects.filter(code__in=list(codes), active=True)}


def _queue(rows: list[SmsMessage]) -> list[SmsMessage]:
    """Write the rows and send each once the transaction commits."""
    rows = SmsMessage.objects.bulk_create(rows)
    for row in rows:
        transaction.on_commit(lambda pk=row.pk: enqueue(pk), robust=True)
    return rows


def _safely(what: str, build) -> list[SmsMessage]:
    """Run ``build`` in a savepoint; an error is logged (and its rows undone), never raised."""
    try:
        with transaction.atomic():
            return build()
    except Exception:
        logger.exception("Text messages not queued (%s)", what)
        return []


def _case_values(dispute) -> dict:
    if dispute is None:
        return {}
    return {"number": dispute.number, "centre": dispute.centre.name}


def officers_notified(
    *, users: Iterable, kind: str, message: str, dispute=None, context: dict | None = None
) -> list[SmsMessage]:
    """The text to the officers of a notice (``disputes.notifications.notify``), when its kind
    texts them (``catalogue.OFFICER_KINDS``): each active user with a mobile phone."""
    rule = catalogue.OFFICER_KINDS.get(kind)
    if rule is None:
        return []
    context = dict(context or {})
    if rule.only_if and not context.get(rule.only_if):
        return []
    users = list(users)

    def build():
        template = _templates([rule.template]).get(rule.template)
        if template is None:
            return []
        staff = Staff.objects.filter(user__in=[u.pk for u in users], user__is_active=True).exclude(
            phone=""
        )
        values = {**_case_values(dispute), "message": message, **context}
        rows = [
            SmsMessage(
                template_code=template.code,
                phone=normalise_number(s.phone),
                text=render(template.text, {**values, "name": s.full_name}),
                user_id=s.user_id,
                dispute=dispute,
            )
            for s in staff
            if is_mobile(s.phone)
        ]
        return _queue(rows)

    return _safely(kind, build)


def status_url() -> str:
    path = reverse("public_status")
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return base + path if base else path


def payer_texted(*, dispute, template_code: str) -> list[SmsMessage]:
    """The text to the payer of a case (``catalogue.PAYER_*``): only when they asked for them
    at registration, to the representative's mobile number given for the case."""
    if not dispute.sms_opt_in:
        return []

    def build():
        party = dispute.parties.filter(is_representative=True).first()
        if party is None or not is_mobile(party.phone):
            return []
        template = _templates([template_code]).get(template_code)
        if template is None:
            return []
        values = {
            **_case_values(dispute),
            "query_code": dispute.query_code,
            "status_url": status_url(),
        }
        row = SmsMessage(
            template_code=template.code,
            phone=normalise_number(party.phone),
            text=render(template.text, values),
            dispute=dispute,
        )
        return _queue([row])

    return _safely(template_code, build)


def enqueue(message_id: int, *, countdown: float | None = None) -> None:
    """Queue an attempt (in the worker). A broker that cannot be reached is logged: the beat
    job queues the message again later."""
    from disputes.tasks import send_sms

    try:
        send_sms.apply_async((message_id,), countdown=countdown)
    except Exception:
        logger.exception("Text message %s not queued; the beat job will queue it", message_id)


# -- sending -------------------------------------------------------------------------------


def lease() -> timedelta:
    """How long an attempt's claim lasts: well beyond what one send may take."""
    return timedelta(seconds=2 * settings.SMS_GATEWAY_TIMEOUT + 30)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: doubling from the first wait."""
    first, cap = settings.SMS_RETRY_SECONDS, settings.SMS_RETRY_MAX_SECONDS
    return timedelta(seconds=min(first * 2 ** min(max(attempts - 1, 0), 20), cap))


def _due(now) -> Q:
    return Q(status=SmsMessage.Status.QUEUED, next_attempt_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    )


def attempt(message_id: int) -> str:
    """One attempt at sending the message, when it is due and no other attempt has it; what
    happened, in a word (for the task's log)."""
    now = timezone.now()
    until = now + lease()
    claimed = (
        SmsMessage.objects.filter(pk=message_id)
        .filter(_due(now))
        .update(claimed_until=until, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "not due"
    message = SmsMessage.objects.get(pk=message_id)
    outgoing = Outgoing(
        phone=message.phone,
        text=message.text,
        template=message.template_code,
        reference=str(message.pk),
    )
    try:
        sent = get_backend(fail_silently=True).send_messages([outgoing])
    except Exception as exc:  # a backend's bug or its configuration: recorded, tried again
        logger.exception("Text message %s: the backend failed", message_id)
        sent, outgoing.error = 0, f"{type(exc).__name__}: {exc}"
    return _record(message, until, bool(sent), outgoing)


def _record(message: SmsMessage, until, sent: bool, outgoing: Outgoing) -> str:
    now = timezone.now()
    mine = SmsMessage.objects.filter(pk=message.pk, claimed_until=until)
    if sent:
        done = mine.update(
            status=SmsMessage.Status.SENT,
            sent_at=now,
            gateway_id=outgoing.gateway_id[:64],
            last_error="",
            claimed_until=None,
        )
        outcome = "sent"
    elif message.attempts >= settings.SMS_MAX_ATTEMPTS:
        error = outgoing.error or "?"
        done = mine.update(
            status=SmsMessage.Status.FAILED, last_error=error[:300], claimed_until=None
        )
        outcome = "failed"
        if done:
            logger.warning("Text message %s failed after %s attempts", message.pk, message.attempts)
    else:
        wait = backoff(message.attempts)
        done = mine.update(
            next_attempt_at=now + wait,
            last_error=(outgoing.error or "?")[:300],
            claimed_until=None,
        )
        if done:
            pk = message.pk
            transaction.on_commit(lambda: enqueue(pk, countdown=wait.total_seconds()))
        outcome = "retry"
    if not done:
        # The claim ran out before the backend answered, and another attempt has the row now.
        logger.warning("Text message %s: answer after the claim ran out (%s)", message.pk, outcome)
        return "late"
    return outcome


def requeue(*, limit: int = 500) -> int:
    """The beat job: queue again what is due and has no attempt under way, one beat period
    after it fell due (before that its own task is still expected): the messages whose task
    was lost with a worker, or with a broker that could not be reached. How many."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.SMS_SWEEP_SECONDS)
    pks = list(
        SmsMessage.objects.filter(_due(now), next_attempt_at__lte=stale)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in pks:
        enqueue(pk)
    return len(pks)
