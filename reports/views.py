from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, JsonResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from disputes import rules, search
from disputes.access_log import log_access
from disputes.exceptions import DisputeError
from disputes.forms import CaseFilterForm
from disputes.models import AccessLog, Notification, Party, State
from disputes.notifications import mark_read
from disputes.selectors import get_dispute_for_user, visible_access_log, visible_disputes
from disputes.uploads import download_response
from disputes.views import PAGE_SIZE, message_form_errors, paginate, paginate_cases
from reports import accountability as accountability_service
from reports import documents, export_jobs, exports, statistics, tally
from reports import rules as report_rules
from reports.circular import circular_pdf, circular_title
from reports.documents import archive
from reports.evaluation import DEFINITIONS, circular_entries, scope_name, scorecard
from reports.forms import (
    AccountabilityDecisionForm,
    AccountabilityFilterForm,
    CircularFilterForm,
    DocumentFilterForm,
    EvaluationPeriodForm,
    MarkReadForm,
)
from reports.ledger import ledger_cases
from reports.models import AccountabilityDecision, ArchivedDocument, ExportJob
from reports.selectors import overdue_deadlines, work_queue
from reports.tables import LedgerPaginator, LedgerTable
from routing.deadlines import provisional_years, with_days_late
from routing.models import LateCircular
from routing.urging import attach_notices, mark_urged


@login_required
@require_GET
def home(request):
    form = CaseFilterForm(request.GET or None, user=request.user)
    qs = (
        form.apply(work_queue(request.user))
        .with_list_relations()
        .prefetch_related(Prefetch("parties", queryset=Party.objects.select_related("payer")))
    )
    page = paginate_cases(request, qs)
    mark_urged(page, request.user)  # 催办: the officer's department urged on the case
    return render(
        request,
        "reports/home.html",
        {
            "form": form,
            "page": page,
            "can_register": rules.intake_centre(request.user) is not None,
            "only_follows": report_rules.only_follows(request.user),
            "overdue": with_days_late(overdue_deadlines(request.user)[:50]),
            "provisional_years": provisional_years()
            if report_rules.sees_calendar_warning(request.user)
            else [],
        },
    )


