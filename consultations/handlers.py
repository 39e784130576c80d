"""Reactions to case transitions, run inside the transition's transaction."""

from django.utils.translation import gettext as _

from consultations.models import DecisionTask, DepartmentTask
from departments.models import Department
from disputes.followup import REDOS_FOR_LEADING_GROUP
from disputes.models import State
from disputes.notifications import notify
from routing.deadlines import cancel_deadlines, leading_group_office_for, open_deadline
from routing.models import Deadline, Stage

# States in which departments give written opinions: joint handling, and a major case while
# the leading group considers it and its special team handles it.
OPINION_STATES = (State.JOINT_HANDLING, State.ESCALATED, State.SPECIAL_HANDLING)
# Entering these opens a sub-task for every assigned department that has none yet.
OPENING_STATES = (State.JOINT_HANDLING, State.SPECIAL_HANDLING)


def sync_department_tasks(sender, instance, name, source, target, **kwargs):
    """Open the departments' sub-tasks when their work starts; close the unanswered ones when
    the case moves past the stage where opinions are given."""
    if target in OPENING_STATES:
        _open_tasks(instance)
    elif target not in OPINION_STATES:
        withdraw_pending_tasks(instance)
    if name == "redo" and instance.redo_count >= REDOS_FOR_LEADING_GROUP:
        _tell_leading_group(instance)
    if target == State.WITHDRAWN:
        # The routing handler cancels the deadlines; the meeting's tasks end with them.
        DecisionTask.objects.filter(item__dispute=instance, status=DecisionTask.Status.OPEN).update(
            status=DecisionTask.Status.CANCELLED
        )


def _tell_leading_group(dispute) -> None:
    """A case redone again is the leading-group office's to follow (its workbench lists it)."""
    notify(
        users=leading_group_office_for(dispute),
        dispute=dispute,
        kind="consultations.case.redone_again",
        message=_(
            "Case %(number)s is being redone for the %(times)d. time: the payer is still not "
            "satisfied."
        )
        % {"number": dispute.number, "times": dispute.redo_count},
    )


def withdraw_pending_tasks(dispute, department=None) -> None:
    pending = DepartmentTask.objects.filter(dispute=dispute, status=DepartmentTask.Status.PENDING)
    if department is not None:
        pending = pending.filter(department=department)
    deadline_ids = [d for d in pending.values_list("deadline_id", flat=True) if d]
    pending.update(status=DepartmentTask.Status.WITHDRAWN)
    cancel_deadlines(Deadline.objects.filter(pk__in=deadline_ids))


def open_task(dispute, department_id, role) -> DepartmentTask:
    """A department's sub-task, with its own deadline for the written opinion."""
    department = Department.objects.get(pk=department_id)
    # A dispatched referral has already given the undertaking department its limit (the
    # report-back date of the referral sheet, opened by routing's handler just before): the
    # task bears that one rather than a second limit for the same work.
    deadline = (
        Deadline.objects.running()
        .filter(
            dispute=dispute,
            department=department,
            stage=Stage.REFERRAL_FEEDBACK,
            department_task__isnull=True,
        )
        .first()
    ) or open_deadline(dispute=dispute, stage=Stage.DEPARTMENT_OPINION, department=department)
    return DepartmentTask.objects.create(
        dispute=dispute,
        department=department,
        role=role,
        deadline=deadline,
        round=dispute.reply_round,
    )


def _open_tasks(dispute) -> None:
    wanted = {}
    if dispute.lead_department_id:
        wanted[dispute.lead_department_id] = DepartmentTask.Role.LEAD
    for department_id in dispute.co_departments.values_list("pk", flat=True):
        wanted.setdefault(department_id, DepartmentTask.Role.CO)
    live = set(
        DepartmentTask.objects.filter(dispute=dispute, round=dispute.reply_round)
        .exclude(status=DepartmentTask.Status.WITHDRAWN)
        .values_list("department_id", flat=True)
    )
    for dept, role in wanted.items():
        if dept not in live:
            open_task(dispute, dept, role)
