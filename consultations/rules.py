"""Who may do what with the leading group's meetings, minutes, their tasks and the court's
follow-up.

Joint handling: an officer answers for their own department — gives its opinion on a pending
sub-task or says the matter is not its duty; the owning centre's coordinator reassigns a
department and passes a refusal to the discipline commission.

Meetings belong to a leading-group office (a centre of the county). Its staff (the office)
run them; the county's leader consents, hosts and signs off; officers of invited
departments and invited people read the meetings that concern them.

The selectors read the rules' constants and ``leads_office`` at call time only (they import
this module, and this module them).
"""

from consultations import selectors
from consultations.handlers import OPINION_STATES
from consultations.models import Meeting
from departments.models import Centre, Role, roles_of, staff_of
from disputes import rules
from disputes.models import State

# What a meeting may discuss: a major consultation needs the leader's consent, given by
# approving the escalation; a general consultation between departments may also take cases
# still in joint handling or awaiting approval.
AGENDA_STATES = {
    Meeting.Kind.MAJOR: (State.SPECIAL_HANDLING,),
    Meeting.Kind.GENERAL: (State.JOINT_HANDLING, State.ESCALATED, State.SPECIAL_HANDLING),
}


# -- joint handling ------------------------------------------------------------------------


def officer_department(user) -> int | None:
    """The department an officer answers for (their desk of sub-tasks), or None."""
    staff = staff_of(user)
    if staff is None or not staff.department_id or Role.OFFICER not in roles_of(user):
        return None
    return staff.department_id


def may_answer_task(task, user) -> bool:
    """Only an officer of the sub-task's department gives its opinion or declines it."""
    return rules.is_department_officer(user, task.department_id)


def owes_opinion(dispute, user) -> bool:
    """The user's department still owes the case an opinion (the opinion and decline actions)."""
    return selectors.pending_task_for(dispute, user) is not None


def in_opinion_state(dispute) -> bool:
    """Departments give opinions while the case is in joint handling or before the leading
    group; a department is reassigned only then."""
    return dispute.state in OPINION_STATES


def may_reassign(dispute, user) -> bool:
    """The owning centre's coordinator moves a department's part to another department."""
    return rules.can_coordinate(dispute, user)


def may_refer_to_discipline(dispute, user) -> bool:
    """The owning centre's coordinator passes a refusal without good reason to the
    discipline commission."""
    return rules.can_coordinate(dispute, user)


def has_refusing_department(dispute) -> bool:
    """An open case a department refuses (declined, or late on its opinion) with no clue passed
    to the discipline commission yet."""
    return dispute.is_open and bool(selectors.consultation_flags(dispute).get("refusing"))


# -- the leading group ----------------------------------------------------------------------


def _covers(staff, office: Centre) -> bool:
    if staff is None or staff.jurisdiction_id is None:
        return False
    return office.jurisdiction.path.startswith(staff.jurisdiction.path)


def office_for(user) -> Centre | None:
    """The leading-group office whose meetings this member of the leading group works with."""
    staff = staff_of(user)
    if staff is None or not roles_of(user) & {Role.LEADING_GROUP_OFFICE, Role.LEADER}:
        return None
    if staff.centre_id and staff.centre.kind == Centre.Kind.LEADING_GROUP_OFFICE:
        return staff.centre
    if staff.jurisdiction_id is None:
        return None
    return (
        Centre.objects.filter(
            kind=Centre.Kind.LEADING_GROUP_OFFICE,
            active=True,
            jurisdiction__path__in=_ancestor_paths(staff.jurisdiction.path),
        )
        .select_related("jurisdiction")
        .order_by("-jurisdiction__path")
        .first()
    )


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def runs_office(user, office: Centre) -> bool:
    """The leading-group office prepares meetings, records them and issues minutes."""
    return Role.LEADING_GROUP_OFFICE in roles_of(user) and _covers(staff_of(user), office)


def leads_office(user, office: Centre) -> bool:
    return Role.LEADER in roles_of(user) and _covers(staff_of(user), office)


def is_leading_group_of(user, office: Centre) -> bool:
    return runs_office(user, office) or leads_office(user, office)