@login_required
@require_GET
def access_log(request):
    """Supervisors read who showed numbers in full, viewed, downloaded and exported."""
    if not report_rules.supervises(request.user):
        raise PermissionDenied(_("Only supervisors read the access log."))
    kind = request.GET.get("kind", AccessLog.Kind.REVEAL)
    if kind not in AccessLog.Kind.values:
        kind = AccessLog.Kind.REVEAL
    entries = (
        visible_access_log(request.user)
        .filter(kind=kind)
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
        form = MarkReadForm(request.POST, notifications=mine)
        if not form.is_valid():
            messages.error(request, _("That message is not in your inbox."))
            return redirect("reports:inbox")
        mark_read(user=request.user, notification=form.cleaned_data["id"])
        return redirect("reports:inbox")
    page = paginate(request, mine.select_related("dispute"), 30)
    attach_notices(page)  # an urging notice's message links its PDF
    return render(request, "reports/inbox.html", {"page": page})


# -- documents (PDF) ---------------------------------------------------------------------------


@login_required
@require_GET
def document(request, number, kind, part=""):
    """One document of a case (``part``: a department's sheet, a meeting's minutes): from the
    frozen archive once the case file is frozen (checked against its hash), otherwise rendered
    now. Not visible → 404; visible but not among those who take paper away → 403; logged."""
    dispute = get_dispute_for_user(request.user, number)
    try:
        doc_kind = documents.get_kind(kind)
    except documents.UnknownDocument as exc:
        raise Http404(exc.message) from exc
    if not report_rules.may_download(dispute, request.user, kind, part):
        raise PermissionDenied(_("Only the people handling the case and supervisors download it."))
    if part and not doc_kind.has_parts:
        raise Http404("This kind has no parts")
    try:
        frozen = archive.frozen_document(dispute, kind, part)
        if frozen is None and doc_kind.frozen_at_issue:
            # Handed out: rendered once, at its first issue, and served from storage after.
            frozen = archive.document_issue(dispute=dispute, kind=doc_kind, actor=request.user)
        if frozen is not None:
            data, title = archive.read_frozen(frozen), frozen.title
        else:
            piece = doc_kind.part(dispute, part) if part else None
            data = documents.render_pdf(kind, dispute, **(piece.options if piece else {}))
            title = doc_kind.part_title(piece)
    except DisputeError as exc:  # no such document (yet), or an altered archive
        messages.error(request, exc.message)
        return redirect("disputes:detail", number=dispute.number)
    archived = frozen is not None and dispute.state == State.ARCHIVED
    log_access(
        user=request.user,
        kind=AccessLog.Kind.DOWNLOAD,
        dispute=dispute,
        detail=title + (_(" (archived)") if archived else ""),
    )
    suffix = f"-{part}" if part else ""
    return download_response(
        data, filename=f"{dispute.number}-{kind}{suffix}.pdf", content_type="application/pdf"
    )


@login_required
@require_POST
def document_reissue(request, number, kind):
    """A new, numbered copy of a document handed out (the receipt): the owning centre gives
    it when the payer needs one again; the copies issued before stay as they were."""
    dispute = get_dispute_for_user(request.user, number)
    if not report_rules.may_reissue(dispute, request.user):
        raise PermissionDenied(_("Only the owning centre issues a new copy."))
    try:
        doc_kind = documents.get_kind(kind)
    except documents.UnknownDocument as exc:
        raise Http404(exc.message) from exc
    if not doc_kind.frozen_at_issue:
        raise Http404("This kind is not issued")
    try:
        doc = archive.document_issue(dispute=dispute, kind=doc_kind, actor=request.user, again=True)
    except DisputeError as exc:
        messages.error(request, exc.message)
        return redirect("disputes:detail", number=dispute.number)
    messages.success(request, _("%(title)s issued.") % {"title": doc.title})
    return redirect("reports:document", number=dispute.number, kind=kind)


@login_required
@require_GET
def document_list(request):
    """The supervisors' page: the forms of every case they oversee, by case."""
    if not report_rules.supervises(request.user):
        raise PermissionDenied(_("Only supervisors use the forms page."))
    kinds = documents.all_kinds()
    qs = visible_disputes(request.user).select_related("centre", "category")
    form = DocumentFilterForm(request.GET, kinds=kinds)
    filters = form.cleaned_data if form.is_valid() else {}
    number = filters.get("number", "").strip()
    if form.errors:
        qs = qs.none()  # the form's errors say why
    elif number:
        qs = qs.filter(search.text_contains("number", number))
    chosen = filters.get("kind", "")
    qs = qs.annotate(**{f"has_{k.key}": k.exists() for k in kinds})
    if chosen:
        qs = qs.filter(**{f"has_{chosen}": True})
    # Frozen in the archive: its cover and index is stored (it is frozen last). A receipt
    # frozen at issue alone does not make a case file.
    qs = qs.annotate(
        frozen=Exists(ArchivedDocument.objects.filter(dispute=OuterRef("pk"), kind=archive.COVER))
    ).order_by("-received_at", "-pk")
    page = paginate(request, qs)
    rows = [
        (
            d,
            [
                (k, reverse("reports:document", kwargs={"number": d.number, "kind": k.key}))
                for k in kinds
                if getattr(d, f"has_{k.key}")
            ],
        )
        for d in page
    ]
    return render(
        request,
        "reports/documents.html",
        {
            "page": page,
            "rows": rows,
            "kinds": kinds,
            "kind": chosen,
            "number": number,
            "search": form,
        },
    )


def _oversight_only(request) -> None:
    if not report_rules.oversees(request.user):
        raise Http404("No such page")


@login_required
@require_GET
def ledger(request):
    """The ledger (台账): every case the user sees, as the query string filters and sorts it;
    the user's exports in progress above it."""
    _oversight_only(request)
    found = ledger_cases(request.user, request.GET)
    sort = exports.sort_of(request.GET)
    numbers = rules.number_display(None, request.user)
    paginator = LedgerPaginator(exports.sorted_cases(found.qs, sort), PAGE_SIZE, numbers=numbers)
    page = paginator.get_page(request.GET.get("page"))
    if sort in exports.NARROW_SORTS and paginator.capped:
        messages.info(
            request,
            _("The ledger sorts by that column once the filter leaves %(cap)s cases or fewer.")
            % {"cap": f"{settings.LEDGER_COUNT_CAP:,}"},
        )
        sort = exports.DEFAULT_SORT
        paginator = LedgerPaginator(
            exports.sorted_cases(found.qs, sort), PAGE_SIZE, numbers=numbers
        )
        page = paginator.get_page(request.GET.get("page"))
    params = export_jobs.filter_params(request.GET)
    if "sort" in params:
        params["sort"] = sort  # the order shown, which a refused sort is not
    query = params.urlencode()
    return render(
        request,
        "reports/ledger.html",
        {
            "form": found.form,
            "page": page,
            "table": LedgerTable(page.object_list, sort=sort, narrow=not paginator.capped),
            "export_url": f"{reverse('reports:ledger-export')}?{query}",
            "formats": ExportJob.Format.choices,
            "jobs": export_jobs.jobs_of(request.user)[:5],
            "job_rows": settings.LEDGER_EXPORT_JOB_ROWS,
        },
    )


@login_required
@require_POST
def ledger_export(request):
    """The ledger as the query string filters it, as .xlsx or CSV (``format``): written now
    when small, queued as a job when large (the ledger then shows its progress)."""
    _oversight_only(request)
    back = f"{reverse('reports:ledger')}?{export_jobs.filter_params(request.GET).urlencode()}"
    try:
        export = export_jobs.start_export(
            user=request.user, params=request.GET, fmt=request.POST.get("format", "")
        )
    except DisputeError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    if export.job is not None:
        messages.info(
            request,
            _("The export of %(count)s cases is being written; it appears below when ready.")
            % {"count": f"{export.job.total:,}"},
        )
        return redirect(back)
    if export.stream is not None:
        response = StreamingHttpResponse(export.stream, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
    return download_response(
        export.data, filename=export.filename, content_type=export.content_type
    )


@login_required
@require_GET
def ledger_export_status(request, pk):
    """How far one of the user's export jobs is, as JSON (the ledger's progress bar polls it);
    anyone else's job does not exist."""
    job = export_jobs.job_for(request.user, pk)
    if job is None:
        raise Http404("No such export")
    ready = export_jobs.downloadable(job)
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "download": reverse("reports:ledger-export-download", kwargs={"pk": job.pk})
            if ready
            else "",
        },
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
@require_GET
def ledger_export_download(request, pk):
    """The file of one of the user's export jobs, while it is kept; anyone else: 404."""
    job = export_jobs.job_for(request.user, pk)
    if not export_jobs.downloadable(job):
        raise Http404("No such export")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is gone") from exc
    return download_response(
        handle, filename=job.filename, content_type=exports.CONTENT_TYPES[job.format]
    )


@login_required
@require_GET
def dashboard(request):
    """The dashboard (统计分析): the page draws its charts from ``dashboard_data``."""
    _oversight_only(request)
    scope = statistics.dashboard_scope(request.user, request.GET)
    valid = scope.form.is_valid()
    query = scope.data.urlencode()
    counted = tally.counts_for(scope) if valid else None
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": scope.form,
            "valid": valid,
            "as_of": counted.as_of if counted else None,
            "every": settings.REPORTS_TALLY_SECONDS // 60,
            "data_url": f"{reverse('reports:dashboard-data')}?{query}",
            "titles": statistics.TITLES,
            "text": {
                "cases": _("%s cases"),
                "on_time": _("%(met)s of %(total)s time limits met, in %(cases)s cases"),
                "declined": _("%(declined)s of %(total)s cases declined"),
                "satisfied": _(
                    "%(satisfied)s of %(rated)s rated cases satisfied or basically satisfied"
                ),
                "redone": _("%(redone)s of %(replied)s replied cases redone"),
                "days": _("mean %(mean)s, nine in ten within %(p90)s working days"),
                "mean": _("Mean working days"),
                "p90": _("90th percentile"),
                "none": _("No cases."),
                "failed": _("The figures could not be loaded."),
            },
        },
    )


