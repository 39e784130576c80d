"""Who takes away a case's documents, and who has the supervisors' pages.

The people working on the case and the supervisors take every document of a case they see;
the government office that received a referral takes the referral sheet addressed to it; the
grid mediator who reported the case, the payer's receipt. Whoever else sees the case — the
cyberspace office, another grid mediator, a unit holding a mere view grant — reads it on
screen but takes no paper away. The owning centre issues a new copy of a document handed out.

The supervision sheet (督办单) is the leading-group office's paper to the units it supervises:
the office, the officers of those units, the owning centre and the supervisors take it (each
unit the sheets naming it); another department working on the case does not.
"""

from consultations import rules as consultation_rules
from consultations import selectors as consultation_selectors
from consultations.models import Supervision
from departments.models import Role, roles_of, staff_of
from disputes import rules
from disputes.memo import remember
from reports.documents.registry import kind_keys
from routing.models import UrgingNotice

# The paper addressed to the government office that received a referral.
REFERRAL_PAPER = frozenset({"referral_sheet"})
# The urging notice (催办通知书): the department it is addressed to, and the county's
# leading-group office, which is told when the department stays late.
URGING_PAPER = frozenset({"urging_notice"})
# What the grid mediator who reported a case hands to the payer in the village.
REPORTER_KINDS = frozenset({"receipt"})
# The leading-group office's paper to the units it supervises.
SUPERVISION_PAPER = frozenset({"supervision_sheet"})
# Roles that follow cases without a step of their own in the workflow: their home page is the
# open cases they may see, not work awaiting them.
FOLLOWING_ROLES = frozenset({Role.SUPERVISOR, Role.CYBERSPACE, Role.GRID_MEDIATOR})


def supervises(user) -> bool:
    """The supervisors (and the system's administrators) read the access log and use the
    forms page."""
    return getattr(user, "is_superuser", False) or Role.SUPERVISOR in roles_of(user)


def _takes_every_sheet(dispute, user) -> bool:
    return supervises(user) or rules.can_handle_at_centre(dispute, user)


def readable_supervisions(dispute, user) -> list[str]:
    """The numbers of the case's supervision sheets ``user`` takes, in the order opened
    (once per case page: its documents section asks for the kind and for each sheet)."""
    if not consultation_selectors.consultation_flags(dispute).get("supervision"):
        return []  # the case page's flags say so without a query of its own
    return remember(
        f"reports.readable_supervisions:{getattr(user, 'pk', None)}",
        dispute,
        lambda: _readable_supervisions(dispute, user),
    )


def _readable_supervisions(dispute, user) -> list[str]:
    supervisions = Supervision.objects.filter(dispute=dispute).select_related("office")
    supervisions = supervisions.prefetch_related("units").order_by("opened_at", "pk")
    every = _takes_every_sheet(dispute, user)
    return [
        s.number
        for s in supervisions
        if every or consultation_rules.can_read_supervision_sheet(s, user)
    ]


def downloadable_kinds(dispute, user) -> frozenset[str] | None:
    """The kinds of document ``user`` takes away of the case (which they see already): None
    for every kind, an empty set for none (403)."""
    if _takes_every_sheet(dispute, user):
        return None
    kinds = frozenset()
    if rules.works_on_case(dispute, user):
        kinds |= frozenset(kind_keys()) - SUPERVISION_PAPER
    if rules.follows_referral(dispute, user):
        kinds |= REFERRAL_PAPER
    if rules.reported_case(dispute, user):
        kinds |= REPORTER_KINDS
    if _addressed_by_urging(dispute, user) or rules.can_decide_special(dispute, user):
        kinds |= URGING_PAPER
    if readable_supervisions(dispute, user):
        kinds |= SUPERVISION_PAPER
    return kinds


def _addressed_by_urging(dispute, user) -> bool:
    """An officer of a department the case's urging notices are addressed to."""
    staff = staff_of(user)
    if staff is None or not staff.department_id or Role.OFFICER not in roles_of(user):
        return False
    return UrgingNotice.objects.filter(dispute=dispute, department_id=staff.department_id).exists()


def may_download(dispute, user, kind: str | None = None, part: str = "") -> bool:
    """Whether ``user`` takes away the document ``kind`` (None: any document) of the case, or
    its part ``part`` (a supervision sheet: its number; without one, the latest sheet)."""
    kinds = downloadable_kinds(dispute, user)
    if kind is None:
        return kinds is None or bool(kinds)
    if kinds is not None and kind not in kinds:
        return False
    return may_take_part(dispute, user, kind, part)


def may_take_part(dispute, user, kind: str, part: str = "") -> bool:
    """A kind's part ``user`` takes: every part of a kind they take, but of the supervision
    sheets only those naming them (``readable_supervisions``)."""
    if kind not in SUPERVISION_PAPER or _takes_every_sheet(dispute, user):
        return True
    readable = readable_supervisions(dispute, user)
    if part:
        return part in readable
    latest = (
        Supervision.objects.filter(dispute=dispute)
        .order_by("opened_at", "pk")
        .values_list("number", flat=True)
        .last()
    )
    return latest is not None and latest in readable


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
