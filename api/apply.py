"""The payers' own online application (网上申请): a public form at /apply/, no log-in.

The form registers the case through ``api.applications``; the applicant then sees the case
number and the query code, and downloads the acceptance receipt (the ``receipt`` document, issued
and frozen as any receipt is: ``reports.documents.archive.document_issue``). Both pages open only
for the browser session that handed the case in: its cases are remembered in the session, and
any other session, or a case number typed in, gets 404.

Each client address (``departments.http.counted_address``: behind a trusted proxy, the address
it forwards) may hand in ``settings.APPLY_PER_HOUR`` applications an hour. What is counted is
what reaches registration: the cases registered, and the applications refused because a name
does not match its identity number (guessing whose a number is must cost as much as applying).
A form sent back for a mistyped field is not counted: it writes nothing and tells nothing about
anyone else, and a payer correcting their own typing should not lose their allowance.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from api.applications import IdentityMismatch, application_channel, application_register
from api.forms_apply import ApplicationForms
from departments.http import counted_address
from disputes import limits
from disputes.exceptions import DisputeError
from disputes.models import Dispute
from disputes.uploads import download_response
from reports import documents
from reports.documents import archive

# The cases this browser session handed in (their primary keys, the latest last).
APPLIED = "applied_cases"
REMEMBERED = 20


def _too_many() -> str:
    return _(
        "Too many applications from your network in the last hour (at most %(count)d). What "
        "you entered is kept below; please send it again later, choosing the attachments again."
    ) % {"count": settings.APPLY_PER_HOUR}


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request):
    channel = application_channel()
    if channel is None:
        return render(request, "api/apply.html", {"closed": True}, status=503)
    status = 200
    if request.method == "POST":
        forms = ApplicationForms(request.POST, request.FILES)
        address = counted_address(request)
        if not limits.apply_allowed(address):
            forms.is_valid()  # its errors show with the refusal
            forms.add_error(_too_many())
            status = 429
        elif forms.is_valid():
            if not limits.apply_take(address):  # another one came in first
                forms.add_error(_too_many())
                status = 429
            else:
                try:
                    dispute = application_register(application=forms.application(), channel=channel)
                except IdentityMismatch as exc:  # counted
                    forms.add_error(exc.message, party=exc.party)
                except DisputeError as exc:
                    limits.apply_give_back(address)
                    forms.add_error(exc.message)
                else:
                    _remember(request, dispute)
                    return redirect("apply:done", number=dispute.number)
    else:
        forms = ApplicationForms()
    return render(request, "api/apply.html", {"forms": forms}, status=status)


def _remember(request, dispute: Dispute) -> None:
    applied = [pk for pk in _applied_pks(request) if pk != dispute.pk]
    request.session[APPLIED] = [*applied, dispute.pk][-REMEMBERED:]


def _applied_pks(request) -> list[int]:
    value = request.session.get(APPLIED)
    return [pk for pk in value if isinstance(pk, int)] if isinstance(value, list) else []


def _applied_case(request, number: str) -> Dispute:
    """A case this session handed in, or 404 (a number alone opens nothing)."""
    dispute = (
        Dispute.objects.filter(pk__in=_applied_pks(request), number=number)
        .select_related("centre", "category", "channel", "jurisdiction")
        .first()
    )
    if dispute is None:
        raise Http404("Not an application of this session")
    return dispute


@never_cache
@require_GET
def apply_done(request, number):
    dispute = _applied_case(request, number)
    return render(request, "api/apply_done.html", {"dispute": dispute})


@require_GET
def apply_receipt(request, number):
    """The acceptance receipt, issued (rendered and frozen) at its first download and served
    as stored afterwards, as the centre's own download does."""
    dispute = _applied_case(request, number)
    try:
        issued = archive.document_issue(
            dispute=dispute, kind=documents.get_kind("receipt"), actor=None
        )
        data = archive.read_frozen(issued)
    except DisputeError as exc:  # an altered or missing stored copy
        messages.error(request, exc.message)
        return redirect("apply:done", number=dispute.number)
    return download_response(
        data, filename=f"{dispute.number}-receipt.pdf", content_type="application/pdf"
    )
