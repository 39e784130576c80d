"""System checks on the organisation's data (run by ``migrate`` and ``check --database``)."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils.translation import gettext as _

from departments.models import departments_without_officer


@register(Tags.database)
def departments_have_officers(app_configs=None, databases=None, **kwargs):
    """A department with no officer is given work that nobody hears of."""
    if not databases:
        return []
    try:
        names = list(departments_without_officer().values_list("name", flat=True)[:20])
    except DatabaseError:  # before the first migration: nothing to check yet
        return []
    if not names:
        return []
    return [
        Warning(
            _("These departments have no officer: %(names)s.") % {"names": "、".join(names)},
            hint=_(
                "Their deadlines' notices go to the case's coordinator instead. Give each "
                "department at least one user with the officer role (admin › users)."
            ),
            id="departments.W001",
        )
    ]
