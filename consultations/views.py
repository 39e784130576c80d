from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from consultations import rules as meeting_rules
from consultations import selectors, services
from consultations.forms import (
    AgendaAddForm,
    ApproveForm,
    AttendanceForm,
    AttendeeForm,
    CancelMeetingForm,
    ConsolidateForm,
    CourtReportForm,
    DecisionForm,
    DeclineForm,
    DisciplineForm,
    EscalateForm,
    IssueForm,
    MeetingForm,
    MinutesForm,
    OpinionForm,
    ReassignForm,
    ReturnForm,
    SignOffForm,
    SubmitMinutesForm,
    SupervisionCloseForm,
    SupervisionForm,
    SupervisionReportForm,
    TaskDoneForm,
    TaskFormSet,
)
from consultations.models import AgendaItem, DecisionTask, Meeting, Minutes
from departments.http import safe_next
from departments.models import staff_of
from disputes import marks
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.rules import number_display
from disputes.selectors import visible_disputes
from disputes.views import CaseActionView, message_form_errors, paginate, paginate_cases
from routing.deadlines import with_days_late
from routing.urging import mark_urged


@login_required
@require_GET
def task_list(request):
    department_id = meeting_rules.officer_department(request.user)
    if department_id is None:
        raise PermissionDenied(_("Only department officers have department tasks."))
    page = paginate_cases(request, selectors.tasks_for_department(department_id), ref="dispute_id")
    mark_urged(page, request.user, dispute_id=lambda task: task.dispute_id)
    decision_tasks = marks.annotate(
        selectors.decision_tasks_for_department(department_id), "item__dispute_id"
    )
    open_decision_tasks = with_days_late(
        [t.deadline for t in decision_tasks if t.status == t.Status.OPEN]
    )
    late = {d.pk: d.late for d in open_decision_tasks}
    rows = [(t, late.get(t.deadline_id, 0)) for t in decision_tasks[:100]]
    return render(
        request,
        "consultations/task_list.html",
        {
            "page": page,
            "staff": staff_of(request.user),
            "decision_tasks": rows,
            "supervisions": selectors.supervisions_for_department(department_id),
        },
    )


class OpinionView(CaseActionView):
    action_key = "opinion"
    form_class = OpinionForm
    template_name = "consultations/opinion.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["task"] = selectors.pending_task_for(self.dispute, self.request.user)
        return context

    def perform(self, form, *, expected_state):
        task = selectors.pending_task_for(self.dispute, self.request.user)
        data = form.cleaned_data
        services.opinion_give(
            task=task,
            actor=self.request.user,
            finding=data["finding"],
            basis=data["basis"],
            proposal=data["proposal"],
            amount_confirmed=data["amount_confirmed"],
            attachments=data["attachments"],
            expected_state=expected_state,
        )


class ConsolidateView(CaseActionView):
    action_key = "consolidate"
    form_class = ConsolidateForm
    template_name = "consultations/consolidate.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tasks"] = selectors.opinions_side_by_side(self.dispute)
        return context

    def perform(self, form, *, expected_state):
        services.dispute_consolidate(
            dispute=self.dispute,
            actor=self.request.user,
            opinion=form.cleaned_data["opinion"],
            expected_state=expected_state,
        )


class EscalateView(CaseActionView):
    action_key = "escalate"
    form_class = EscalateForm

    def perform(self, form, *, expected_state):
        services.dispute_escalate(
            dispute=self.dispute,
            actor=self.request.user,
            reason=form.cleaned_data["reason"],
            expected_state=expected_state,
        )


class ApproveView(CaseActionView):
    action_key = "approve"
    form_class = ApproveForm

    def perform(self, form, *, expected_state):
        services.dispute_approve(
            dispute=self.dispute,
            actor=self.request.user,
            comment=form.cleaned_data["comment"],
            expected_state=expected_state,
        )


class ReturnView(CaseActionView):
    action_key = "return_escalation"
    form_class = ReturnForm

    def perform(self, form, *, expected_state):
        services.dispute_return(
            dispute=self.dispute,
            actor=self.request.user,
            comment=form.cleaned_data["comment"],
            expected_state=expected_state,
        )


class DeclineView(CaseActionView):
    action_key = "decline"
    form_class = DeclineForm

    def perform(self, form, *, expected_state):
        services.task_decline(
            task=selectors.pending_task_for(self.dispute, self.request.user),
            actor=self.request.user,
            reason=form.cleaned_data["reason"],
        )


