"""Who downloads a case's documents."""

from departments.models import Role, roles_of
from disputes import rules

# The paper addressed to the government office that received a referral.
REFERRAL_PAPER = frozenset({"referral_sheet"})
# What the grid mediator who reported a case hands to the payer in the village.
REPORTER_KINDS = frozenset({"receipt"})


def downloadable_kinds(dispute, user) -> frozenset[str] | None:
    """The kinds of document ``user`` takes away of the case: None for every kind.

    The people working on the case and the supervisors take every document (the case visible
    to them already); the government office that received a referral takes the referral sheet
    addressed to it; the grid mediator who reported the case, the payer's receipt. Whoever else
    sees the case — the cyberspace office, another grid mediator, a unit holding a mere view
    grant — reads it on screen but takes no paper away (403).
    """
    if user.is_superuser or Role.SUPERVISOR in roles_of(user) or rules.works_on_case(dispute, user):
        return None
    kinds = frozenset()
    if rules.follows_referral(dispute, user):
        kinds |= REFERRAL_PAPER
    if rules.reported_case(dispute, user):
        kinds |= REPORTER_KINDS
    return kinds


def may_download(dispute, user, kind: str | None = None) -> bool:
    """Whether ``user`` takes away the document ``kind`` (None: any document) of the case."""
    kinds = downloadable_kinds(dispute, user)
    if kinds is None:
        return True
    return bool(kinds) if kind is None else kind in kinds
