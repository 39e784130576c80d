import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from departments.forms import JurisdictionChoiceField
from departments.models import Centre, Department, Jurisdiction
from disputes import search
from disputes.exceptions import DisputeError
from disputes.invariants import RECEIVED_AHEAD_ALLOWED
from disputes.models import (
    Category,
    Channel,
    FollowUp,
    InsuranceType,
    ObjectionRoute,
    Party,
    Payer,
    Satisfaction,
    State,
)
from disputes.uploads import validate_upload
from disputes.validators import (
    normalise_number,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)

# Every text field (Django's CharField) refuses NUL characters, which PostgreSQL cannot store,
# with this message; it is in our catalogue because Django's Chinese one says "empty string".
NUL_REFUSED = _("Null characters are not allowed.")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        for upload in cleaned:
            validate_upload(upload)
        return cleaned


class MonthField(forms.DateField):
    """A month typed as 2026-03 (the browser's month picker); stored as its first day."""

    widget = forms.DateInput(attrs={"type": "month"})
    input_formats = ["%Y-%m", "%Y年%m月"]

    def to_python(self, value):
        parsed = super().to_python(value)
        return parsed.replace(day=1) if parsed else parsed

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime("%Y-%m")
        return value


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id outside the database column's range as an invalid choice, before the
    query (SQLite raises OverflowError on ``pk__in`` with such a value instead of finding
    nothing)."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        opts = self.queryset.model._meta
        field = opts.pk if key == "pk" else opts.get_field(key)
        if isinstance(field, models.IntegerField):
            low, high = connections[self.queryset.db].ops.integer_field_range(
                field.get_internal_type()
            )
            for item in value if isinstance(value, list | tuple) else [value]:
                try:
                    number = int(str(item))
                except ValueError:
                    continue  # the parent refuses it as an invalid id
                if (low is not None and number < low) or (high is not None and number > high):
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": item},
                    )
        return super()._check_values(value)


class UncheckedMultipleChoiceField(forms.MultipleChoiceField):
    """Values the form's owner checks against a list it computes after validation (the intake's
    likely duplicates, which depend on the cleaned payers and category)."""

    def valid_value(self, value):
        return len(value) <= 32


class NumberField(forms.CharField):
    """An identity number, credit code or phone number, cleaned to the one form it is checked
    and stored in (full-width digits to ASCII, no spaces or hyphens, upper-case X)."""

    def to_python(self, value):
        return normalise_number(super().to_python(value))


class PayerForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Payer kind"), choices=Payer.Kind.choices, initial=Payer.Kind.EMPLOYEE
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    id_number = NumberField(
        label=_("Identity number / credit code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-payer-lookup": "1"}),
    )
    phone = NumberField(
        label=_("Phone"), max_length=20, required=False, validators=[validate_phone]
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact_person = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    side = forms.ChoiceField(label=_("Side"), choices=Party.Side.choices, initial="applicant")

    def clean(self):
        data = super().clean()
        number = data.get("id_number", "")
        if number and data.get("kind"):
            try:
                if data["kind"] == Payer.Kind.EMPLOYER:
                    validate_credit_code(number)
                else:
                    validate_resident_id(number)
            except ValidationError as exc:
                self.add_error("id_number", exc)
        return data


class BasePayerFormSet(forms.BaseFormSet):
    def numbers(self) -> list[str]:
        """The payers' cleaned identity numbers and credit codes (a valid formset's)."""
        return [f.cleaned_data["id_number"] for f in self.forms if f.cleaned_data]

    def clean(self):
        if any(self.errors):
            return
        numbers = [f.cleaned_data.get("id_number") for f in self.forms if f.cleaned_data]
        if not numbers:
            raise ValidationError(_("Enter at least one payer."))
        if len(set(numbers)) != len(numbers):
            raise ValidationError(_("The same payer is listed twice."))


MAX_PAYERS = 50

# absolute_max: a posted TOTAL_FORMS beyond it builds no more forms (Django's default would
# build a thousand more than max_num before refusing).
PayerFormSet = forms.formset_factory(
    PayerForm,
    formset=BasePayerFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_PAYERS,
    validate_max=True,
    absolute_max=MAX_PAYERS,
)

# No case was received before the centres existed.
EARLIEST_RECEIVED = datetime.date(1990, 1, 1)


class DisputeForm(forms.Form):
    channel = forms.ModelChoiceField(
        label=_("Channel"), queryset=Channel.objects.filter(active=True)
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    jurisdiction = JurisdictionChoiceField(
        label=_("Where the matter lies"), queryset=Jurisdiction.objects.none()
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(active=True)
    )
    insurance_types = BoundedModelMultipleChoiceField(
        label=_("Insurance types"),
        queryset=InsuranceType.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    amount = forms.DecimalField(
        label=_("Amount in dispute (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    period_start = MonthField(label=_("From month"), required=False)
    period_end = MonthField(label=_("To month"), required=False)
    claim = forms.CharField(label=_("Claim"), widget=forms.Textarea(attrs={"rows": 3}))
    summary = forms.CharField(label=_("Main content"), widget=forms.Textarea(attrs={"rows": 5}))
    is_group_dispute = forms.BooleanField(label=_("Group dispute"), required=False)
    is_public_opinion_risk = forms.BooleanField(label=_("Public-opinion risk"), required=False)
    is_large_arrears = forms.BooleanField(label=_("Large arrears"), required=False)
    sms_opt_in = forms.BooleanField(
        label=_("Text the payer the progress"),
        required=False,
        help_text=_(
            "With the payer's consent: a text message with the case number and query code now, "
            "and another when the written reply is given (to the representative's mobile)."
        ),
    )
    representative = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, initial=0
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    # Checked by the view against the likely duplicates found for the cleaned payers.
    link_to = UncheckedMultipleChoiceField(
        label=_("Link to these open cases"), required=False, widget=forms.CheckboxSelectMultiple
    )
    confirm_duplicates = forms.BooleanField(
        label=_("I have checked the cases above; register this one as a new case"),
        required=False,
    )

    def __init__(self, *args, jurisdictions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if jurisdictions is not None:
            self.fields["jurisdiction"].queryset = jurisdictions
        if not self.is_bound and "received_at" in self.fields:  # the online form has none
            self.fields["received_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    def set_duplicates(self, duplicates) -> None:
        self.fields["link_to"].choices = [(d.number, d.number) for d in duplicates]

    def clean_received_at(self):
        received = self.cleaned_data["received_at"]
        if received.date() < EARLIEST_RECEIVED:
            raise ValidationError(
                _("The time received cannot be before %(date)s.")
                % {"date": date_format(EARLIEST_RECEIVED, "Y年n月j日")}
            )
        if received > timezone.now() + RECEIVED_AHEAD_ALLOWED:
            raise ValidationError(_("The time received cannot be in the future."))
        return received

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("The last month cannot be before the first month."))
        return data


class ActionForm(forms.Form):
    """Base of every case action form: carries the state the user saw."""

    expected_state = forms.ChoiceField(
        choices=State.choices, widget=forms.HiddenInput, required=False
    )


class ReplyForm(ActionForm):
    text = forms.CharField(
        label=_("Written reply to the payer"), widget=forms.Textarea(attrs={"rows": 8})
    )


class AcceptForm(ActionForm):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def rating_needs_reason(form, data: dict) -> dict:
    """A 不满意 rating comes with its reason (the form's ``remarks``)."""
    if (
        data.get("satisfaction") == Satisfaction.DISSATISFIED
        and not (data.get("remarks") or "").strip()
    ):
        form.add_error("remarks", form.why_dissatisfied)
    return data


class FollowUpForm(ActionForm):
    """The follow-up visit (回访): how, whom, when, and how satisfied the payer is."""

    method = forms.ChoiceField(
        label=_("How"),
        choices=[c for c in FollowUp.Method.choices if c[0] != FollowUp.Method.ONLINE],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the payer was visited.")},
    )
    contact = forms.CharField(
        label=_("Who was visited"),
        max_length=100,
        required=False,
        help_text=_("The payer, or the person who spoke for them."),
    )
    visited_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": _("Give the time of the visit."),
            "invalid": _("Give the time of the visit as date and time."),
        },
    )
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied the payer is.")},
    )
    remarks = forms.CharField(
        label=_("Remarks"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("When the payer is not satisfied, say why."),
    )

    def clean_visited_at(self):
        visited = self.cleaned_data["visited_at"]
        if visited > timezone.now():
            raise ValidationError(_("The time of the visit cannot be in the future."))
        return visited

    why_dissatisfied = _("Say why the payer is not satisfied.")

    def clean(self):
        return rating_needs_reason(self, super().clean())


class RedoForm(ActionForm):
    reason = forms.CharField(
        label=_("What the redo must address"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what the redo must address.")},
    )


class CloseExplainedForm(ActionForm):
    explanation = forms.CharField(
        label=_("Explanation given to the payer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the explanation given to the payer.")},
    )


class PublicRatingForm(forms.Form):
    """The payer's rating of the reply on the status page, with the case number and code."""

    number = forms.CharField(widget=forms.HiddenInput, max_length=32)
    code = forms.CharField(widget=forms.HiddenInput, max_length=16)
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with the reply?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    remarks = forms.CharField(
        label=_("Your remarks"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("When you are not satisfied, please say why."),
    )

    why_dissatisfied = _("Please say why you are not satisfied.")

    def clean(self):
        return rating_needs_reason(self, super().clean())


class ObjectForm(ActionForm):
    route = forms.ChoiceField(
        label=_("Route the payer takes"),
        choices=ObjectionRoute.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What the payer objects to"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OutcomeForm(ActionForm):
    outcome = forms.CharField(
        label=_("Outcome of the objection"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ArchiveForm(ActionForm):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(ActionForm):
    """退单: the reason the case is not within the centres' remit, and the basis for it."""

    reason = forms.CharField(
        label=_("Reason for the return"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason why the case is returned.")},
    )
    basis = forms.CharField(
        label=_("Basis for the return"),
        help_text=_("The policy or legal provision that puts the matter outside the remit."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the policy or legal basis for returning the case.")},
    )


class AttachmentForm(forms.Form):
    files = MultipleFileField(label=_("Files"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


# Longer search terms are refused with a message (an unbounded LIKE pattern makes SQLite fail).
SEARCH_MAX_LENGTH = 100


def search_field(label, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": _(
                "A search has at most %(limit_value)d characters (this one has %(show_value)d)."
            )
        },
        **kwargs,
    )


class CaseFilterForm(forms.Form):
    """The case-list filters. A search that names a payer's number (identity number, credit
    code, phone) matches that whole number only, and goes through ``access_log.number_search``:
    logged, and limited per user and day."""

    q = search_field(_("Search"))
    state = forms.ChoiceField(label=_("State"), required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False
    )
    centre = forms.ModelChoiceField(
        label=_("Centre"), queryset=Centre.objects.filter(active=True), required=False
    )
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["state"].choices = [("", _("All states")), *State.choices]
        self.fields["category"].empty_label = _("All categories")
        self.fields["centre"].empty_label = _("All centres")

    def apply(self, qs):
        if not self.is_bound:
            return qs
        if not self.is_valid():
            return qs.none()  # the errors say why; a half-applied filter would mislead
        data = self.cleaned_data
        if data.get("q"):
            qs = self._search(qs, data["q"].strip())
        if data.get("state"):
            qs = qs.filter(state=data["state"])
        if data.get("category"):
            qs = qs.filter(category=data["category"])
        if data.get("centre"):
            qs = qs.filter(centre=data["centre"])
        if data.get("received_from"):
            qs = qs.filter(received_at__date__gte=data["received_from"])
        if data.get("received_to"):
            qs = qs.filter(received_at__date__lte=data["received_to"])
        return qs

    def _search(self, qs, term):
        try:
            return search.search_cases(qs, term, user=self.user)
        except DisputeError as exc:
            self.add_error("q", exc.message)
            return qs.none()


class GrantForm(forms.Form):
    """Share a case with a department or a centre (never with one person)."""

    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    centre = forms.ModelChoiceField(
        label=_("or centre"), queryset=Centre.objects.none(), required=False
    )
    reason = forms.CharField(label=_("Why"), max_length=200)

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        # The units of the case's own county (and installation-wide departments).
        self.fields["department"].queryset = Department.objects.serving(dispute.jurisdiction)
        self.fields["centre"].queryset = Centre.objects.serving(dispute.jurisdiction)

    def clean(self):
        data = super().clean()
        department, centre = data.get("department"), data.get("centre")
        if bool(department) == bool(centre):
            raise ValidationError(_("Choose one department or one centre."))
        data["unit"] = department or centre
        return data


class PublicStatusForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=32)
    code = forms.CharField(
        label=_("Query code"),
        max_length=16,
        help_text=_("The eight characters printed on your acceptance receipt."),
    )


class RevealForm(forms.Form):
    """Ask to see one payer's numbers in full: a party to the case, and why."""

    payer = forms.ModelChoiceField(
        label=_("Payer"),
        queryset=Payer.objects.none(),
        error_messages={"invalid_choice": _("That payer is not a party to this case.")},
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=200,
        error_messages={"required": _("Say why you need to see the number in full.")},
    )

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = Payer.objects.filter(parties__dispute=dispute).distinct()
        self.fields["payer"].error_messages["required"] = _(
            "That payer is not a party to this case."
        )


class PayerLookupForm(forms.Form):
    """The identity number typed into the intake form, normalised (NUL and overlong refused)."""

    id_number = NumberField(max_length=40)
