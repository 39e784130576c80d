"""Who is calling: an integrating system, by the key in ``Authorization: Api-Key <key>``.

An unknown key is 401 (with ``WWW-Authenticate``); a key that was revoked or has expired, or a
system switched off, is 403. The request then runs as the system's account
(``ChannelSystem.user``), with the key as ``request.auth``.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework_api_key.permissions import KeyParser

from api.models import SystemKey

# The key's last use is written at most this often (not on every request).
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class SystemKeyAuthentication(BaseAuthentication):
    keyword = KeyParser.keyword

    def authenticate(self, request):
        raw = KeyParser().get(request)
        if not raw:
            return None
        prefix, dot, _secret = raw.partition(".")
        key = (
            SystemKey.objects.select_related("system__user", "system__channel")
            .filter(prefix=prefix)
            .first()
            if dot and len(prefix) <= 8
            else None
        )
        if key is None or not key.is_valid(raw):
            raise exceptions.AuthenticationFailed(_("The API key is not known."))
        if key.revoked:
            raise exceptions.PermissionDenied(_("This API key has been revoked."))
        if key.has_expired:
            raise exceptions.PermissionDenied(_("This API key has expired."))
        if not key.system.active:
            raise exceptions.PermissionDenied(_("This system is switched off."))
        now = timezone.now()
        if key.last_used_at is None or key.last_used_at < now - LAST_USED_RESOLUTION:
            SystemKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return key.system.user, key

    def authenticate_header(self, request):
        return self.keyword
