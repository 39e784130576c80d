from django.db.models import Case, When

from consultations.models import DepartmentTask
from departments.models import Role, roles_of, staff_of


def pending_task_for(dispute, user) -> DepartmentTask | None:
    """The pending sub-task of the user's department on this case, if they are its officer."""
    staff = staff_of(user)
    if staff is None or not staff.department_id or Role.OFFICER not in roles_of(user):
        return None
    return (
        DepartmentTask.objects.filter(
            dispute=dispute, department_id=staff.department_id, status=DepartmentTask.Status.PENDING
        )
        .select_related("department")
        .first()
    )


def tasks_for_department(department_id):
    return (
        DepartmentTask.objects.filter(department_id=department_id)
        .exclude(status=DepartmentTask.Status.WITHDRAWN)
        .select_related("dispute", "dispute__category", "dispute__centre")
        .annotate(waiting=Case(When(status=DepartmentTask.Status.PENDING, then=0), default=1))
        .order_by("waiting", "dispute__received_at")
    )
