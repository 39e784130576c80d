"""The case page's warning, while a case handed in online waits to be checked, that its payers
have other open cases in its category.

At the window the intake form warns the clerk before registering (``dispute_create``); a case
handed in online (the payer's own application, a hotline's work order) is registered with no
clerk to warn, and its applicant is told nothing about other cases. So the warning is given
here instead, to the owning centre's clerks and coordinators, until the case is classified;
cases of other centres they cannot see are only said to exist (``duplicates_seen_by``).
Registered on import (by ``DisputesConfig.ready``).
"""

from disputes import rules
from disputes.models import State
from disputes.sections import CaseSection, register
from disputes.selectors import duplicates_seen_by
from disputes.services import likely_duplicates


def duplicates_section(request, dispute):
    if dispute.state != State.REGISTERED or not dispute.channel.online:
        return None
    if not rules.can_handle_at_centre(dispute, request.user):
        return None
    numbers = list(dispute.parties.values_list("payer__id_number", flat=True))
    seen, elsewhere = duplicates_seen_by(
        request.user,
        likely_duplicates(
            id_numbers=numbers, category_id=dispute.category_id, exclude_pk=dispute.pk
        ),
    )
    if not seen and not elsewhere:
        return None
    return {"duplicates": seen, "elsewhere": elsewhere}


register(CaseSection("duplicates", "disputes/_duplicates.html", duplicates_section, order=1))
