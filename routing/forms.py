from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Centre, Department
from disputes.formats import chinese_date
from disputes.forms import ActionForm, BoundedModelMultipleChoiceField
from disputes.models import Classification
from routing.models import Deadline
from routing.rules import urgeable_deadlines


class ClassifyForm(ActionForm):
    classification = forms.ChoiceField(
        label=_("Classification"), choices=Classification.choices, widget=forms.RadioSelect
    )
    lead_department = forms.ModelChoiceField(
        label=_("Lead department"), queryset=Department.objects.none(), required=False
    )
    co_departments = BoundedModelMultipleChoiceField(
        label=_("Co-handling departments"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("How it was settled / reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For a simple matter: how it was settled on the spot. "
            "For a major matter: why it is major or difficult."
        ),
    )

    def __init__(self, *args, jurisdiction, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the departments serving the case's area (never another county's).
        for name in ("lead_department", "co_departments"):
            self.fields[name].queryset = Department.objects.serving(jurisdiction)


class TransferForm(ActionForm):
    centre = forms.ModelChoiceField(
        label=_("Competent centre"),
        queryset=Centre.objects.filter(active=True, kind=Centre.Kind.PROCESSING_CENTRE),
    )
    reason = forms.CharField(
        label=_("Reason for the transfer"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, current_centre=None, **kwargs):
        super().__init__(*args, **kwargs)
        if current_centre is not None:
            self.fields["centre"].queryset = self.fields["centre"].queryset.exclude(
                pk=current_centre.pk
            )


class ReferForm(ActionForm):
    summary = forms.CharField(
        label=_("Summary of what was reported"), widget=forms.Textarea(attrs={"rows": 4})
    )
    opinion = forms.CharField(label=_("Referral opinion"), widget=forms.Textarea(attrs={"rows": 3}))
    receiver_phone = forms.CharField(label=_("Receiver's phone"), max_length=30, required=False)
    report_back_by = forms.DateField(
        label=_("Report the handling back by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    contact_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("E-mail"), required=False)

    def clean_report_back_by(self):
        value = self.cleaned_data["report_back_by"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The report-back date cannot be in the past."))
        return value


class DispatchForm(ActionForm):
    department = forms.ModelChoiceField(
        label=_("Undertaking department"), queryset=Department.objects.none()
    )
    hotline_ticket = forms.CharField(label=_("12345 ticket number"), max_length=40, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, jurisdiction, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.serving(jurisdiction)


class PauseForm(ActionForm):
    reason = forms.CharField(label=_("What the case waits for from the payer"), max_length=200)


class ResumeForm(ActionForm):
    pass


class ExtensionForm(forms.Form):
    working_days = forms.IntegerField(
        label=_("Extra working days"), min_value=1, max_value=30, initial=3
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("grant", _("Grant")), ("refuse", _("Refuse"))]
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)


class DeadlineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(stage)s · %(department)s · due %(due)s") % {
            "stage": obj.get_stage_display(),
            "department": obj.department.name,
            "due": chinese_date(obj.due_at),
        }


class UrgeForm(ActionForm):
    deadline = DeadlineChoiceField(
        label=_("Time limit"), queryset=Deadline.objects.none(), empty_label=None
    )
    note = forms.CharField(
        label=_("What the department is urged to do"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the case's own open limits of a department (a crafted id of another case's
        # limit is refused as an invalid choice).
        self.fields["deadline"].queryset = (
            urgeable_deadlines(dispute).select_related("department").order_by("due_at", "pk")
        )
