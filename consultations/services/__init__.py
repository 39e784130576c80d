"""Operations of consultations: joint handling (``joint``), the leading group's meetings
(``meetings``), their minutes and tasks (``minutes``) and the court's follow-up (``court``).
Callers import from here. Reads live in ``consultations.selectors`` and who may do what in
``consultations.rules``; the few of them re-exported below are for callers not yet moved."""

from consultations.rules import AGENDA_STATES, may_complete_task, may_record_court_report
from consultations.selectors import (
    court_awaited,
    court_of,
    court_reported,
    open_cases_for_agenda,
    signers_for,
    tasks_awaited,
    tasks_done,
)
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
    "AGENDA_STATES",
    "TaskData",
    "agenda_add",
    "agenda_remove",
    "attendance_add",
    "awaited_tasks",
    "court_awaited",
    "court_of",
    "court_report",
    "court_reported",
    "decision_task_complete",
    "discipline_commission",
    "discipline_refer",
    "dispute_approve",
    "dispute_consolidate",
    "dispute_escalate",
    "dispute_return",
    "item_decide",
    "may_complete_task",
    "may_record_court_report",
    "meeting_cancel",
    "meeting_create",
    "meeting_record_held",
    "meeting_update",
    "minutes_issue",
    "minutes_save",
    "minutes_sign_off",
    "minutes_submit",
    "open_cases_for_agenda",
    "opinion_give",
    "opinions_settled",
    "policy_issue_raise",
    "refusing_tasks",
    "signers_for",
    "task_decline",
    "task_for_officer",
    "task_reassign",
    "tasks_awaited",
    "tasks_done",
    "unsettled_tasks",
]
