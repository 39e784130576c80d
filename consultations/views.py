from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from consultations import selectors, services
from consultations.forms import (
    ApproveForm,
    ConsolidateForm,
    DecideForm,
    EscalateForm,
    OpinionForm,
    ReturnForm,
)
from consultations.models import DepartmentTask
from departments.models import Role, roles_of, staff_of
from disputes.views import CaseActionView, paginate


@login_required
@require_GET
def task_list(request):
    staff = staff_of(request.user)
    if staff is None or not staff.department_id or Role.OFFICER not in roles_of(request.user):
        raise PermissionDenied(_("Only department officers have department tasks."))
    page = paginate(request, selectors.tasks_for_department(staff.department_id))
    return render(request, "consultations/task_list.html", {"page": page, "staff": staff})


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
            expected_state=expected_state,
        )


class ConsolidateView(CaseActionView):
    action_key = "consolidate"
    form_class = ConsolidateForm
    template_name = "consultations/consolidate.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tasks"] = (
            DepartmentTask.objects.filter(dispute=self.dispute)
            .exclude(status=DepartmentTask.Status.WITHDRAWN)
            .select_related("department", "signed_by__staff")
        )
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


class DecideView(CaseActionView):
    action_key = "decide"
    form_class = DecideForm

    def perform(self, form, *, expected_state):
        services.dispute_decide(
            dispute=self.dispute,
            actor=self.request.user,
            opinion=form.cleaned_data["opinion"],
            expected_state=expected_state,
        )
