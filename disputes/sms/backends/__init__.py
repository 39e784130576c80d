"""The SMS backends, like Django's e-mail backends: ``get_backend()`` builds the one that
``settings.SMS_BACKEND`` names; ``send_messages(messages)`` sends a list of ``Outgoing`` and
returns how many were sent."""

from django.conf import settings
from django.utils.module_loading import import_string

from disputes.sms.backends.base import BaseSmsBackend, Outgoing, SmsSendError

__all__ = ["BaseSmsBackend", "Outgoing", "SmsSendError", "get_backend"]


def get_backend(path: str | None = None, *, fail_silently: bool = False, **kwargs):
    backend = import_string(path or settings.SMS_BACKEND)
    return backend(fail_silently=fail_silently, **kwargs)
