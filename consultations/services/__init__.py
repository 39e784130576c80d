"""Operations of consultations: joint handling (``joint``), the leading group's meetings
(``meetings``), their minutes and tasks (``minutes``) and the court's follow-up (``court``).
Callers import from here. Reads live in ``consultations.selectors`` and who may do what in
``consultations.rules``."""

from consultations.services.court import court_report
from consultations.services.joint import (
    awaited_tasks,
    discipline_commission,
    discipline_refer,
    dispute_approve,
    dispute_consolidate,
    dispute_escalate,
    dispute_return,
    opinion_give,
    opinions_settled,
    refusing_tasks,
    task_decline,
    task_for_officer,
    task_reassign,
    unsettled_tasks,
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

__all__ = [
    "TaskData",
    "agenda_add",
    "agenda_remove",
    "attendance_add",
    "awaited_tasks",
    "court_report",
    "decision_task_complete",
    "discipline_commission",
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
    "opinions_settled",
    "policy_issue_raise",
    "refusing_tasks",
    "task_decline",
    "task_for_officer",
    "task_reassign",
    "unsettled_tasks",
]
