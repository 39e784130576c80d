"""Who may do what with a case's time limits and clocks.

The owning centre stops the clocks while the case waits on the payer and restarts them when
the payer answers. Whoever a time limit is on asks to extend it — the department's officers,
or the owning centre for the centre's own limits — and the coordinator or the county's
leading-group office decides.
"""

from departments.models import Role, roles_of, staff_of
from disputes import rules
from disputes.memo import remember


def clocks_paused(dispute) -> bool:
    """The case waits on the payer: its clocks are stopped. Asked by both clock actions, once
    per case page."""
    return remember(
        "routing.paused", dispute, lambda: dispute.pauses.filter(ended_at__isnull=True).exists()
    )


def may_stop_clocks(dispute, user) -> bool:
    """The owning centre stops and restarts the case's clocks."""
    return rules.can_handle_at_centre(dispute, user)


def may_pause(dispute) -> bool:
    return dispute.is_open and not clocks_paused(dispute)


def may_resume(dispute) -> bool:
    return dispute.is_open and clocks_paused(dispute)


def may_request_extension(deadline, user) -> bool:
    if deadline.department_id:
        return rules.is_department_officer(user, deadline.department_id)
    return rules.can_handle_at_centre(deadline.dispute, user)


def may_decide_extension(deadline, user) -> bool:
    dispute = deadline.dispute
    return rules.can_coordinate(dispute, user) or (
        Role.LEADING_GROUP_OFFICE in roles_of(user) and rules.is_leading_group(dispute, user)
    )


# -- urging (催办) ------------------------------------------------------------------------


def _covers(staff, dispute) -> bool:
    return (
        staff is not None
        and staff.jurisdiction_id is not None
        and dispute.jurisdiction.path.startswith(staff.jurisdiction.path)
    )


def can_urge(dispute, user) -> bool:
    """Those overseeing the case urge its departments on: the owning centre's coordinator, the
    leading-group office of the case's county, a supervisor whose area covers the case."""
    if rules.can_coordinate(dispute, user):
        return True
    roles = roles_of(user)
    if not roles & {Role.LEADING_GROUP_OFFICE, Role.SUPERVISOR}:
        return False
    return _covers(staff_of(user), dispute)


def is_urgeable(deadline) -> bool:
    """A department's limit still open: running (not paused), or overdue and not yet met."""
    return (
        deadline.department_id is not None
        and deadline.met_at is None
        and deadline.paused_at is None
        and deadline.status in (*deadline.RUNNING, deadline.Status.OVERDUE)
    )


def urgeable_deadlines(dispute):
    """The case's limits a department may be urged on (the same test as ``is_urgeable``)."""
    from routing.models import Deadline

    return Deadline.objects.filter(
        dispute=dispute,
        department__isnull=False,
        met_at__isnull=True,
        paused_at__isnull=True,
        status__in=[*Deadline.RUNNING, Deadline.Status.OVERDUE],
    )


def case_deadlines(dispute) -> list:
    """The case's limits (not cancelled) as its page shows them, with each one's urging notice
    and circular and whether it was urged by hand: read once per page, for the time-limits
    section and the urging action alike."""
    from django.db.models import Exists, OuterRef

    from routing.models import Deadline, Urging

    return remember(
        "routing.deadlines",
        dispute,
        lambda: list(
            Deadline.objects.filter(dispute=dispute)
            .exclude(status=Deadline.Status.CANCELLED)
            .select_related("department", "centre", "urging_notice", "late_circular")
            .annotate(urged_by_hand=Exists(Urging.objects.filter(deadline=OuterRef("pk"))))
            .order_by("started_at", "pk")
        ),
    )


def may_urge(dispute) -> bool:
    """The case is open and one of its departments has an open limit."""
    return dispute.is_open and any(is_urgeable(d) for d in case_deadlines(dispute))


def officer_department(user) -> int | None:
    """The department whose urgings an officer's queue marks, or None (not an officer)."""
    staff = staff_of(user)
    if staff is None or not staff.department_id or Role.OFFICER not in roles_of(user):
        return None
    return staff.department_id