class ReassignView(CaseActionView):
    action_key = "reassign"
    form_class = ReassignForm

    def get_form_kwargs(self):
        return {"dispute": self.dispute}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tasks"] = selectors.opinions_side_by_side(self.dispute)
        return context

    template_name = "consultations/consolidate.html"

    def perform(self, form, *, expected_state):
        data = form.cleaned_data
        services.task_reassign(
            dispute=self.dispute,
            actor=self.request.user,
            from_department=data["from_department"],
            to_department=data["to_department"],
            reason=data["reason"],
        )


class DisciplineView(CaseActionView):
    action_key = "discipline"
    form_class = DisciplineForm
    template_name = "consultations/consolidate.html"

    def get_form_kwargs(self):
        return {"tasks": selectors.refusing_tasks(self.dispute)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tasks"] = selectors.opinions_side_by_side(self.dispute)
        return context

    def perform(self, form, *, expected_state):
        services.discipline_refer(
            task=form.cleaned_data["task"],
            actor=self.request.user,
            reason=form.cleaned_data["reason"],
        )


class CourtReportView(CaseActionView):
    action_key = "court_report"
    form_class = CourtReportForm

    def load(self):
        self.enforcement = selectors.pending_court_enforcement(self.dispute)
        if self.enforcement is None:
            raise Http404(_("This case is not awaiting a report from the court."))

    def perform(self, form, *, expected_state):
        services.court_report(
            enforcement=self.enforcement,
            actor=self.request.user,
            report=form.cleaned_data["report"],
        )


# -- the leading group: workbench, meetings, minutes -------------------------------------


def _leading_group_office(request):
    office = meeting_rules.office_for(request.user)
    if office is None:
        raise PermissionDenied(_("Only the leading-group office and the leader have this desk."))
    return office


def _meeting(request, pk, *, run=False):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    if run and not meeting_rules.runs_office(request.user, meeting.office):
        raise PermissionDenied(_("Only the leading-group office runs its meetings."))
    return meeting


def _acted(request, meeting, call, success: str, *, back_to: str = "consultations:meeting"):
    """Run a service for a POST on a meeting (or its minutes') page; its refusals come back as
    messages on the page it came from."""
    try:
        call()
    except ActionNotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except DisputeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(back_to, pk=meeting.pk)


def _minutes_acted(request, meeting, call, success: str):
    return _acted(request, meeting, call, success, back_to="consultations:minutes")


@login_required
@require_GET
def workbench(request):
    office = _leading_group_office(request)
    return render(
        request,
        "consultations/workbench.html",
        {
            "bench": selectors.workbench(request.user, office),
            "runs_office": meeting_rules.runs_office(request.user, office),
        },
    )


@login_required
@require_GET
def meeting_list(request):
    meetings = (
        selectors.visible_meetings(request.user)
        .select_related("office", "host__staff", "minutes")
        .annotate(cases=Count("agenda"))
        .order_by("-held_at", "-pk")
    )
    office = meeting_rules.office_for(request.user)
    return render(
        request,
        "consultations/meeting_list.html",
        {
            "page": paginate(request, meetings),
            "can_create": office is not None and meeting_rules.runs_office(request.user, office),
        },
    )


@login_required
def meeting_create(request):
    office = meeting_rules.office_for(request.user)
    if office is None or not meeting_rules.runs_office(request.user, office):
        raise PermissionDenied(_("Only the leading-group office prepares meetings."))
    form = MeetingForm(request.POST or None, initial={"kind": Meeting.Kind.MAJOR}, office=office)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                held_at=data["held_at"],
                place=data["place"],
                host=data["host"],
                departments=data["departments"],
                people=data["people"],
            )
        except DisputeError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Meeting prepared; now put the cases on its agenda."))
            return redirect("consultations:meeting", pk=meeting.pk)
    return render(request, "consultations/meeting_form.html", {"form": form, "office": office})


