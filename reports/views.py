from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from departments.models import Role, roles_of
from disputes import rules
from disputes.forms import CaseFilterForm
from disputes.models import AccessLog, Notification, Party
from disputes.selectors import visible_disputes
from disputes.views import paginate
from reports.selectors import overdue_deadlines, sees_calendar_warning, work_queue
from routing.deadlines import provisional_years, with_days_late


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
        {
            "form": form,
            "page": page,
            "can_register": rules.intake_centre(request.user) is not None,
            "overdue": with_days_late(overdue_deadlines(request.user)[:50]),
            "provisional_years": provisional_years() if sees_calendar_warning(request.user) else [],
        },
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


@login_required
def inbox(request):
    """The user's notifications; POST marks one (``id``) or all as read."""
    mine = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        unread = mine.filter(read_at__isnull=True)
        if request.POST.get("id"):
            unread = unread.filter(pk=request.POST["id"])
        unread.update(read_at=timezone.now())
        return redirect("reports:inbox")
    page = paginate(request, mine.select_related("dispute"), 30)
    return render(request, "reports/inbox.html", {"page": page})
