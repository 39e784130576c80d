"""The error pages: Chinese, in the site's layout, with the reason and a way back.

Code raises ``PermissionDenied(message)`` and ``Http404(message)``. A message the user is
meant to read went through the translation catalogue (it is in the interface's language);
internal ones stay in English by the house rule (``Http404("No such case")``, Django's own
"No … matches the given query") and never reach the page, so that a 404 says no more than
"not found".
"""

import json
import logging

from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


def user_message(exception) -> str:
    """The exception's message if it is a translated message for the user, else ''."""
    message = exception.args[0] if exception is not None and exception.args else None
    if not isinstance(message, str):
        return ""
    message = message.strip()
    # English is the code's language; a translated message is not plain ASCII.
    return message if message and not message.isascii() else ""


def _back_url(request) -> str:
    """Where the user came from, when that is a page of this site other than this one."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return "" if referer == request.build_absolute_uri() else referer


# The machine interface answers in JSON, in the shape of api.errors, even for errors raised
# before a view of its own runs (a URL that matches none, a server error).
API_PREFIX = "/api/"


def _json_error(status: int, code: str, message: str) -> HttpResponse:
    return HttpResponse(
        json.dumps({"error": code, "message": message}, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def _render(request, template, status_class, *, reason=""):
    if request.path.startswith(API_PREFIX):
        status = status_class.status_code
        code, default = {
            400: ("bad_request", _("Bad request")),
            403: ("permission_denied", _("Permission denied")),
            404: ("not_found", _("Not found")),
        }[status]
        return _json_error(status, code, reason or str(default))
    context = {"reason": reason, "back_url": _back_url(request), "request_path": request.path}
    return status_class(loader.render_to_string(template, context, request))


@requires_csrf_token
def bad_request(request, exception, template_name="400.html"):
    return _render(request, template_name, HttpResponseBadRequest)


@requires_csrf_token
def permission_denied(request, exception, template_name="403.html"):
    return _render(request, template_name, HttpResponseForbidden, reason=user_message(exception))


@requires_csrf_token
def page_not_found(request, exception, template_name="404.html"):
    return _render(request, template_name, HttpResponseNotFound, reason=user_message(exception))


def csrf_failure(request, reason="", template_name="403.html"):
    """A form posted without a valid token: most often a page left open past the session."""
    message = _(
        "The form has expired or was sent from elsewhere. Go back, reload the page and send "
        "it again."
    )
    return _render(request, template_name, HttpResponseForbidden, reason=message)


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """Rendered without the request's context (its processors query the database, which may
    be what failed); a plain Chinese page if even the template fails."""
    if request.path.startswith(API_PREFIX):
        return _json_error(
            500, "server_error", _("Please try again later, or tell the administrator.")
        )
    try:
        return HttpResponseServerError(loader.get_template(template_name).render({}))
    except Exception:
        logger.exception("The error page itself failed to render")
        page = "<!doctype html><meta charset='utf-8'><title>{t}</title><h1>{t}</h1><p>{m}</p>"
        page += "<p><a href='/'>{h}</a></p>"
        return HttpResponseServerError(
            page.format(
                t=_("Server error"),
                m=_("Please try again later, or tell the administrator."),
                h=_("Back to the home page"),
            ),
            content_type="text/html; charset=utf-8",
        )
