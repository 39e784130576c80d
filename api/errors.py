"""Every error of the API as one JSON shape, in Chinese:

    {"error": "invalid", "message": "…", "fields": {"name": ["…"], "parties": {"0": {...}}}}

``fields`` only for invalid input, with the same messages the window's forms show.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request is too large.")
    default_code = "too_large"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This conflicts with what was sent before.")
    default_code = "conflict"


def _flatten(detail):
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        if all(isinstance(item, dict) for item in detail) and detail:
            return {str(i): _flatten(item) for i, item in enumerate(detail) if item}
        return [str(item) for item in detail]
    return [str(detail)]


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = _flatten(detail)
        general = fields.pop("non_field_errors", None)
        message = "；".join(general) if isinstance(general, list) else ""
        body = {
            "error": "invalid",
            "message": message or str(_("The input is not valid.")),
            "fields": fields,
        }
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body = {
            "error": code if isinstance(code, str) else "error",
            "message": str(detail) if not isinstance(detail, dict | list) else str(_("Error.")),
        }
    response.data = body
    return response
