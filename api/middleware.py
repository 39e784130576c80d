"""Around every request under /api/: a body over the limit is refused with 413 before anything
reads it, and the call is logged (system, endpoint, status, duration)."""

import json
import time

from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from departments.http import client_address

API_PREFIX = "/api/"


class ApiCallMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        started = time.perf_counter()
        response = self._too_large(request) or self.get_response(request)
        self._log(request, response, started)
        return response

    def _too_large(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= settings.API_MAX_BODY_BYTES:
            return None
        body = {
            "error": "too_large",
            "message": _("The request is larger than %(limit)d MB.")
            % {"limit": settings.API_MAX_BODY_BYTES // (1024 * 1024)},
        }
        return HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=413,
            content_type="application/json; charset=utf-8",
        )

    def _log(self, request, response, started) -> None:
        from api.models import ApiCall

        match = getattr(request, "resolver_match", None)
        if match is None:  # refused before the URL was resolved (413)
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return
        if not match.url_name or match.url_name.startswith("docs"):
            return  # no endpoint of ours (a 404 under /api/), or the documentation pages
        user = getattr(request, "user", None)
        system = getattr(user, "channel_system", None) if user is not None else None
        key = getattr(request, "auth", None)
        prefix = getattr(key, "prefix", "")
        if not prefix:
            header = request.META.get("HTTP_AUTHORIZATION", "")
            prefix = header.partition(" ")[2].partition(".")[0][:8]
        ApiCall.objects.create(
            system=system,
            key_prefix=prefix,
            method=request.method[:8],
            endpoint=f"{match.namespace}:{match.url_name}"[:200],
            status=response.status_code,
            duration_ms=int((time.perf_counter() - started) * 1000),
            address=client_address(request)[:45],
        )
