"""The log-in lockout: django-axes' database handler with a limit for each thing it counts.

``AXES_LOCKOUT_PARAMETERS`` names what failures are counted by, each on its own: the account
(``username``: wrong passwords for one account from anywhere) and the address (``ip_address``:
wrong passwords from one address across accounts). Axes compares the worst of them with one
``AXES_FAILURE_LIMIT``; here each has its own limit (``settings.LOGIN_FAILURE_LIMITS``), and the
count handed to axes is scaled so that it reaches ``AXES_FAILURE_LIMIT`` exactly when one of
them reaches its own limit.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


def _key(parameter) -> str:
    return parameter if isinstance(parameter, str) else "+".join(parameter)


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        axes_limit = get_failure_limit(request, credentials)
        limits = settings.LOGIN_FAILURE_LIMITS
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=True
        ):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            own_limit = limits.get(_key(parameter), axes_limit)
            # floor(failures * axes_limit / own_limit) >= axes_limit  <=>  failures >= own_limit
            worst = max(worst, failures * axes_limit // own_limit)
        return worst

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """A good password clears that account's failures only: one's own log-in must not wipe
        the failures an address has piled up against other accounts."""
        parameters = get_lockout_parameters(request, credentials)
        count = 0
        for parameter, attempts in zip(
            parameters, self.filter_user_attempts(request, credentials), strict=True
        ):
            if _key(parameter) == "username":
                count += attempts.delete()[0]
        return count
