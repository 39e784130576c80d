import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import AgendaItem, Meeting, PolicyIssue
from departments.models import Department
from disputes.forms import ActionForm, BoundedModelMultipleChoiceField, MultipleFileField

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


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
    attachments = MultipleFileField(label=_("Attachments"), required=False)


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


class DeclineForm(ActionForm):
    reason = forms.CharField(
        label=_("Why the matter is not this department's duty"),
        help_text=_(
            "Say why the matter is not your department's duty; the coordinator passes it on."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReassignForm(ActionForm):
    from_department = forms.ModelChoiceField(
        label=_("Department to relieve"), queryset=Department.objects.none()
    )
    to_department = forms.ModelChoiceField(
        label=_("Department to take it over"), queryset=Department.objects.none()
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        assigned = [
            dispute.lead_department_id,
            *dispute.co_departments.values_list("pk", flat=True),
        ]
        self.fields["from_department"].queryset = Department.objects.filter(pk__in=assigned)
        self.fields["to_department"].queryset = Department.objects.serving(dispute.jurisdiction)


class DisciplineForm(ActionForm):
    task = forms.ModelChoiceField(label=_("Refusing department"), queryset=None)
    reason = forms.CharField(
        label=_("Why the refusal has no good reason"),
        help_text=_(
            "The clue that a department refused its duty without good reason goes to the "
            "discipline commission, which may then read the case."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks
        self.fields["task"].label_from_instance = lambda t: (
            f"{t.department.name}（{t.get_status_display()}）"
        )


class CourtReportForm(ActionForm):
    report = forms.CharField(
        label=_("What the court reported"), widget=forms.Textarea(attrs={"rows": 4})
    )


def _people():
    return (
        get_user_model()
        .objects.filter(is_active=True, staff__isnull=False)
        .select_related("staff__department")
        .order_by("staff__department__name", "staff__full_name")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        staff = obj.staff
        where = staff.department or staff.centre or ""
        return f"{staff.full_name}（{where}）" if where else staff.full_name


class PeopleChoiceField(BoundedModelMultipleChoiceField):
    label_from_instance = PersonChoiceField.label_from_instance


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_at = forms.DateTimeField(
        label=_("Time"), widget=DATETIME_WIDGET, input_formats=["%Y-%m-%dT%H:%M"]
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    host = PersonChoiceField(label=_("Host"), queryset=None)
    departments = BoundedModelMultipleChoiceField(
        label=_("Invited departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = PeopleChoiceField(
        label=_("Other invited people"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, office, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        # The office's county: the departments serving it are the ones it may invite.
        self.fields["departments"].queryset = Department.objects.serving(office.jurisdiction)
        self.fields["host"].queryset = _people()
        self.fields["people"].queryset = _people()
        if editing:
            del self.fields["kind"]


class AttendanceForm(forms.Form):
    """Who was there: for each invited row, ``present-<pk>`` (a tick) and ``note-<pk>``."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[f"present-{row.pk}"] = forms.BooleanField(required=False)
            self.fields[f"note-{row.pk}"] = forms.CharField(max_length=100, required=False)

    def present(self) -> dict[int, bool]:
        return {
            int(name.removeprefix("present-")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("present-")
        }

    def notes(self) -> dict[int, str]:
        return {
            int(name.removeprefix("note-")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("note-")
        }


class AgendaAddForm(forms.Form):
    dispute = forms.ModelChoiceField(label=_("Case"), queryset=None)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispute"].queryset = cases
        self.fields["dispute"].label_from_instance = lambda d: (
            f"{d.number} · {d.category} · {d.get_state_display()}"
        )


class AttendeeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    position = forms.CharField(label=_("Position"), max_length=50, required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.serving(meeting.office.jurisdiction)


class CancelMeetingForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    decision = forms.CharField(
        label=_("The meeting's decision"), widget=forms.Textarea(attrs={"rows": 5})
    )
    outcome = forms.ChoiceField(
        label=_("What it means for the case"),
        choices=AgendaItem.Outcome.choices,
        widget=forms.RadioSelect,
    )


class TaskForm(forms.Form):
    description = forms.CharField(
        label=_("What is to be done"), widget=forms.Textarea(attrs={"rows": 2})
    )
    department = forms.ModelChoiceField(
        label=_("Responsible department"), queryset=Department.objects.none()
    )
    owner = PersonChoiceField(label=_("Responsible person"), queryset=None, required=False)
    due_date = forms.DateField(
        label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        # The case on the agenda: the departments serving its area take its tasks.
        self.fields["department"].queryset = Department.objects.serving(dispute.jurisdiction)
        self.fields["owner"].queryset = _people().filter(staff__department__isnull=False)

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("A task cannot be due in the past."))
        return due


# A decision gives a few departments a task each; a posted TOTAL_FORMS never builds more forms.
MAX_TASKS = 20
TaskFormSet = forms.formset_factory(
    TaskForm,
    extra=2,
    can_delete=True,
    max_num=MAX_TASKS,
    absolute_max=MAX_TASKS,
    validate_max=True,
)


def default_due(days: int = 14) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


class MinutesForm(forms.Form):
    body = forms.CharField(
        label=_("Summary of the meeting"), widget=forms.Textarea(attrs={"rows": 10})
    )


class SubmitMinutesForm(forms.Form):
    sign_off_by = PersonChoiceField(label=_("To be signed off by"), queryset=None)

    def __init__(self, *args, signers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sign_off_by"].queryset = (
            get_user_model().objects.filter(pk__in=[u.pk for u in signers]).select_related("staff")
        )


class SignOffForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("sign", _("Sign off")), ("return", _("Return to the office"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class IssueForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PolicyIssue.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    disputes = BoundedModelMultipleChoiceField(
        label=_("Cases that raised it"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        from disputes.models import Dispute

        self.fields["disputes"].queryset = Dispute.objects.filter(agenda_items__meeting=meeting)
        self.fields["disputes"].label_from_instance = lambda d: d.number


class TaskDoneForm(forms.Form):
    result = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))


# -- supervision (督办) ----------------------------------------------------------------------


class SupervisionForm(ActionForm):
    matter = forms.CharField(
        label=_("Matter under supervision"), widget=forms.Textarea(attrs={"rows": 3})
    )
    requirement = forms.CharField(
        label=_("Supervision requirement"), widget=forms.Textarea(attrs={"rows": 3})
    )
    departments = BoundedModelMultipleChoiceField(
        label=_("Supervised units"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    due_date = forms.DateField(
        label=_("Report by"),
        required=False,
        help_text=_("Leave empty for the time limit of the policy (working days)."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        # The departments serving the case's area are the ones the office may supervise.
        self.fields["departments"].queryset = Department.objects.serving(dispute.jurisdiction)

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due is not None and due < timezone.localdate():
            raise forms.ValidationError(_("The report date cannot be in the past."))
        return due


class SupervisionReportForm(ActionForm):
    text = forms.CharField(
        label=_("Progress of the supervised matter"), widget=forms.Textarea(attrs={"rows": 5})
    )
    final = forms.BooleanField(
        label=_("Final report: the unit has done what was required"), required=False
    )


class SupervisionCloseForm(ActionForm):
    conclusion = forms.CharField(
        label=_("Conclusion of the supervision"), widget=forms.Textarea(attrs={"rows": 5})
    )