def may_see_meeting(user, meeting) -> bool:
    if getattr(user, "is_superuser", False) or is_leading_group_of(user, meeting.office):
        return True
    if meeting.host_id == user.pk:
        return True
    if Role.SUPERVISOR in roles_of(user) and _covers(staff_of(user), meeting.office):
        return True
    if meeting.invited_people.filter(pk=user.pk).exists():
        return True
    staff = staff_of(user)
    return bool(
        staff is not None
        and staff.department_id
        and Role.OFFICER in roles_of(user)
        and meeting.invited_departments.filter(pk=staff.department_id).exists()
    )


def may_sign_off(user, minutes) -> bool:
    """The person the minutes were sent to: the meeting's host or the county's leader."""
    return minutes.sign_off_by_id == user.pk


def may_complete_task(task, user) -> bool:
    """A task the minutes gave is reported done by its department's officers or the office."""
    staff = staff_of(user)
    if staff is not None and staff.department_id == task.department_id:
        return Role.OFFICER in roles_of(user)
    return runs_office(user, task.item.meeting.office)


def follows_meetings(user) -> bool:
    """Whose menu lists the meetings: the leading group, officers (of invited departments) and
    supervisors; the page itself lists only the meetings each may see."""
    return bool(
        roles_of(user) & {Role.OFFICER, Role.LEADING_GROUP_OFFICE, Role.LEADER, Role.SUPERVISOR}
    )


def awaits_the_court(dispute) -> bool:
    return selectors.pending_court_enforcement(dispute) is not None


def may_report_for_court(dispute, user) -> bool:
    """The case page's court-report action: the case awaits the court and ``user`` records
    its report."""
    enforcement = selectors.pending_court_enforcement(dispute)
    return enforcement is not None and may_record_court_report(enforcement, user)


def may_record_court_report(enforcement, user) -> bool:
    """The court's report is recorded by the court's officers or the office."""
    staff = staff_of(user)
    if staff is not None and staff.department_id == enforcement.court_id:
        return Role.OFFICER in roles_of(user)
    return runs_office(user, enforcement.item.meeting.office)


# -- supervision (督办) ----------------------------------------------------------------------
#
# The leading-group office of the case's county supervises an open case: it names the matter,
# the requirement, the date and the departments; their officers report progress until each
# gives its final report; the office concludes the supervision.


def supervising_office(dispute) -> Centre | None:
    """The leading-group office of the case's county: the one that supervises it."""
    return selectors.county_office(dispute)


def can_supervise(dispute, user) -> bool:
    """The case-page action: staff of the leading-group office of the case's county."""
    if Role.LEADING_GROUP_OFFICE not in roles_of(user):
        return False
    office = supervising_office(dispute)
    return office is not None and runs_office(user, office)


def can_open_supervision_now(dispute) -> bool:
    """An open case not under supervision already (one open supervision at a time)."""
    return dispute.is_open and selectors.open_supervision(dispute) is None


def under_supervision(dispute) -> bool:
    return selectors.open_supervision(dispute) is not None


def can_report_on_supervision(supervision, user) -> bool:
    """An officer of a supervised unit that has not given its final report yet."""
    department_id = officer_department(user)
    if department_id is None or not supervision.is_open:
        return False
    return any(
        unit.department_id == department_id and unit.reported_at is None
        for unit in supervision.units.all()
    )


def can_report_supervision(dispute, user) -> bool:
    """The case-page action: the case's open supervision awaits this officer's unit."""
    supervision = selectors.open_supervision(dispute)
    return supervision is not None and can_report_on_supervision(supervision, user)


def can_close_supervision(supervision, user) -> bool:
    """The office that opened the supervision concludes it."""
    return supervision.is_open and runs_office(user, supervision.office)


def can_conclude_supervision(dispute, user) -> bool:
    """The case-page action: the case's open supervision, and ``user`` is its office."""
    supervision = selectors.open_supervision(dispute)
    return supervision is not None and can_close_supervision(supervision, user)


def can_read_supervision_sheet(supervision, user) -> bool:
    """The supervision sheet (督办单) is taken by its office, the officers of its units, the
    case's owning centre and the supervisors of the county (a view grant alone takes no
    paper). The owning centre and the supervisors are decided by ``reports.rules``."""
    if runs_office(user, supervision.office):
        return True
    department_id = officer_department(user)
    return department_id is not None and any(
        unit.department_id == department_id for unit in supervision.units.all()
    )
