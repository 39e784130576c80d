import datetime
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Exists, OuterRef, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Centre, Department, Jurisdiction
from disputes.models import (
    Category,
    Channel,
    InsuranceType,
    ObjectionRoute,
    Party,
    Payer,
    State,
)
from disputes.validators import (
    normalise,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)

# Every text field (Django's CharField) refuses NUL characters, which PostgreSQL cannot store,
# with this message; it is in our catalogue because Django's Chinese one says "empty string".
NUL_REFUSED = _("Null characters are not allowed.")

# Magic numbers of the binary types we accept: a renamed executable is refused.
_SIGNATURES = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
}


def validate_upload(upload) -> None:
    extension = Path(upload.name).suffix.lower().lstrip(".")
    allowed = settings.ATTACHMENT_EXTENSIONS
    if extension not in allowed:
        raise ValidationError(
            _("“%(name)s”: files of this type are not accepted (allowed: %(allowed)s).")
            % {"name": upload.name, "allowed": "、".join(allowed)}
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            }
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": upload.name})
    signatures = _SIGNATURES.get(extension)
    if signatures:
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(signatures):
            raise ValidationError(
                _("“%(name)s” does not look like a .%(ext)s file.")
                % {"name": upload.name, "ext": extension}
            )


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but an id that the database's integer column cannot hold is an invalid
    choice like any other, not a database error (SQLite overflows on such an ``IN`` list)."""

    def _check_values(self, value):
        field = (
            self.queryset.model._meta.get_field(self.to_field_name)
            if self.to_field_name
            else self.queryset.model._meta.pk
        )
        if isinstance(value, list | tuple) and isinstance(
            field, models.IntegerField | models.AutoField
        ):
            ops = connections[self.queryset.db].ops
            low, high = ops.integer_field_range(field.get_internal_type())
            for pk in value:
                try:
                    number = int(str(pk).strip())
                except ValueError:
                    continue  # Django's own check refuses it
                if (low is not None and number < low) or (high is not None and number > high):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


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


class PayerForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Payer kind"), choices=Payer.Kind.choices, initial=Payer.Kind.EMPLOYEE
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    id_number = forms.CharField(
        label=_("Identity number / credit code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-payer-lookup": "1"}),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact_person = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    side = forms.ChoiceField(label=_("Side"), choices=Party.Side.choices, initial="applicant")

    def clean(self):
        data = super().clean()
        number = normalise(data.get("id_number", ""))
        if number and data.get("kind"):
            try:
                if data["kind"] == Payer.Kind.EMPLOYER:
                    validate_credit_code(number)
                else:
                    validate_resident_id(number)
            except ValidationError as exc:
                self.add_error("id_number", exc)
        data["id_number"] = number
        if data.get("phone"):
            try:
                validate_phone(data["phone"])
            except ValidationError as exc:
                self.add_error("phone", exc)
        return data


class BasePayerFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        numbers = [f.cleaned_data.get("id_number") for f in self.forms if f.cleaned_data]
        if not numbers:
            raise ValidationError(_("Enter at least one payer."))
        if len(set(numbers)) != len(numbers):
            raise ValidationError(_("The same payer is listed twice."))


# A group dispute lists its payers; a posted TOTAL_FORMS never builds more forms than this.
MAX_PAYERS = 50
PayerFormSet = forms.formset_factory(
    PayerForm,
    formset=BasePayerFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_PAYERS,
    absolute_max=MAX_PAYERS,
    validate_max=True,
)


class DisputeForm(forms.Form):
    channel = forms.ModelChoiceField(
        label=_("Channel"), queryset=Channel.objects.filter(active=True)
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    jurisdiction = forms.ModelChoiceField(
        label=_("Where the matter lies"), queryset=Jurisdiction.objects.none()
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(active=True)
    )
    insurance_types = forms.ModelMultipleChoiceField(
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
    representative = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, initial=0
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    link_to = forms.MultipleChoiceField(
        label=_("Link to these open cases"), required=False, widget=forms.CheckboxSelectMultiple
    )
    confirm_duplicates = forms.BooleanField(
        label=_("I have checked the cases above; register this one as a new case"),
        required=False,
    )

    def __init__(self, *args, jurisdictions=None, duplicate_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        if jurisdictions is not None:
            self.fields["jurisdiction"].queryset = jurisdictions
        self.fields["link_to"].choices = list(duplicate_choices)
        if not self.is_bound:
            self.fields["received_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("The last month cannot be before the first month."))
        received = data.get("received_at")
        if received and received > timezone.now() + datetime.timedelta(minutes=5):
            self.add_error("received_at", _("The time received cannot be in the future."))
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


class AttachmentForm(forms.Form):
    files = MultipleFileField(label=_("Files"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states")), *State.choices]
        self.fields["category"].empty_label = _("All categories")
        self.fields["centre"].empty_label = _("All centres")

    def apply(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data.get("q"):
            term = data["q"].strip()
            parties = Party.objects.filter(dispute=OuterRef("pk")).filter(
                Q(payer__name__icontains=term) | Q(payer__id_number=normalise(term))
            )
            qs = qs.filter(Q(number__icontains=term) | Q(Exists(parties)))
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


class GrantForm(forms.Form):
    """Share a case with a department or a centre (never with one person)."""

    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(active=True), required=False
    )
    centre = forms.ModelChoiceField(
        label=_("or centre"), queryset=Centre.objects.filter(active=True), required=False
    )
    reason = forms.CharField(label=_("Why"), max_length=200)

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
    id_number = forms.CharField(max_length=20)
