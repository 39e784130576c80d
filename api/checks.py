"""System checks on the online channels' data (run by ``migrate`` and ``check --database``)."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.db.models import Q
from django.utils.translation import gettext as _

from api.models import ChannelSystem
from departments.models import Centre


def centres_without_duty_clerk():
    """Active processing centres that an active system may deliver to, with no duty clerk."""
    scoped = Q(channel_systems__active=True)
    for system in ChannelSystem.objects.filter(active=True).prefetch_related("jurisdictions"):
        for area in system.jurisdictions.all():
            scoped |= Q(jurisdiction__path__startswith=area.path)
    return Centre.objects.filter(
        scoped, active=True, kind=Centre.Kind.PROCESSING_CENTRE, duty_clerk__isnull=True
    ).distinct()


@register(Tags.database)
def online_centres_have_duty_clerks(app_configs=None, databases=None, **kwargs):
    """A case handed in online goes to the centre's duty clerk first; without one, to the
    centre's longest-serving clerk (``api.intake.first_responder_for``)."""
    if not databases:
        return []
    try:
        if not ChannelSystem.objects.filter(active=True).exists():
            return []
        names = list(centres_without_duty_clerk().values_list("name", flat=True)[:20])
    except DatabaseError:  # before the first migration: nothing to check yet
        return []
    if not names:
        return []
    return [
        Warning(
            _("These centres receive cases online but have no duty clerk: %(names)s.")
            % {"names": "、".join(names)},
            hint=_(
                "Their online cases go to a clerk or coordinator of the centre chosen by "
                "seniority. Set the duty clerk of each (admin › centres)."
            ),
            id="api.W001",
        )
    ]
