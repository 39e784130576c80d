"""Operations of consultations: joint handling (``joint``), the leading group's meetings
(``meetings``), their minutes and tasks (``minutes``), the court's follow-up (``court``) and
the office's supervision of a case (``supervision``).
Callers import from here. Reads live in ``consultations.selectors`` and who may do what in
``consultations.rules``."""

from consultations.services.court import court_report
from consultations.services.joint import (
    discipline_refer,
    dispute_approve,
    dispute_consolidate,
    dispute_escalate,
    dispute_return,
    opinion_give,
    task_decline,
    task_reassign,
)
from consultations.services.meetings import (
    TaskData,
    agenda_add,
    agenda_remove,
    attendance_add,
    item_decide,
    meeting_cancel,
    meeting_create,
    meeting_record_held,
    meeting_update,
    policy_issue_raise,
)
from consultations.services.minutes import (
    decision_task_complete,
    minutes_issue,
    minutes_save,
    minutes_sign_off,
    minutes_submit,
)
from consultations.services.supervision import (
    supervision_close,
    supervision_open,
    supervision_report,
)

__all__ = [
    "TaskData",
    "agenda_add",
    "agenda_remove",
    "attendance_add",
    "court_report",
    "decision_task_complete",
    "discipline_refer",
    "dispute_approve",
    "dispute_consolidate",
    "dispute_escalate",
    "dispute_return",
    "item_decide",
    "meeting_cancel",
    "meeting_create",
    "meeting_record_held",
    "meeting_update",
    "minutes_issue",
    "minutes_save",
    "minutes_sign_off",
    "minutes_submit",
    "opinion_give",
    "policy_issue_raise",
    "supervision_close",
    "supervision_open",
    "supervision_report",
    "task_decline",
    "task_reassign",
]
