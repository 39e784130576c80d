"""Where a case handed in online lands, and who answers for it first.

Both the hotlines' work orders (the API) and the payers' own applications (/apply/) arrive
without a clerk at the window: the case goes to the processing centre of the place where the
matter lies, and its first responder (首问负责人) is that centre's duty clerk.
"""

from django.utils.translation import gettext as _

from departments.models import ROLE_GROUP_NAMES, Centre, Jurisdiction, Role, Staff
from disputes.exceptions import DisputeError


def centre_for(jurisdiction: Jurisdiction) -> Centre | None:
    """The active processing centre nearest above (or at) ``jurisdiction``: the town's centre
    for a village of a town that has one, else the county's."""
    codes = [code for code in jurisdiction.path.split("/") if code]
    return (
        Centre.objects.filter(
            active=True, kind=Centre.Kind.PROCESSING_CENTRE, jurisdiction__code__in=codes
        )
        .select_related("jurisdiction", "duty_clerk")
        .order_by("-jurisdiction__path")
        .first()
    )


def first_responder_for(centre: Centre):
    """The centre's duty clerk; while none is set (or they left), its longest-serving active
    clerk, then coordinator. Refused when the centre has neither."""
    clerk = centre.duty_clerk
    if clerk is not None and clerk.is_active:
        staff = getattr(clerk, "staff", None)
        if staff is not None and staff.centre_id == centre.pk:
            return clerk
    for role in (Role.CLERK, Role.COORDINATOR):
        staff = (
            Staff.objects.filter(
                centre=centre, user__is_active=True, user__groups__name=ROLE_GROUP_NAMES[role]
            )
            .select_related("user")
            .order_by("user__date_joined", "pk")
            .first()
        )
        if staff is not None:
            return staff.user
    raise DisputeError(
        _("%(centre)s has no clerk on duty to receive cases handed in online.")
        % {"centre": centre.name}
    )
