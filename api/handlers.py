"""The events told back to the system that handed a case in, from what happens to the case.

Connected in ``ApiConfig.ready``; each runs inside the transaction of the change it reports, so
the event is kept only with it (``api.events.record_event``):

- django-fsm's ``post_transition`` on the case (after the lower apps' handlers: the deadlines
  the transition opens exist), with the transition method's keyword arguments: classify → 签收
  (accepted; a simple case settled on the spot is also 办结), return_to_channel → 退单
  (returned), reply → 办理结果反馈 (replied), accept and record_outcome → 办结 (closed); an
  objection lodged is not told by itself (the case is not finished): its outcome is;
- the timeline row of a withdrawal → 撤单 (cancelled): only that row says who withdrew, the
  centre or the system itself;
- a new ``routing.ExtensionRequest`` → 延期申请 (extension), when asked before the time limit ends
  (routing knows nothing of the API: the API listens to its rows).
"""

from api.events import case_deadline, chinese_label, handling_unit, record_event
from api.models import ChannelSystem, EventKind
from disputes.models import Classification, ObjectionRoute, State
from disputes.services import transition_action


def _classified(dispute, target, kwargs) -> None:
    classification = kwargs.get("classification", dispute.classification)
    record_event(
        dispute=dispute,
        kind=EventKind.ACCEPTED,
        data={
            "classification": classification,
            "classification_name": chinese_label(Classification, classification),
            "handling_unit": handling_unit(dispute),
        },
        deadline=case_deadline(dispute),
    )
    if target == State.RESOLVED_ON_SPOT:
        record_event(
            dispute=dispute,
            kind=EventKind.CLOSED,
            data={
                "resolution": "resolved_on_spot",
                "payer_response": None,
                "result": kwargs.get("explanation", ""),
                "handling_unit": handling_unit(dispute),
            },
        )


def _returned(dispute, target, kwargs) -> None:
    record_event(
        dispute=dispute,
        kind=EventKind.RETURNED,
        data={"reason": kwargs.get("reason", ""), "basis": kwargs.get("basis", "")},
    )


def _replied(dispute, target, kwargs) -> None:
    record_event(
        dispute=dispute,
        kind=EventKind.REPLIED,
        data={
            "reply": kwargs.get("text", dispute.reply_text),
            "handling_unit": handling_unit(dispute),
        },
    )


def _accepted_by_payer(dispute, target, kwargs) -> None:
    record_event(
        dispute=dispute,
        kind=EventKind.CLOSED,
        data={
            "resolution": "accepted",
            "payer_response": "accepted",
            "handling_unit": handling_unit(dispute),
        },
    )


def _objection_decided(dispute, target, kwargs) -> None:
    record_event(
        dispute=dispute,
        kind=EventKind.CLOSED,
        data={
            "resolution": "objection_decided",
            "payer_response": "objected",
            "objection_route": dispute.objection_route,
            "objection_route_name": chinese_label(ObjectionRoute, dispute.objection_route),
            "outcome": kwargs.get("outcome", dispute.objection_outcome),
            "handling_unit": handling_unit(dispute),
        },
    )


ON_TRANSITION = {
    "classify": _classified,
    # The centres' 退单 (another helper's transition): handled by name, so it works once it lands.
    "return_to_channel": _returned,
    "reply": _replied,
    "accept": _accepted_by_payer,
    "record_outcome": _objection_decided,
}


def on_transition(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    react = ON_TRANSITION.get(name)
    # Only a case a system handed in has someone to tell (the others cost no query here).
    if react is not None and instance.delivered_by_id is not None:
        react(instance, target, method_kwargs or {})


def on_timeline_entry(sender, instance, created, raw=False, **kwargs):
    """A withdrawal's timeline row (written in the withdrawal's transaction): 撤单."""
    if not created or raw or instance.action != transition_action("withdraw"):
        return
    dispute = instance.dispute
    if dispute.delivered_by_id is None:
        return
    by_system = ChannelSystem.objects.filter(user_id=instance.actor_id).exists()
    record_event(
        dispute=dispute,
        kind=EventKind.CANCELLED,
        data={
            "reason": dispute.withdrawal_reason or instance.note,
            "by": "system" if by_system else "centre",
        },
    )


def on_extension_requested(sender, instance, created, raw=False, **kwargs):
    """An extension asked for before its time limit ends: 延期申请 (one asked after it is no
    news to the hotline: the limit has passed)."""
    if not created or raw:
        return
    deadline = instance.deadline
    if instance.requested_at > deadline.due_at or deadline.dispute.delivered_by_id is None:
        return
    record_event(
        dispute=deadline.dispute,
        kind=EventKind.EXTENSION,
        data={"reason": instance.reason, "working_days": instance.working_days},
        deadline=deadline,
    )
