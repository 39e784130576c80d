"""The work queue: cases awaiting *this* user's action, built from every app's rules."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from consultations.handlers import OPINION_STATES
from consultations.models import DepartmentTask
from departments.models import Department, Role, roles_of, staff_of
from disputes.models import OPEN_STATES, Dispute, State
from disputes.selectors import visible_disputes
from routing.models import Deadline

# What the owning centre does next, per state.
CENTRE_STATES = (
    State.REGISTERED,
    State.AWAITING_REPLY,
    State.REPLIED,
    State.OBJECTED,
    State.CLOSED,
    State.RESOLVED_ON_SPOT,
    State.WITHDRAWN,
)


def awaiting_action_filter(user) -> Q | None:
    staff = staff_of(user)
    if staff is None:
        return None
    roles = roles_of(user)
    q = Q(pk__in=[])
    if staff.centre_id and roles & {Role.CLERK, Role.COORDINATOR}:
        q |= Q(centre_id=staff.centre_id, state__in=CENTRE_STATES)
        if Role.COORDINATOR in roles:
            q |= Q(centre_id=staff.centre_id, state=State.JOINT_HANDLING)
    if Role.OFFICER in roles and staff.department_id:
        pending = DepartmentTask.objects.filter(
            dispute_id=OuterRef("pk"),
            department_id=staff.department_id,
            status=DepartmentTask.Status.PENDING,
        )
        anyone_pending = DepartmentTask.objects.filter(
            dispute_id=OuterRef("pk"), status=DepartmentTask.Status.PENDING
        )
        q |= Q(Exists(pending), state__in=OPINION_STATES)
        q |= Q(
            ~Q(Exists(anyone_pending)),
            lead_department_id=staff.department_id,
            state=State.JOINT_HANDLING,
        )
        if staff.department.kind == Department.Kind.GOVERNMENT_OFFICE:
            q |= Q(state=State.REFERRED)
    if Role.LEADER in roles:
        q |= Q(state=State.ESCALATED)
    if Role.LEADING_GROUP_OFFICE in roles:
        q |= Q(state__in=[State.ESCALATED, State.SPECIAL_HANDLING])
    if roles & {Role.SUPERVISOR, Role.CYBERSPACE, Role.GRID_MEDIATOR}:
        q |= Q(state__in=OPEN_STATES)
    return q


def work_queue(user) -> QuerySet[Dispute]:
    """Visible cases awaiting the user's action, oldest first."""
    q = awaiting_action_filter(user)
    if q is None:
        return Dispute.objects.none()
    # Nothing archived awaits anyone: said outright, so that the walk in the queue's order
    # reads the index of the live cases only (dispute_live_received).
    return (
        visible_disputes(user).exclude(state=State.ARCHIVED).filter(q).order_by("received_at", "pk")
    )


def overdue_deadlines(user):
    """Overdue, unfinished time limits of the cases this user works on or oversees, with the
    working days late computed in the page. Officers see their department's; coordinators
    their centre's; the leading group and supervisors those of their county."""
    roles = roles_of(user)
    staff = staff_of(user)
    if staff is None or not roles & {
        Role.COORDINATOR, Role.CLERK, Role.OFFICER, Role.LEADING_GROUP_OFFICE, Role.LEADER,
        Role.SUPERVISOR,
    }:  # fmt: skip
        return Deadline.objects.none()
    qs = Deadline.objects.filter(
        status=Deadline.Status.OVERDUE,
        met_at__isnull=True,
        dispute__in=visible_disputes(user),
    )
    if roles == {Role.OFFICER}:
        qs = qs.filter(department_id=staff.department_id)
    return qs.select_related("dispute", "department", "centre").order_by("due_at", "pk")
