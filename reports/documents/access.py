"""Who downloads a case's documents."""

from departments.models import Role, roles_of
from disputes import rules


def may_download(dispute, user) -> bool:
    """The people handling the case and the supervisors (the case visible to them already).

    Whoever else sees the case — the cyberspace office, a grid mediator, a unit holding a mere
    view grant — reads it on screen but takes no paper away (403).
    """
    if user.is_superuser:
        return True
    if Role.SUPERVISOR in roles_of(user):
        return True
    return rules.handles_case(dispute, user)
