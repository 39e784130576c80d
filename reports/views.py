from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from departments.models import Role, roles_of
from disputes import rules
from disputes.forms import CaseFilterForm
from disputes.models import AccessLog, Party
from disputes.selectors import visible_disputes
from disputes.views import paginate
from reports.selectors import work_queue


@login_required
@require_GET
def home(request):
    form = CaseFilterForm(request.GET or None)
    qs = (
        form.apply(work_queue(request.user))
        .with_list_relations()
        .prefetch_related(Prefetch("parties", queryset=Party.objects.select_related("payer")))
    )
    page = paginate(request, qs)
    return render(
        request,
        "reports/home.html",
        {"form": form, "page": page, "can_register": rules.intake_centre(request.user) is not None},
    )


@login_required
@require_GET
def access_log(request):
    """Supervisors read who showed numbers in full, viewed, downloaded and exported."""
    if not (request.user.is_superuser or Role.SUPERVISOR in roles_of(request.user)):
        raise PermissionDenied(_("Only supervisors read the access log."))
    kind = request.GET.get("kind", AccessLog.Kind.REVEAL)
    if kind not in AccessLog.Kind.values:
        kind = AccessLog.Kind.REVEAL
    entries = (
        AccessLog.objects.filter(kind=kind)
        .filter(
            Q(dispute__isnull=True)
            | Q(Exists(visible_disputes(request.user).filter(pk=OuterRef("dispute_id"))))
        )
        .select_related("user__staff", "dispute")
        .order_by("-at", "-pk")
    )
    return render(
        request,
        "reports/access_log.html",
        {"page": paginate(request, entries, 50), "kind": kind, "kinds": AccessLog.Kind.choices},
    )
