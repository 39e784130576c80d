"""What an integrating system is told about the cases it handed in (the 12345 loop).

``record_event`` runs inside the transaction that changes the case (the handlers of
``api/handlers.py``). The event takes the system's next number from its ``EventCounter`` row,
whose lock is held until that transaction commits: the numbers of one system commit in order,
so a system that pulls ``since`` the last number it saw misses nothing. When the system has a
callback URL, a pending ``Delivery`` is written with it and its task queued once the
transaction commits (``api/delivery.py`` does the posting, in the worker). A case that no
system handed in (no ``WorkOrder``) has no events.

The payload is what both the push and the pull carry::

    {"delivery_id": 17, "event_id": "…uuid…", "event": "accepted",
     "work_order": "GD20250301001", "case": "GA-2025-000042",
     "state": "joint_handling", "state_name": "联办中",
     "stage": "general_reply", "stage_name": "…", "due_at": "2025-03-21T23:59:59+08:00",
     "at": "2025-03-10T09:30:00+08:00", "data": {…}}

``stage``/``stage_name``/``due_at`` name a time limit where the event has one (the reply's on
签收, the one to be extended on 延期申请), else null. Never a payer's name, identity number or
phone: the system already has what it sent, and is sent nothing more about the payer.
"""

import uuid
from functools import partial

from django.db import transaction
from django.utils import timezone, translation

from api.delivery import enqueue
from api.models import Delivery, Event, EventCounter, WorkOrder
from departments import clock
from disputes.models import Dispute, State
from disputes.services import counter_take
from routing.models import Deadline, Stage

# The time limits of the case's own course (not a department's sub-task, nor the archiving
# after it is closed): the one ending last is when the payer is to hear the result.
CASE_STAGES = (
    Stage.CLASSIFICATION,
    Stage.TRANSFER_ACCEPTANCE,
    Stage.REFERRAL_DISPATCH,
    Stage.REFERRAL_FEEDBACK,
    Stage.GENERAL_REPLY,
    Stage.LEADER_APPROVAL,
    Stage.CONSULTATION_MEETING,
    Stage.MAJOR_REPLY,
    Stage.REPORT_BACK,
)


def local_iso(moment) -> str | None:
    """ISO 8601 in the centre's time zone, to the second: ``2025-03-10T09:30:00+08:00``."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def handling_unit(dispute: Dispute) -> str:
    """Who handles the case, as the hotline tells the payer: the lead department, else the
    centre that owns the case."""
    if dispute.lead_department_id:
        return dispute.lead_department.name
    return dispute.centre.name


def case_deadline(dispute: Dispute) -> Deadline | None:
    """The case's running time limit that ends last (the reply's, once it is classified)."""
    return (
        Deadline.objects.running()
        .filter(dispute=dispute, stage__in=CASE_STAGES)
        .order_by("-due_at", "-pk")
        .first()
    )


def chinese_label(choices, value) -> str | None:
    """The Chinese label of a choice (the payload is read by Chinese users, whatever the
    language of the process that records it)."""
    if not value:
        return None
    with translation.override("zh-hans"):
        return str(choices(value).label)


def record_event(
    *, dispute: Dispute, kind: str, data: dict | None = None, deadline: Deadline | None = None
) -> Event | None:
    """Record event ``kind`` of the case for the system that handed it in, and queue its
    delivery; nothing (None) for a case that no system handed in.

    Call it inside the transaction that makes the change: the event and its number are kept
    only if that transaction commits, and its delivery starts only then.
    """
    order = WorkOrder.objects.select_related("system").filter(dispute_id=dispute.pk).first()
    if order is None:
        return None
    system = order.system
    with transaction.atomic():
        sequence = counter_take(EventCounter, system=system)
        uid = uuid.uuid4()
        at = clock.now()
        payload = {
            "delivery_id": sequence,
            "event_id": str(uid),
            "event": kind,
            "work_order": order.number,
            "case": dispute.number,
            "state": dispute.state,
            "state_name": chinese_label(State, dispute.state),
            "stage": deadline.stage if deadline else None,
            "stage_name": chinese_label(Stage, deadline.stage) if deadline else None,
            "due_at": local_iso(deadline.due_at) if deadline else None,
            "at": local_iso(at),
            "data": data or {},
        }
        event = Event.objects.create(
            system=system,
            sequence=sequence,
            uid=uid,
            dispute=dispute,
            kind=kind,
            payload=payload,
            created_at=at,
        )
        if system.callback_url:
            # Due at once (real time, whatever moment the operation was given).
            delivery = Delivery.objects.create(event=event, next_attempt_at=timezone.now())
            transaction.on_commit(partial(enqueue, delivery.pk))
    return event


# -- pulling -------------------------------------------------------------------------------

PULL_MAX = 500


def events_since(*, system, since: int, limit: int) -> dict:
    """The system's events numbered above ``since``, in order, at most ``limit`` of them:
    ``{"events": [payload, …], "last": the last number given (or since), "more": bool}``."""
    payloads = list(
        Event.objects.filter(system=system, sequence__gt=since)
        .order_by("sequence")
        .values_list("payload", flat=True)[: limit + 1]
    )
    more = len(payloads) > limit
    payloads = payloads[:limit]
    return {
        "events": payloads,
        "last": payloads[-1]["delivery_id"] if payloads else since,
        "more": more,
    }
