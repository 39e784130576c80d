"""Who takes away a case's documents, and who has the supervisors' pages.

The people working on the case and the supervisors take every document of a case they see;
the government office that received a referral takes the referral sheet addressed to it; the
grid mediator who reported the case, the payer's receipt. Whoever else sees the case — the
cyberspace office, another grid mediator, a unit holding a mere view grant — reads it on
screen but takes no paper away. The owning centre issues a new copy of a document handed out.
"""

from departments.models import Role, roles_of, staff_of
from disputes import rules
from routing.models import UrgingNotice

# The paper addressed to the government office that received a referral.
REFERRAL_PAPER = frozenset({"referral_sheet"})
# The urging notice (催办通知书): the department it is addressed to, and the county's
# leading-group office, which is told when the department stays late.
URGING_PAPER = frozenset({"urging_notice"})
# What the grid mediator who reported a case hands to the payer in the village.
REPORTER_KINDS = frozenset({"receipt"})
# Roles that follow cases without a step of their own in the workflow: their home page is the
# open cases they may see, not work awaiting them.
FOLLOWING_ROLES = frozenset({Role.SUPERVISOR, Role.CYBERSPACE, Role.GRID_MEDIATOR})


def supervises(user) -> bool:
    """The supervisors (and the system's administrators) read the access log and use the
    forms page."""
    return getattr(user, "is_superuser", False) or Role.SUPERVISOR in roles_of(user)


def downloadable_kinds(dispute, user) -> frozenset[str] | None:
    """The kinds of document ``user`` takes away of the case (which they see already): None
    for every kind, an empty set for none (403)."""
    if supervises(user) or rules.works_on_case(dispute, user):
        return None
    kinds = frozenset()
    if rules.follows_referral(dispute, user):
        kinds |= REFERRAL_PAPER
    if rules.reported_case(dispute, user):
        kinds |= REPORTER_KINDS
    if _addressed_by_urging(dispute, user) or rules.can_decide_special(dispute, user):
        kinds |= URGING_PAPER
    return kinds


def _addressed_by_urging(dispute, user) -> bool:
    """An officer of a department the case's urging notices are addressed to."""
    staff = staff_of(user)
    if staff is None or not staff.department_id or Role.OFFICER not in roles_of(user):
        return False
    return UrgingNotice.objects.filter(dispute=dispute, department_id=staff.department_id).exists()


def may_download(dispute, user, kind: str | None = None) -> bool:
    """Whether ``user`` takes away the document ``kind`` (None: any document) of the case."""
    kinds = downloadable_kinds(dispute, user)
    if kinds is None:
        return True
    return bool(kinds) if kind is None else kind in kinds


def may_reissue(dispute, user) -> bool:
    """A new numbered copy of a document handed out is issued by the owning centre (before
    archiving: the service says so after, the archive filing the copies issued)."""
    return rules.can_handle_at_centre(dispute, user)


def only_follows(user) -> bool:
    """Whether the user's home page lists cases they follow rather than cases awaiting them."""
    roles = roles_of(user)
    return bool(roles) and roles <= FOLLOWING_ROLES


def sees_calendar_warning(user) -> bool:
    """Who is told that next year's working-day calendar is still provisional."""
    return getattr(user, "is_superuser", False) or bool(
        roles_of(user) & {Role.SUPERVISOR, Role.ADMIN}
    )


# Who reads the oversight pages (the ledger, the dashboard, the evaluation): the supervisors and
# the leading group for their county, the coordinators for their centre, the departments'
# officers for their department — each over the cases they see (``visible_disputes``).
OVERSIGHT_ROLES = frozenset(
    {Role.SUPERVISOR, Role.LEADING_GROUP_OFFICE, Role.LEADER, Role.COORDINATOR, Role.OFFICER}
)


def oversees(user) -> bool:
    """Whether the user has the oversight pages at all (anyone else is told they do not exist)."""
    return getattr(user, "is_superuser", False) or bool(roles_of(user) & OVERSIGHT_ROLES)


# The accountability page (责任追究): the supervisors and the leading-group office read the
# records of their county; only the office decides on them.
ACCOUNTABILITY_READERS = frozenset({Role.SUPERVISOR, Role.LEADING_GROUP_OFFICE})


def reads_accountability(user) -> bool:
    return getattr(user, "is_superuser", False) or bool(roles_of(user) & ACCOUNTABILITY_READERS)


def accountability_county(user):
    """The county whose accountability records ``user`` reads: that of their own area, else
    of their centre's; None without either."""
    staff = staff_of(user)
    if staff is None:
        return None
    area = staff.jurisdiction or (staff.centre.jurisdiction if staff.centre_id else None)
    return area.county if area is not None else None


def may_decide_accountability(user, record) -> bool:
    """The leading-group office of the record's county records the outcome."""
    if Role.LEADING_GROUP_OFFICE not in roles_of(user):
        return False
    county = accountability_county(user)
    return county is not None and record.dispute.jurisdiction.path.startswith(county.path)
