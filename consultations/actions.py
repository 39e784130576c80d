"""The case actions of joint handling and the leading group, registered on import (by
``ConsultationsConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from consultations import handlers, selectors
from consultations import rules as meeting_rules
from disputes import rules
from disputes.actions import CaseAction, register


def has_pending_task(dispute, user) -> bool:
    """The user's department still owes the case an opinion."""
    return selectors.pending_task_for(dispute, user) is not None


def in_opinion_state(dispute) -> bool:
    return dispute.state in handlers.OPINION_STATES


def has_refusing_department(dispute) -> bool:
    """An open case a department refuses (declined, or late on its opinion) with no clue passed
    to the discipline commission yet."""
    return dispute.is_open and bool(selectors.consultation_flags(dispute).get("refusing"))


def may_record_court_report(dispute, user) -> bool:
    return meeting_rules.may_record_court_report(selectors.pending_court_enforcement(dispute), user)


def awaits_the_court(dispute) -> bool:
    return selectors.pending_court_enforcement(dispute) is not None


register(
    CaseAction(
        "opinion",
        _("Give the department's opinion"),
        "consultations:opinion",
        20,
        permitted=has_pending_task,
        possible=in_opinion_state,
    ),
    CaseAction(
        "decline",
        _("Not our duty"),
        "consultations:decline",
        21,
        permitted=has_pending_task,
        possible=in_opinion_state,
        style="outline-secondary",
    ),
    CaseAction(
        "consolidate",
        _("Consolidate opinions"),
        "consultations:consolidate",
        22,
        transition="consolidate",
    ),
    CaseAction(
        "reassign",
        _("Reassign a department"),
        "consultations:reassign",
        23,
        permitted=rules.can_coordinate,
        possible=in_opinion_state,
        style="outline-secondary",
    ),
    CaseAction(
        "discipline",
        _("Pass a clue to the discipline commission"),
        "consultations:discipline",
        24,
        permitted=rules.can_coordinate,
        possible=has_refusing_department,
        style="outline-danger",
    ),
    CaseAction(
        "escalate",
        _("Escalate as a major matter"),
        "consultations:escalate",
        25,
        transition="escalate",
        style="outline-danger",
    ),
    CaseAction("approve", _("Approve"), "consultations:approve", 30, transition="approve"),
    CaseAction(
        "return_escalation",
        _("Return"),
        "consultations:return_escalation",
        31,
        transition="return_escalation",
        style="outline-secondary",
    ),
    CaseAction(
        "court_report",
        _("Record the court's report"),
        "consultations:court_report",
        33,
        permitted=may_record_court_report,
        possible=awaits_the_court,
    ),
)
