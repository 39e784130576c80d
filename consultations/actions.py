"""The case actions of joint handling and the leading group, registered on import (by
``ConsultationsConfig.ready``). Who may take them, and when, is in ``consultations.rules``."""

from django.utils.translation import gettext_lazy as _

from consultations import rules as meeting_rules
from disputes.actions import CaseAction, register

register(
    CaseAction(
        "opinion",
        _("Give the department's opinion"),
        "consultations:opinion",
        20,
        permitted=meeting_rules.owes_opinion,
        possible=meeting_rules.in_opinion_state,
    ),
    CaseAction(
        "decline",
        _("Not our duty"),
        "consultations:decline",
        21,
        permitted=meeting_rules.owes_opinion,
        possible=meeting_rules.in_opinion_state,
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
        permitted=meeting_rules.may_reassign,
        possible=meeting_rules.in_opinion_state,
        style="outline-secondary",
    ),
    CaseAction(
        "discipline",
        _("Pass a clue to the discipline commission"),
        "consultations:discipline",
        24,
        permitted=meeting_rules.may_refer_to_discipline,
        possible=meeting_rules.has_refusing_department,
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
        permitted=meeting_rules.may_report_for_court,
        possible=meeting_rules.awaits_the_court,
    ),
    CaseAction(
        "supervise",
        _("Supervise"),
        "consultations:supervise",
        34,
        permitted=meeting_rules.can_supervise,
        possible=meeting_rules.can_open_supervision_now,
        style="outline-danger",
    ),
    CaseAction(
        "supervision_report",
        _("Report on the supervised matter"),
        "consultations:supervision_report",
        35,
        permitted=meeting_rules.can_report_supervision,
        possible=meeting_rules.under_supervision,
    ),
    CaseAction(
        "supervision_close",
        _("Conclude the supervision"),
        "consultations:supervision_close",
        36,
        permitted=meeting_rules.can_conclude_supervision,
        possible=meeting_rules.under_supervision,
        style="outline-secondary",
    ),
)
