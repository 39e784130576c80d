"""Who may act on a case: the relation rules behind the state machine's ``permission=``.

Each function takes ``(dispute, user)`` as django-fsm calls it. They read the case's own
relations (owning centre, assigned departments, county) and the user's roles; the same rules
back the visibility selector in ``disputes.selectors``.
"""

from dataclasses import dataclass, replace
from enum import StrEnum

from django.utils.translation import gettext as _

from departments.models import Centre, Department, Role, roles_of, staff_of
from disputes.validators import mask_id, mask_numbers, mask_phone


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


def delivered_case(dispute, user) -> bool:
    """The integrating system (its account) that handed the case in online."""
    return dispute.delivered_by_id is not None and dispute.delivered_by_id == user.pk


def can_withdraw(dispute, user) -> bool:
    """The owning centre withdraws a case; a hotline cancels (撤单) the work order it handed in."""
    return can_handle_at_centre(dispute, user) or delivered_case(dispute, user)


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


def referral_area(user) -> str | None:
    """The jurisdiction path whose referred cases this user's government office receives.

    Referrals go to the government office of the case's county (12345 hotline mechanism): the
    office serves the subtree of its department's jurisdiction. An office that names no
    jurisdiction receives nothing (an installation serving several counties must not send one
    county's referrals to another's office); the reference data leave it to the administrator
    and the demo sets it to the county.
    """
    staff = staff_of(user)
    if staff is None or staff.department_id is None or Role.OFFICER not in roles_of(user):
        return None
    department = staff.department
    if department.kind != Department.Kind.GOVERNMENT_OFFICE or department.jurisdiction_id is None:
        return None
    return department.jurisdiction.path


def _in_area(area: str | None, dispute) -> bool:
    return area is not None and dispute.jurisdiction.path.startswith(area)


def can_dispatch(dispute, user) -> bool:
    """The government office of the case's area dispatches it (12345 hotline mechanism)."""
    return _in_area(referral_area(user), dispute)


def follows_referral(dispute, user) -> bool:
    """The government office that received a referral follows the case from then on.

    It dispatched the case to an undertaking department and must see the department's
    feedback come in, answer the 12345 ticket and keep the referral sheet addressed to it; a
    case it once held never turns into a 404 behind its inbox. (The same bound as the
    visibility selector's: referred, in the office's area.)
    """
    referred = dispute.referred_at is not None or dispute.state == "referred"
    return referred and _in_area(referral_area(user), dispute)


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


# A case redone this many times (重办) is the leading-group office's to follow, as an
# escalated one is: on its workbench, visible to it.
REDOS_FOR_LEADING_GROUP = 2


def leading_group_follows(dispute) -> bool:
    return dispute.escalated_at is not None or dispute.redo_count >= REDOS_FOR_LEADING_GROUP


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
    return leading_group_follows(dispute) and is_leading_group(dispute, user)


def _reads_no_numbers(user) -> bool:
    """The cyberspace office watches public opinion: it reads what a case is about and where,
    never who can be reached how (no number in any form, no phone, no street address)."""
    return not user.is_superuser and Role.CYBERSPACE in roles_of(user)


def may_reveal(dispute, user) -> bool:
    """Who may ask to see a masked number in full (a logged action). Never the cyberspace office."""
    if _reads_no_numbers(user):
        return False
    return staff_of(user) is not None


def may_search_by_number(user) -> bool:
    """Who may search the cases by a payer's number: whoever may ask to see one in full (a
    search that finds a case tells whose number it is)."""
    if _reads_no_numbers(user):
        return False
    return getattr(user, "is_superuser", False) or staff_of(user) is not None


# -- how payers' numbers, phones and addresses show ------------------------------------------


class Disclosure(StrEnum):
    FULL = "full"  # the people handling the case
    MASKED = "masked"  # other readers: 1408**********1234, 139****5678; may reveal (logged)
    HIDDEN = "hidden"  # the cyberspace office: not at all, in no form


@dataclass(frozen=True)
class NumberDisplay:
    """How one user reads the payers' numbers, phones and addresses of one case (or of the
    cases in a list or an export, ``dispute=None``). Every page, export and document shows
    these details through it (the template filters in ``disputes.templatetags.cases``), so
    the rule lives here and nowhere else."""

    level: Disclosure
    can_reveal: bool = False
    revealed: frozenset = frozenset()

    @property
    def full(self) -> bool:
        return self.level == Disclosure.FULL

    @property
    def hidden(self) -> bool:
        return self.level == Disclosure.HIDDEN

    def for_payer(self, payer_id) -> "NumberDisplay":
        """The display for one payer: a number the user revealed shows in full."""
        if self.level == Disclosure.MASKED and payer_id in self.revealed:
            return replace(self, level=Disclosure.FULL)
        return self

    def number(self, value: str) -> str:
        """An identity number or credit code."""
        if self.full:
            return value or ""
        return "" if self.hidden else mask_id(value or "")

    def phone(self, value: str) -> str:
        if self.full:
            return value or ""
        return "" if self.hidden else mask_phone(value or "")

    def address(self, value: str) -> str:
        """A street address: the cyberspace office reads the case's jurisdiction instead."""
        return "" if self.hidden else value or ""

    def contact(self, value: str) -> str:
        """A contact person's name: who to call is no concern of a reader who may not call."""
        return "" if self.hidden else value or ""

    def text(self, value: str) -> str:
        """Free text (a claim, a note) with any number typed into it shown like the fields."""
        if self.full or not value:
            return value or ""
        if self.hidden:
            return mask_numbers(value, withheld=_("(number withheld)"))
        return mask_numbers(value)


HIDDEN = NumberDisplay(Disclosure.HIDDEN)
# Paper leaves the system (to the payers, the departments, the records room): masked always.
ON_PAPER = NumberDisplay(Disclosure.MASKED)


def number_display(dispute, user, *, revealed=()) -> NumberDisplay:
    """How ``user`` reads the payers' details of ``dispute``; ``None``: a list or an export.

    The people handling the case read them in full on its page; everyone else, and every list
    and export, masked (``revealed``: the payers whose numbers the user asked to see in full,
    a logged action); the cyberspace office not at all.
    """
    if dispute is not None and handles_case(dispute, user):
        return NumberDisplay(Disclosure.FULL)
    if _reads_no_numbers(user):
        return HIDDEN
    return NumberDisplay(
        Disclosure.MASKED,
        can_reveal=dispute is not None and may_reveal(dispute, user),
        revealed=frozenset(revealed),
    )


def may_grant(dispute, user) -> bool:
    """The owning centre's coordinator and the county's leading-group office share a case."""
    return can_coordinate(dispute, user) or (
        Role.LEADING_GROUP_OFFICE in roles_of(user) and _in_county(staff_of(user), dispute)
    )
