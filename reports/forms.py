import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from departments.models import Centre, Department
from disputes import search
from disputes.forms import search_field
from disputes.models import Notification
from reports.evaluation import MONTH, PERIOD_KINDS, Period
from reports.models import AccountabilityDecision
from routing.models import Stage


class MarkReadForm(forms.Form):
    """Mark one of the user's messages (``id``) as read, or all of them when none is named."""

    id = forms.ModelChoiceField(
        queryset=Notification.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("That message is not in your inbox.")},
    )

    def __init__(self, *args, notifications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id"].queryset = notifications


class DocumentFilterForm(forms.Form):
    """The supervisors' forms page: a part of a case number, a kind of document."""

    number = search_field(_("Case number"))
    kind = forms.ChoiceField(label=_("Document"), required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", ""), *((k.key, k.title) for k in kinds)]

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if number and len(number) < search.MIN_FRAGMENT:
            raise forms.ValidationError(_("Type at least two characters of the case number."))
        return number


class EvaluationPeriodForm(forms.Form):
    """The evaluation's period: its kind and a day in it (``start``, an ISO date or a month);
    the month, quarter or year containing that day is shown. Default: last month."""

    period = forms.ChoiceField(label=_("Evaluation period"), choices=PERIOD_KINDS, required=False)
    start = forms.DateField(
        label=_("Starting"),
        required=False,
        input_formats=["%Y-%m-%d", "%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    # The years a period may fall in: a date far off (year 1, 9999) has no period around it.
    YEARS = (2000, 2100)

    def clean_start(self):
        start = self.cleaned_data.get("start")
        if start and not self.YEARS[0] <= start.year <= self.YEARS[1]:
            raise forms.ValidationError(
                _("Choose a month from %(first)d to %(last)d.")
                % {"first": self.YEARS[0], "last": self.YEARS[1]}
            )
        return start

    def chosen(self) -> Period:
        """The period asked for; last month when nothing (valid) is asked."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if not data.get("start"):
            last = Period.last_month()
            return Period.containing(data.get("period") or MONTH, last.start)
        return Period.containing(data.get("period") or MONTH, data["start"])


class AccountabilityFilterForm(forms.Form):
    """The accountability page's filter (the query string says ``from`` and ``to``)."""

    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("All departments"),
    )
    centre = forms.ModelChoiceField(
        label=_("Centre"),
        queryset=Centre.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("All centres"),
    )
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("Any")), *Stage.choices], required=False
    )
    date_from = forms.DateField(
        label=_("Recorded from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Recorded until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_date_to(self):
        day = self.cleaned_data.get("date_to")
        if day == datetime.date.max:
            return None  # no day after it: no bound at all
        return day

    decision = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("", _("Any")),
            ("none", _("Not decided yet")),
            *AccountabilityDecision.Outcome.choices,
        ],
        required=False,
    )

    # The query string says ``from`` and ``to``, as the ledger's does.
    PARAMS = {"date_from": "from", "date_to": "to"}

    def add_prefix(self, field_name):
        return self.PARAMS.get(field_name, field_name)


class AccountabilityDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AccountabilityDecision.Outcome.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The page's filters, to return to the same list.
    back = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)

    def clean(self):
        data = super().clean()
        if (
            data.get("outcome") == AccountabilityDecision.Outcome.EXCUSED
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Give the reason why the unit is excused."))
        return data


class CircularFilterForm(forms.Form):
    """The circular entries' filter (from the evaluation's links: ``department``, ``from``,
    ``to``)."""

    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("All departments"),
    )
    date_from = forms.DateField(
        label=_("Issued from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Issued until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_date_to(self):
        day = self.cleaned_data.get("date_to")
        if day == datetime.date.max:
            return None  # no day after it: no bound at all
        return day

    PARAMS = {"date_from": "from", "date_to": "to"}

    def add_prefix(self, field_name):
        return self.PARAMS.get(field_name, field_name)
