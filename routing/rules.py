"""Who may do what with a case's time limits and clocks.

The owning centre stops the clocks while the case waits on the payer and restarts them when
the payer answers. Whoever a time limit is on asks to extend it — the department's officers,
or the owning centre for the centre's own limits — and the coordinator or the county's
leading-group office decides.
"""

from departments.models import Role, roles_of
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
