from django import forms
from django.utils.translation import gettext_lazy as _

from disputes.forms import ActionForm


class OpinionForm(ActionForm):
    finding = forms.CharField(label=_("Finding of fact"), widget=forms.Textarea(attrs={"rows": 4}))
    basis = forms.CharField(
        label=_("Legal or policy basis"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposal = forms.CharField(
        label=_("Proposed handling"), widget=forms.Textarea(attrs={"rows": 4})
    )
    amount_confirmed = forms.DecimalField(
        label=_("Amount confirmed (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )


class ConsolidateForm(ActionForm):
    opinion = forms.CharField(
        label=_("Consolidated handling opinion"), widget=forms.Textarea(attrs={"rows": 8})
    )


class EscalateForm(ActionForm):
    reason = forms.CharField(
        label=_("Why the task force cannot settle it"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ApproveForm(ActionForm):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(ActionForm):
    comment = forms.CharField(
        label=_("Why the escalation is returned"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DecideForm(ActionForm):
    opinion = forms.CharField(
        label=_("Decision of the special team"), widget=forms.Textarea(attrs={"rows": 8})
    )
