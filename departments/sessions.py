"""Sessions that expire after SESSION_COOKIE_AGE of inactivity, written only now and then.

Django makes the age an inactivity limit by saving the session on every request
(``SESSION_SAVE_EVERY_REQUEST``): a write to the session table for every page anyone opens.
Instead, the session remembers when it was last renewed, and a request renews it (saving it,
which moves its expiry to SESSION_COOKIE_AGE from now) only when that was more than
SESSION_RENEW_SECONDS ago. A user is so logged out after between SESSION_COOKIE_AGE minus
SESSION_RENEW_SECONDS and SESSION_COOKIE_AGE of inactivity (never later), and an active user
costs one write per interval instead of one per page.
"""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

# When the session was last saved with a fresh expiry (seconds since the epoch).
RENEWED = "_renewed_at"


def renew_if_due(session) -> None:
    """Mark the session for saving if its last renewal is older than the interval (a session
    saved anyway, because it changed, is stamped too: its expiry moves all the same)."""
    renewed = session.get(RENEWED)
    now = time.time()
    due = not isinstance(renewed, int | float) or now - renewed >= settings.SESSION_RENEW_SECONDS
    if due or session.modified:
        session[RENEWED] = now


class RenewSessionMiddleware:
    """Renews the session of a request that used it (after the view, before Django's
    ``SessionMiddleware`` decides whether to save it: list it after that one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # A session the request never read, or an empty one (an anonymous visitor, a log-out),
        # is left alone: renewing it would create one.
        if session is not None and session.accessed and not session.is_empty():
            renew_if_due(session)
        return response


@receiver(user_logged_in, dispatch_uid="departments.sessions.stamp")
def _stamp_on_log_in(sender, request, user, **kwargs):
    """Logging in saves the session: it counts as a renewal."""
    session = getattr(request, "session", None)
    if session is not None:
        session[RENEWED] = time.time()