@login_required
def meeting_edit(request, pk):
    meeting = _meeting(request, pk, run=True)
    if meeting.status != Meeting.Status.PLANNED:
        messages.warning(request, _("The meeting is no longer in preparation."))
        return redirect("consultations:meeting", pk=meeting.pk)
    initial = {
        "title": meeting.title,
        "held_at": timezone.localtime(meeting.held_at),
        "place": meeting.place,
        "host": meeting.host_id,
        "departments": list(meeting.invited_departments.values_list("pk", flat=True)),
        "people": list(
            meeting.invited_people.exclude(pk=meeting.host_id).values_list("pk", flat=True)
        ),
    }
    form = MeetingForm(request.POST or None, initial=initial, office=meeting.office, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_update(
                meeting=meeting,
                actor=request.user,
                title=data["title"],
                held_at=data["held_at"],
                place=data["place"],
                host=data["host"],
                departments=data["departments"],
                people=data["people"],
            )
        except DisputeError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("consultations:meeting", pk=meeting.pk)
    return render(
        request,
        "consultations/meeting_form.html",
        {"form": form, "office": meeting.office, "meeting": meeting},
    )


@login_required
@require_GET
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    runs = meeting_rules.runs_office(request.user, meeting.office)
    items = list(
        meeting.agenda.select_related("dispute__category", "dispute__centre").prefetch_related(
            Prefetch(
                "tasks",
                queryset=DecisionTask.objects.select_related(
                    "department", "owner__staff", "deadline"
                ),
            )
        )
    )
    minutes = Minutes.objects.filter(meeting=meeting).first()
    planned = meeting.status == Meeting.Status.PLANNED
    context = {
        "meeting": meeting,
        "items": items,
        "attendances": meeting.attendances.select_related("department"),
        "departments": meeting.invited_departments.all(),
        "minutes": minutes,
        "issues": meeting.policy_issues.prefetch_related("disputes"),
        "runs": runs,
        "planned": planned,
        "decisions_open": meeting.status == Meeting.Status.HELD
        and (minutes is None or minutes.status == Minutes.Status.DRAFT),
        "visible_cases": set(
            visible_disputes(request.user)
            .filter(agenda_items__meeting=meeting)
            .values_list("pk", flat=True)
        ),
    }
    if runs and planned:
        context["agenda_form"] = AgendaAddForm(
            cases=selectors.open_cases_for_agenda(meeting, request.user)
        )
        context["attendee_form"] = AttendeeForm(meeting=meeting)
        context["cancel_form"] = CancelMeetingForm()
    if runs and meeting.status == Meeting.Status.HELD and not (minutes and minutes.is_issued):
        context["issue_form"] = IssueForm(meeting=meeting)
    return render(request, "consultations/meeting_detail.html", context)


@login_required
@require_POST
def agenda_add(request, pk):
    meeting = _meeting(request, pk, run=True)
    form = AgendaAddForm(request.POST, cases=selectors.open_cases_for_agenda(meeting, request.user))
    if not form.is_valid():
        messages.error(request, _("Choose a case that may go on this agenda."))
        return redirect("consultations:meeting", pk=meeting.pk)
    return _acted(
        request,
        meeting,
        lambda: services.agenda_add(
            meeting=meeting, actor=request.user, dispute=form.cleaned_data["dispute"]
        ),
        _("Case put on the agenda."),
    )


@login_required
@require_POST
def agenda_remove(request, pk, item_pk):
    meeting = _meeting(request, pk, run=True)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    return _acted(
        request,
        meeting,
        lambda: services.agenda_remove(item=item, actor=request.user),
        _("Case taken off the agenda."),
    )


@login_required
@require_POST
def attendee_add(request, pk):
    meeting = _meeting(request, pk, run=True)
    form = AttendeeForm(request.POST, meeting=meeting)
    if not form.is_valid():
        messages.error(request, _("Write the attendee's name."))
        return redirect("consultations:meeting", pk=meeting.pk)
    data = form.cleaned_data
    return _acted(
        request,
        meeting,
        lambda: services.attendance_add(
            meeting=meeting,
            actor=request.user,
            name=data["name"],
            department=data["department"],
            position=data["position"],
        ),
        _("Attendee added."),
    )


@login_required
@require_POST
def meeting_cancel(request, pk):
    meeting = _meeting(request, pk, run=True)
    form = CancelMeetingForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _acted(
        request,
        meeting,
        lambda: services.meeting_cancel(meeting=meeting, actor=request.user, reason=reason),
        _("Meeting cancelled."),
    )


@login_required
def meeting_attendance(request, pk):
    """Record who attended: the meeting is then held, and its minutes can be drafted."""
    meeting = _meeting(request, pk, run=True)
    rows = list(meeting.attendances.select_related("department"))
    if meeting.status != Meeting.Status.PLANNED:
        messages.warning(request, _("The meeting is no longer in preparation."))
        return redirect("consultations:meeting", pk=meeting.pk)
    if request.method == "POST":
        form = AttendanceForm(request.POST, rows=rows)
        if not form.is_valid():
            message_form_errors(request, form)
            return render(
                request, "consultations/attendance.html", {"meeting": meeting, "rows": rows}
            )
        try:
            services.meeting_record_held(
                meeting=meeting, actor=request.user, present=form.present(), notes=form.notes()
            )
        except DisputeError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Attendance recorded; the meeting is held."))
            return redirect("consultations:meeting", pk=meeting.pk)
    return render(request, "consultations/attendance.html", {"meeting": meeting, "rows": rows})


@login_required
def item_decision(request, pk, item_pk):
    """The meeting's decision on one case and who does what by when."""
    meeting = _meeting(request, pk, run=True)
    item = get_object_or_404(
        AgendaItem.objects.select_related("dispute__category"), pk=item_pk, meeting=meeting
    )
    if request.method == "POST":
        form = DecisionForm(request.POST)
        formset = TaskFormSet(request.POST, prefix="task", form_kwargs={"dispute": item.dispute})
        if form.is_valid() and formset.is_valid():
            tasks = [
                services.TaskData(
                    description=f.cleaned_data["description"],
                    department=f.cleaned_data["department"],
                    owner=f.cleaned_data.get("owner"),
                    due_date=f.cleaned_data["due_date"],
                )
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                services.item_decide(
                    item=item,
                    actor=request.user,
                    decision=form.cleaned_data["decision"],
                    outcome=form.cleaned_data["outcome"],
                    tasks=tasks,
                )
            except DisputeError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Decision on %(number)s recorded.") % {"number": item.dispute.number},
                )
                return redirect("consultations:meeting", pk=meeting.pk)
    else:
        form = DecisionForm(initial={"decision": item.decision, "outcome": item.outcome})
        initial = [
            {
                "description": t.description,
                "department": t.department_id,
                "owner": t.owner_id,
                "due_date": t.due_date,
            }
            for t in item.tasks.all()
        ]
        formset = TaskFormSet(prefix="task", initial=initial, form_kwargs={"dispute": item.dispute})
    return render(
        request,
        "consultations/decision.html",
        {"meeting": meeting, "item": item, "form": form, "formset": formset},
    )


@login_required
@require_POST
def issue_raise(request, pk):
    meeting = _meeting(request, pk, run=True)
    form = IssueForm(request.POST, meeting=meeting)
    if not form.is_valid():
        messages.error(request, _("An issue needs its kind, title, description and cases."))
        return redirect("consultations:meeting", pk=meeting.pk)
    data = form.cleaned_data
    return _acted(
        request,
        meeting,
        lambda: services.policy_issue_raise(
            meeting=meeting,
            actor=request.user,
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            disputes=data["disputes"],
        ),
        _("Issue recorded for the leading group."),
    )


@login_required
def minutes(request, pk):
    """The minutes: the editor while a draft (for the office), read-only otherwise."""
    meeting = _meeting(request, pk)
    record = (
        Minutes.objects.filter(meeting=meeting)
        .select_related("sign_off_by__staff", "issued_by__staff", "drafted_by__staff")
        .first()
    )
    if record is None:
        raise Http404("No minutes yet")
    runs = meeting_rules.runs_office(request.user, meeting.office)
    editing = runs and record.status == Minutes.Status.DRAFT
    form = MinutesForm(request.POST or None, initial={"body": record.body})
    if request.method == "POST":
        if not editing:
            raise PermissionDenied(_("Only the leading-group office edits a draft."))
        if form.is_valid():
            try:
                services.minutes_save(
                    meeting=meeting, actor=request.user, body=form.cleaned_data["body"]
                )
            except DisputeError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Minutes saved."))
                return redirect("consultations:minutes", pk=meeting.pk)
    items = list(
        meeting.agenda.select_related("dispute__category").prefetch_related(
            Prefetch(
                "tasks", queryset=DecisionTask.objects.select_related("department", "owner__staff")
            )
        )
    )
    context = {
        "meeting": meeting,
        "record": record,
        "items": items,
        "present": [a for a in meeting.attendances.select_related("department") if a.present],
        "departments": meeting.invited_departments.all(),
        "issues": meeting.policy_issues.prefetch_related("disputes").order_by("raised_at", "pk"),
        "form": form if editing else None,
        "runs": runs,
    }
    if editing:
        context["submit_form"] = SubmitMinutesForm(signers=selectors.signers_for(meeting))
    if record.status == Minutes.Status.UNDER_REVIEW and meeting_rules.may_sign_off(
        request.user, record
    ):
        context["sign_form"] = SignOffForm()
    return render(request, "consultations/minutes.html", context)


@login_required
@require_POST
def minutes_submit(request, pk):
    meeting = _meeting(request, pk, run=True)
    form = SubmitMinutesForm(request.POST, signers=selectors.signers_for(meeting))
    signer = form.cleaned_data["sign_off_by"] if form.is_valid() else None
    return _minutes_acted(
        request,
        meeting,
        lambda: services.minutes_submit(meeting=meeting, actor=request.user, sign_off_by=signer),
        _("Minutes sent for sign-off."),
    )


@login_required
@require_POST
def minutes_sign(request, pk):
    meeting = _meeting(request, pk)
    record = get_object_or_404(Minutes, meeting=meeting)
    if not meeting_rules.may_sign_off(request.user, record):
        raise PermissionDenied(_("The minutes were sent to someone else to sign off."))
    form = SignOffForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Sign the minutes off or return them."))
        return redirect("consultations:minutes", pk=meeting.pk)
    approve = form.cleaned_data["decision"] == "sign"
    return _minutes_acted(
        request,
        meeting,
        lambda: services.minutes_sign_off(
            meeting=meeting,
            actor=request.user,
            approve=approve,
            comment=form.cleaned_data["comment"],
        ),
        _("Minutes signed off.") if approve else _("Minutes returned to the office."),
    )


@login_required
@require_POST
def minutes_issue(request, pk):
    meeting = _meeting(request, pk, run=True)

    return _minutes_acted(
        request,
        meeting,
        lambda: services.minutes_issue(meeting=meeting, actor=request.user),
        _("Minutes issued: numbered, and the cases moved on."),
    )


@login_required
@require_POST
def decision_task_done(request, pk):
    task = get_object_or_404(
        DecisionTask.objects.select_related("item__meeting__office__jurisdiction", "department"),
        pk=pk,
    )
    # Visible to whoever sees its case; otherwise it does not exist for them.
    dispute = get_object_or_404(visible_disputes(request.user), pk=task.item.dispute_id)
    if not meeting_rules.may_complete_task(task, request.user):
        raise PermissionDenied(
            _("Only %(dept)s or the leading-group office reports this task done.")
            % {"dept": task.department.name}
        )
    form = TaskDoneForm(request.POST)
    result = form.cleaned_data["result"] if form.is_valid() else ""
    try:
        services.decision_task_complete(task=task, actor=request.user, result=result)
    except DisputeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Task reported done."))
    return redirect(safe_next(request, reverse("disputes:detail", args=[dispute.number])))


# -- supervision (督办) ----------------------------------------------------------------------


class SupervisionOpenView(CaseActionView):
    action_key = "supervise"
    form_class = SupervisionForm

    def get_form_kwargs(self):
        return {"dispute": self.dispute}

    def get_initial(self):
        # The departments handling the case are the usual ones to supervise.
        assigned = [
            self.dispute.lead_department_id,
            *self.dispute.co_departments.values_list("pk", flat=True),
        ]
        return {"departments": [pk for pk in assigned if pk]}

    def perform(self, form, *, expected_state):
        data = form.cleaned_data
        services.supervision_open(
            dispute=self.dispute,
            actor=self.request.user,
            matter=data["matter"],
            requirement=data["requirement"],
            departments=data["departments"],
            due_date=data["due_date"],
        )


class _OpenSupervisionView(CaseActionView):
    template_name = "consultations/supervision_action.html"

    def load(self):
        self.supervision = selectors.open_supervision(self.dispute)
        if self.supervision is None:
            raise Http404(_("This case is not under supervision."))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["supervision"] = self.supervision
        context["numbers"] = number_display(self.dispute, self.request.user)
        return context


class SupervisionReportView(_OpenSupervisionView):
    action_key = "supervision_report"
    form_class = SupervisionReportForm

    def perform(self, form, *, expected_state):
        services.supervision_report(
            supervision=self.supervision,
            actor=self.request.user,
            text=form.cleaned_data["text"],
            final=form.cleaned_data["final"],
        )


class SupervisionCloseView(_OpenSupervisionView):
    action_key = "supervision_close"
    form_class = SupervisionCloseForm

    def perform(self, form, *, expected_state):
        services.supervision_close(
            supervision=self.supervision,
            actor=self.request.user,
            conclusion=form.cleaned_data["conclusion"],
        )
