from django.utils.translation import gettext_lazy as _


class DisputeError(Exception):
    """An error the user can fix or understand; ``message`` is translated and shown as is."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class ActionNotPermitted(DisputeError):
    """The user can see the case but may not take this action (a 403)."""

    def __init__(self, message=None):
        super().__init__(message or _("You are not allowed to take this action on this case."))
