"""Who downloads a case's documents."""

from departments.models import Role, roles_of
from disputes import rules

# What the grid mediator who reported a case hands to the payer in the village.
REPORTER_KINDS = frozenset({"receipt"})


def may_download(dispute, user, kind: str | None = None) -> bool:
    """The people working on the case and the supervisors (the case visible to them already),
    and the grid mediator who reported it for the payer's receipt only (``kind``; without a
    kind: whether the user takes any paper away at all).

    Whoever else sees the case — the cyberspace office, another grid mediator, a unit holding a
    mere view grant — reads it on screen but takes no paper away (403).
    """
    if user.is_superuser:
        return True
    if Role.SUPERVISOR in roles_of(user):
        return True
    if rules.works_on_case(dispute, user):
        return True
    return rules.reported_case(dispute, user) and (kind is None or kind in REPORTER_KINDS)
