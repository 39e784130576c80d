"""Reactions to case transitions, run inside the transition's transaction."""

from consultations.models import DepartmentTask
from disputes.models import State


def open_department_tasks(sender, instance, name, source, target, **kwargs):
    """A case entering joint handling gets one sub-task per assigned department."""
    if target != State.JOINT_HANDLING:
        return
    wanted = {}
    if instance.lead_department_id:
        wanted[instance.lead_department_id] = DepartmentTask.Role.LEAD
    for department_id in instance.co_departments.values_list("pk", flat=True):
        wanted.setdefault(department_id, DepartmentTask.Role.CO)
    live = set(
        DepartmentTask.objects.filter(dispute=instance)
        .exclude(status=DepartmentTask.Status.WITHDRAWN)
        .values_list("department_id", flat=True)
    )
    DepartmentTask.objects.bulk_create(
        DepartmentTask(dispute=instance, department_id=dept, role=role)
        for dept, role in wanted.items()
        if dept not in live
    )
