import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.selectors import get_dispute_for_user
from disputes.views import CaseActionView, message_form_errors
from routing import rules as clock_rules
from routing import services, urging
from routing.forms import (
    ClassifyForm,
    DispatchForm,
    ExtensionDecisionForm,
    ExtensionForm,
    PauseForm,
    ReferForm,
    ResumeForm,
    TransferForm,
    UrgeForm,
)
from routing.models import Deadline, ExtensionRequest


class ClassifyView(CaseActionView):
    action_key = "classify"
    form_class = ClassifyForm
    template_name = "routing/classify.html"

    def get_form_kwargs(self):
        return {"jurisdiction": self.dispute.jurisdiction}

    def get_initial(self):
        self.proposal = services.routing_propose(self.dispute)
        return {
            "classification": self.proposal.classification or "general",
            "lead_department": self.proposal.lead_department,
            "co_departments": self.proposal.co_departments,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["proposal"] = getattr(self, "proposal", None) or services.routing_propose(
            self.dispute
        )
        return context

    def perform(self, form, *, expected_state):
        data = form.cleaned_data
        services.dispute_classify(
            dispute=self.dispute,
            actor=self.request.user,
            classification=data["classification"],
            lead_department=data["lead_department"],
            co_departments=data["co_departments"],
            note=data["note"],
            expected_state=expected_state,
        )


class TransferView(CaseActionView):
    action_key = "transfer"
    form_class = TransferForm

    def get_form_kwargs(self):
        return {"current_centre": self.dispute.centre}

    def get_initial(self):
        return {"centre": services.competent_centre(self.dispute)}

    def perform(self, form, *, expected_state):
        services.dispute_transfer(
            dispute=self.dispute,
            actor=self.request.user,
            centre=form.cleaned_data["centre"],
            reason=form.cleaned_data["reason"],
            expected_state=expected_state,
        )

    def success_url(self):
        # After a transfer the case belongs elsewhere; the clerk keeps read access as first
        # responder, but the natural next page is their own queue.
        from django.urls import reverse

        return reverse("disputes:list")


class ReferView(CaseActionView):
    action_key = "refer"
    form_class = ReferForm

    def get_initial(self):
        return {
            "summary": self.dispute.summary,
            "report_back_by": timezone.localdate() + datetime.timedelta(days=7),
        }

    def perform(self, form, *, expected_state):
        data = form.cleaned_data
        services.dispute_refer(
            dispute=self.dispute,
            actor=self.request.user,
            summary=data["summary"],
            opinion=data["opinion"],
            report_back_by=data["report_back_by"],
            receiver_phone=data["receiver_phone"],
            contact_phone=data["contact_phone"],
            contact_email=data["contact_email"],
            expected_state=expected_state,
        )


class DispatchView(CaseActionView):
    action_key = "dispatch"
    form_class = DispatchForm

    def get_form_kwargs(self):
        return {"jurisdiction": self.dispute.jurisdiction}

    def perform(self, form, *, expected_state):
        data = form.cleaned_data
        services.dispute_dispatch(
            dispute=self.dispute,
            actor=self.request.user,
            department=data["department"],
            hotline_ticket=data["hotline_ticket"],
            note=data["note"],
            expected_state=expected_state,
        )


class PauseView(CaseActionView):
    action_key = "pause"
    form_class = PauseForm

    def perform(self, form, *, expected_state):
        services.case_pause(
            dispute=self.dispute, actor=self.request.user, reason=form.cleaned_data["reason"]
        )


class ResumeView(CaseActionView):
    action_key = "resume"
    form_class = ResumeForm
    intro = _("The payer has answered: the stopped clocks move on by the days they stood still.")

    def perform(self, form, *, expected_state):
        services.case_resume(dispute=self.dispute, actor=self.request.user)


class UrgeView(CaseActionView):
    action_key = "urge"
    form_class = UrgeForm
    intro = _(
        "The officers of the department responsible for the time limit are told at once; their "
        "queue marks the case as urged until the limit is met."
    )

    def get_form_kwargs(self):
        return {"dispute": self.dispute}

    def perform(self, form, *, expected_state):
        urging.deadline_urge(
            deadline=form.cleaned_data["deadline"],
            actor=self.request.user,
            note=form.cleaned_data["note"],
        )

    def success_message(self) -> str:
        return _("The department has been urged.")


@login_required
def extension_request(request, pk):
    deadline = get_object_or_404(Deadline.objects.select_related("dispute"), pk=pk)
    dispute = get_dispute_for_user(request.user, deadline.dispute.number)
    deadline.dispute = dispute
    if not clock_rules.may_request_extension(deadline, request.user):
        raise PermissionDenied(_("Only those responsible for this time limit ask to extend it."))
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_request(
                deadline=deadline,
                actor=request.user,
                working_days=form.cleaned_data["working_days"],
                reason=form.cleaned_data["reason"],
            )
        except DisputeError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your request has been sent to the coordinator."))
            return redirect("disputes:detail", number=dispute.number)
    return render(
        request,
        "routing/extension.html",
        {"dispute": dispute, "deadline": deadline, "form": form},
    )


@login_required
@require_POST
def extension_decide(request, pk):
    ext = get_object_or_404(ExtensionRequest.objects.select_related("deadline__dispute"), pk=pk)
    dispute = get_dispute_for_user(request.user, ext.deadline.dispute.number)
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        message_form_errors(request, form)
        return redirect("disputes:detail", number=dispute.number)
    try:
        services.extension_decide(
            request=ext,
            actor=request.user,
            grant=form.cleaned_data["decision"] == "grant",
            comment=form.cleaned_data["comment"],
        )
    except ActionNotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except DisputeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("disputes:detail", number=dispute.number)
