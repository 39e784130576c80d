"""Who may act on a case: the relation rules behind the state machine's ``permission=``.

Each function takes ``(dispute, user)`` as django-fsm calls it. They read the case's own
relations (owning centre, assigned departments, county) and the user's roles; the same rules
back the visibility selector in ``disputes.selectors``.
"""

from departments.models import Centre, Department, Role, roles_of, staff_of


def _in_county(staff, dispute) -> bool:
    if staff is None or staff.jurisdiction_id is None:
        return False
    return dispute.jurisdiction.path.startswith(staff.jurisdiction.path)


def can_handle_at_centre(dispute, user) -> bool:
    """Clerks and coordinators of the owning centre register, route, reply and archive."""
    staff = staff_of(user)
    if staff is None or staff.centre_id != dispute.centre_id:
        return False
    return bool(roles_of(user) & {Role.CLERK, Role.COORDINATOR})


def can_coordinate(dispute, user) -> bool:
    staff = staff_of(user)
    if staff is None or staff.centre_id != dispute.centre_id:
        return False
    return Role.COORDINATOR in roles_of(user)


def is_department_officer(user, department_id) -> bool:
    staff = staff_of(user)
    return (
        staff is not None
        and department_id is not None
        and staff.department_id == department_id
        and Role.OFFICER in roles_of(user)
    )


def can_dispatch(dispute, user) -> bool:
    """The government office dispatches referred cases (12345 hotline mechanism)."""
    staff = staff_of(user)
    if staff is None or staff.department_id is None or Role.OFFICER not in roles_of(user):
        return False
    return staff.department.kind == Department.Kind.GOVERNMENT_OFFICE


def can_consolidate(dispute, user) -> bool:
    return can_coordinate(dispute, user) or is_department_officer(user, dispute.lead_department_id)


def can_lead(dispute, user) -> bool:
    """The leading-group leader approves or returns escalations in their county."""
    return Role.LEADER in roles_of(user) and _in_county(staff_of(user), dispute)


def can_decide_special(dispute, user) -> bool:
    """The leading-group office records the decision of a special-handling case."""
    return Role.LEADING_GROUP_OFFICE in roles_of(user) and _in_county(staff_of(user), dispute)


def intake_centre(user):
    """The centre a new case from this user belongs to, or None when they may not register.

    Clerks and coordinators register at their own centre; a grid mediator's report goes to the
    processing centre of the town above their village.
    """
    staff = staff_of(user)
    if staff is None:
        return None
    roles = roles_of(user)
    if roles & {Role.CLERK, Role.COORDINATOR} and staff.centre_id:
        return staff.centre
    if Role.GRID_MEDIATOR in roles and staff.jurisdiction_id:
        ancestors = [p for p in staff.jurisdiction.path.split("/") if p]
        return (
            Centre.objects.filter(
                active=True,
                kind=Centre.Kind.PROCESSING_CENTRE,
                jurisdiction__code__in=ancestors,
            )
            .order_by("-jurisdiction__path")
            .first()
        )
    return None


def is_leading_group(dispute, user) -> bool:
    roles = roles_of(user)
    return bool(roles & {Role.LEADING_GROUP_OFFICE, Role.LEADER}) and _in_county(
        staff_of(user), dispute
    )


def reported_case(dispute, user) -> bool:
    """The grid mediator who registered the case in the village (``reported_by``).

    They typed the payers' numbers and hand the payer the receipt with its query code.
    """
    return (
        dispute.reported_by_id is not None
        and dispute.reported_by_id == getattr(user, "pk", None)
        and Role.GRID_MEDIATOR in roles_of(user)
    )


def handles_case(dispute, user) -> bool:
    """Whether the user works on the case (and so reads the payers' numbers in full).

    Those who work on it (``works_on_case``) and the grid mediator who reported it, who typed
    the numbers and hands the payer the receipt with the query code. Supervisors, the
    cyberspace office, other grid mediators and holders of a mere view grant read the numbers
    masked.
    """
    return works_on_case(dispute, user) or reported_case(dispute, user)


def works_on_case(dispute, user) -> bool:
    """The owning centre's clerks and coordinators, officers of the assigned departments, and
    the leading group once the case is escalated."""
    if can_handle_at_centre(dispute, user):
        return True
    staff = staff_of(user)
    if staff is not None and staff.department_id and Role.OFFICER in roles_of(user):
        if staff.department_id == dispute.lead_department_id:
            return True
        if dispute.co_departments.filter(pk=staff.department_id).exists():
            return True
    return dispute.escalated_at is not None and is_leading_group(dispute, user)


def may_reveal(dispute, user) -> bool:
    """Who may ask to see a masked number in full (a logged action). Never the cyberspace office."""
    roles = roles_of(user)
    if Role.CYBERSPACE in roles and not (roles - {Role.CYBERSPACE}):
        return False
    return staff_of(user) is not None


def may_search_by_number(user) -> bool:
    """Who may search the cases by a payer's number: whoever may ask to see one in full (a
    search that finds a case tells whose number it is)."""
    roles = roles_of(user)
    if Role.CYBERSPACE in roles and not (roles - {Role.CYBERSPACE}):
        return False
    return getattr(user, "is_superuser", False) or staff_of(user) is not None


def may_grant(dispute, user) -> bool:
    """The owning centre's coordinator and the county's leading-group office share a case."""
    return can_coordinate(dispute, user) or (
        Role.LEADING_GROUP_OFFICE in roles_of(user) and _in_county(staff_of(user), dispute)
    )
