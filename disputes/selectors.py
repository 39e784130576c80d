"""What a user may see: one rule, one query, used by every list, count and page."""

import hmac

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from departments.models import Role, Staff, roles_of, staff_of
from disputes import reach
from disputes.models import (
    OPEN_STATES,
    AccessLog,
    CaseReach,
    Dispute,
    Party,
    Payer,
    State,
)
from disputes.rules import REDOS_FOR_LEADING_GROUP, referral_area


def visibility_filter(user) -> Q | None:
    """The Q that selects the cases ``user`` may see, or None for none at all.

    Built from the case's own relations only, so a list is a single query whatever the user's
    reach. (Superusers see everything; they administer the system.)
    """
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Q()
    # Through a relation (disputes.reach): the owning centre (its clerks and coordinators),
    # the clerk who took the case, the grid mediator who reported it, the lead and
    # co-handling departments (their officers), and the groups the case is shared with (a
    # department asked to review one case, a one-off). One indexed question.
    units = reach.user_units(user)
    q = Q(Exists(CaseReach.objects.filter(dispute=OuterRef("pk"), unit__in=sorted(units))))
    staff = staff_of(user)
    if staff is None:
        return q
    roles = roles_of(user)
    # The government office: the cases referred in its area, from the referral on
    # (rules.follows_referral).
    area = referral_area(user)
    if area is not None:
        q |= Q(
            Q(referred_at__isnull=False) | Q(state=State.REFERRED),
            jurisdiction__path__startswith=area,
        )
    county = staff.jurisdiction.path if staff.jurisdiction_id else None
    if county:
        if roles & {Role.SUPERVISOR}:
            q |= Q(jurisdiction__path__startswith=county)
        if roles & {Role.LEADING_GROUP_OFFICE, Role.LEADER}:
            # Escalated, or redone again and again (rules.leading_group_follows).
            q |= Q(
                Q(escalated_at__isnull=False) | Q(redo_count__gte=REDOS_FOR_LEADING_GROUP),
                jurisdiction__path__startswith=county,
            )
        if Role.CYBERSPACE in roles:
            q |= Q(is_public_opinion_risk=True, jurisdiction__path__startswith=county)
    return q


def visible_access_log(user) -> QuerySet[AccessLog]:
    """The access-log entries a supervisor oversees (superusers: all; anyone else: none).

    An entry about a case is seen with the case: by the supervisors who see that case (the
    rule above). An entry about no case (a search, an export, a reveal in the admin) is seen by
    the supervisors of the county its author works in: through the author's centre, their own
    area, or their department's; the author of an installation-wide unit (a department serving
    every county, an administrator) works in every county, so every supervisor sees it.
    """
    if getattr(user, "is_superuser", False):
        return AccessLog.objects.all()
    staff = staff_of(user)
    if staff is None or Role.SUPERVISOR not in roles_of(user):
        return AccessLog.objects.none()
    about_visible_case = Q(Exists(visible_disputes(user).filter(pk=OuterRef("dispute_id"))))
    if not staff.jurisdiction_id:
        return AccessLog.objects.filter(about_visible_case)
    county = staff.jurisdiction.path
    authors = Staff.objects.filter(user_id=OuterRef("user_id"))
    of_this_county = authors.filter(
        Q(centre__jurisdiction__path__startswith=county)
        | Q(jurisdiction__path__startswith=county)
        | Q(department__jurisdiction__path__startswith=county)
    )
    of_some_county = authors.filter(
        Q(centre__isnull=False)
        | Q(jurisdiction__isnull=False)
        | Q(department__jurisdiction__isnull=False)
    )
    by_this_county = Q(Exists(of_this_county)) | ~Q(Exists(of_some_county))
    return AccessLog.objects.filter(about_visible_case | (Q(dispute__isnull=True) & by_this_county))


def visible_disputes(user) -> QuerySet[Dispute]:
    q = visibility_filter(user)
    if q is None:
        return Dispute.objects.none()
    return Dispute.objects.filter(q)


def duplicates_seen_by(user, duplicates: QuerySet[Dispute]) -> tuple[list[Dispute], bool]:
    """The likely duplicates ``user`` may see, and whether there are others they may not (of
    which the intake says only that they exist: no number, centre or count)."""
    q = visibility_filter(user)
    seen = list(duplicates.filter(q)) if q is not None else []
    return seen, duplicates.count() > len(seen)


def get_dispute_for_user(user, number: str) -> Dispute:
    """The case if the user may see it; otherwise 404, never revealing that it exists."""
    try:
        return (
            visible_disputes(user)
            .select_related(
                "centre",
                "registered_centre",
                "category",
                "channel",
                "jurisdiction",
                "lead_department",
                "first_responder__staff",
                "reported_by__staff",
            )
            .get(number=number)
        )
    except Dispute.DoesNotExist as exc:
        raise Http404("No such case") from exc


def public_case(number: str, code: str) -> Dispute | None:
    """The case a payer asks after with its number and query code, or None.

    The comparison takes the same time whether the code is right or wrong, and a wrong code
    says no more than an unknown number.
    """
    case = (
        Dispute.objects.select_related("centre", "category")
        .filter(number=number.strip().upper())
        .first()
    )
    expected = case.query_code if case is not None else "-" * len(code or "-")
    if not hmac.compare_digest(expected.encode(), (code or "").strip().upper().encode()):
        return None
    return case


def payer_seen_at_intake(user, *, centre, id_number: str) -> tuple[Party | None, int, bool]:
    """What the intake's payer lookup may tell ``user`` registering at ``centre``.

    Only a payer on a case the user already sees at that centre is described: the party row of
    the latest such case (its contact details as registered) and how many of those cases are
    open. Otherwise the third value says whether the number is known at all, and nothing more.
    """
    cases = visible_disputes(user).filter(centre=centre)
    seen = Party.objects.filter(payer__id_number=id_number, dispute__in=cases)
    latest = seen.select_related("payer").order_by("-dispute__received_at", "-pk").first()
    if latest is None:
        return None, 0, Payer.objects.filter(id_number=id_number).exists()
    return latest, seen.filter(dispute__state__in=OPEN_STATES).count(), True
