"""Reactions to case transitions, run inside the transition's transaction."""

from consultations.models import DepartmentTask
from disputes.models import State

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
        DepartmentTask.objects.filter(
            dispute=instance, status=DepartmentTask.Status.PENDING
        ).update(status=DepartmentTask.Status.WITHDRAWN)


def _open_tasks(dispute) -> None:
    wanted = {}
    if dispute.lead_department_id:
        wanted[dispute.lead_department_id] = DepartmentTask.Role.LEAD
    for department_id in dispute.co_departments.values_list("pk", flat=True):
        wanted.setdefault(department_id, DepartmentTask.Role.CO)
    live = set(
        DepartmentTask.objects.filter(dispute=dispute)
        .exclude(status=DepartmentTask.Status.WITHDRAWN)
        .values_list("department_id", flat=True)
    )
    DepartmentTask.objects.bulk_create(
        DepartmentTask(dispute=dispute, department_id=dept, role=role)
        for dept, role in wanted.items()
        if dept not in live
    )
