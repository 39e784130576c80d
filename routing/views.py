import datetime

from django.utils import timezone

from disputes.views import CaseActionView
from routing import services
from routing.forms import ClassifyForm, DispatchForm, ReferForm, TransferForm


class ClassifyView(CaseActionView):
    action_key = "classify"
    form_class = ClassifyForm
    template_name = "routing/classify.html"

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
