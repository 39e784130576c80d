from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.http import require_GET

from disputes import rules
from disputes.forms import CaseFilterForm
from disputes.models import Party
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
