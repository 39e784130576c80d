from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


def system_of(request):
    """The integrating system making the request (None when it is not one)."""
    user = getattr(request, "user", None)
    return getattr(user, "channel_system", None) if user is not None else None


class IsActiveSystem(BasePermission):
    message = _("Only an integrating system with a valid API key may call this.")

    def has_permission(self, request, view):
        system = system_of(request)
        return system is not None and system.active
