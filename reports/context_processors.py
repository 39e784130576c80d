from django.utils.functional import SimpleLazyObject

from consultations import rules as meeting_rules
from disputes import rules
from disputes.notifications import unread_count
from reports import rules as report_rules


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}


def desks(request):
    """Which desks the menu offers the user: each asks the rule of the page it opens."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"desks": SimpleLazyObject(lambda: _desks(user))}


def _desks(user) -> dict[str, bool]:
    return {
        "register": rules.intake_centre(user) is not None,
        "tasks": meeting_rules.officer_department(user) is not None,
        "leading_group": meeting_rules.office_for(user) is not None,
        "meetings": meeting_rules.follows_meetings(user),
        "supervision": report_rules.supervises(user),
        "oversight": report_rules.oversees(user),
        "accountability": report_rules.reads_accountability(user),
    }