@login_required
@require_GET
def dashboard_data(request):
    """The figures behind each chart as JSON: the same query string as the dashboard."""
    _oversight_only(request)
    scope = statistics.dashboard_scope(request.user, request.GET)
    if not scope.form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in scope.form.errors.items()}
        return JsonResponse(
            {"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    figures = statistics.Dashboard(scope).figures()
    return JsonResponse(figures, json_dumps_params={"ensure_ascii": False})


# -- evaluation (绩效考评) and accountability (责任追究) -----------------------------------------


def _scorecard(request):
    form = EvaluationPeriodForm(request.GET or None)
    period = form.chosen()
    counted = tally.evaluation_figures(request.user, period)
    return form, scorecard(visible_disputes(request.user), period, counted=counted)


@login_required
@require_GET
def evaluation(request):
    """The scorecard of the departments and centres over the cases the user sees."""
    _oversight_only(request)
    form, card = _scorecard(request)
    return render(
        request,
        "reports/evaluation.html",
        {
            "form": form,
            "card": card,
            "definitions": DEFINITIONS,
            "previous": card.period.previous(),
            "following": card.period.following(),
        },
    )


@login_required
@require_GET
def circulars(request):
    """The circular entries (通报) behind the evaluation's figure, over the cases the user
    sees: a department's limits still late five working days after their urging notice."""
    _oversight_only(request)
    form = CircularFilterForm(request.GET or None)
    entries = LateCircular.objects.none()
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        entries = circular_entries(
            visible_disputes(request.user),
            department=data.get("department"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
    return render(
        request, "reports/circulars.html", {"form": form, "page": paginate(request, entries, 50)}
    )


@login_required
@require_GET
def evaluation_pdf(request):
    """The scorecard as the printed circular (通报); logged like every download."""
    _oversight_only(request)
    _form, card = _scorecard(request)
    scope = scope_name(request.user)
    pdf = circular_pdf(card, scope=scope)
    log_access(
        user=request.user,
        kind=AccessLog.Kind.DOWNLOAD,
        detail=f"{circular_title(scope)}（{card.period.label}）",
    )
    return download_response(
        pdf.pdf, filename=f"evaluation-{card.period.slug}.pdf", content_type="application/pdf"
    )


@login_required
@require_GET
def accountability(request):
    """The accountability records of the user's county; the leading-group office decides."""
    if not report_rules.reads_accountability(request.user):
        raise Http404("No such page")
    form = AccountabilityFilterForm(request.GET or None)
    records = accountability_service.accountability_records(request.user)
    if form.is_bound and not form.is_valid():
        records = records.none()  # the form's errors say why
    elif form.is_bound:
        records = accountability_service.filtered_records(records, form.cleaned_data)
    records = accountability_service.with_page_relations(records, request.user)
    page = paginate(request, records.order_by("-recorded_at", "-pk"), 50)
    return render(
        request,
        "reports/accountability.html",
        {
            "form": form,
            "page": page,
            "rows": accountability_service.page_rows(request.user, page, request.session),
            "outcomes": AccountabilityDecision.Outcome.choices,
        },
    )


@login_required
@require_POST
def accountability_decide(request, pk):
    """The leading-group office records an outcome: a new decision, the earlier ones kept. A
    refused one comes back to its row with what was typed, and the reason why."""
    if not report_rules.reads_accountability(request.user):
        raise Http404("No such page")
    record = get_object_or_404(
        accountability_service.accountability_records(request.user).select_related(
            "dispute__jurisdiction", "department", "centre"
        ),
        pk=pk,
    )
    if not report_rules.may_decide_accountability(request.user, record):
        raise PermissionDenied(_("Only the leading-group office records the outcome."))
    form = AccountabilityDecisionForm(request.POST)
    refused = True
    if form.is_valid():
        try:
            accountability_service.accountability_decide(
                record=record,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except DisputeError as exc:
            messages.error(request, exc.message)
        else:
            refused = False
            messages.success(
                request,
                _("Outcome recorded for case %(number)s.") % {"number": record.dispute.number},
            )
    else:
        message_form_errors(request, form)
    if refused:
        accountability_service.keep_draft(
            request.session,
            record=record,
            outcome=form.data.get("outcome"),
            reason=form.data.get("reason"),
        )
    back = QueryDict(form.data.get("back", "")).urlencode()
    url = reverse("reports:accountability")
    return redirect(f"{url}?{back}#record-{record.pk}" if back else f"{url}#record-{record.pk}")
