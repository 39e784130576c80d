"""The online application form: the window's intake forms (``disputes.forms``), their fields,
validation and messages, cut to what a payer enters about themselves and their matter.

Not asked: the channel (the online application's own), the time received (now), and what the
clerk judges when checking the case (group dispute, public-opinion risk, large arrears, links
to other cases).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from api.applications import Application, no_centre_message, offered_jurisdictions
from api.intake import centre_for
from departments.forms import JurisdictionChoiceField
from departments.models import Jurisdiction, full_names
from disputes.forms import DisputeForm, PayerForm
from disputes.models import Payer
from disputes.services import PayerData

# Files an applicant may attach (each checked as at the window: disputes.uploads).
MAX_ATTACHMENTS = 2


class ApplicantForm(PayerForm):
    """The payer applying: always the applicant, with a phone to be reached at."""

    side = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "payer")
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True
        self.fields["id_number"].widget.attrs.pop("data-payer-lookup", None)
        self.fields["id_number"].help_text = _(
            "Your resident identity number; for a unit, its unified social credit code."
        )


class OtherPartyForm(PayerForm):
    """The other party (an employer, usually), if the applicant names one: left empty, it is
    not asked for; begun, it is checked as a payer at the window is."""

    side = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "other")
        kwargs.setdefault("empty_permitted", True)
        kwargs.setdefault("use_required_attribute", False)
        kwargs.setdefault("initial", {"kind": Payer.Kind.EMPLOYER})
        super().__init__(*args, **kwargs)
        self.fields["id_number"].widget.attrs.pop("data-payer-lookup", None)

    @property
    def named(self) -> bool:
        """Whether the applicant named another party (a valid form's)."""
        return bool(self.cleaned_data)


class _ByCounty(forms.models.ModelChoiceIterator):
    """The places grouped under their county, each by its full name."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        options = list(self.queryset)
        names = full_names(options)
        county_codes = {obj.path.split("/", 1)[0] for obj in options}
        counties = dict(
            Jurisdiction.objects.filter(code__in=county_codes).values_list("code", "name")
        )
        groups: dict[str, list] = {}
        for obj in options:
            value = forms.models.ModelChoiceIteratorValue(self.field.prepare_value(obj), obj)
            county = counties.get(obj.path.split("/", 1)[0], "")
            groups.setdefault(county, []).append((value, names[obj.pk]))
        yield from groups.items()


class PlaceChoiceField(JurisdictionChoiceField):
    iterator = _ByCounty


class ApplicationForm(DisputeForm):
    channel = None
    received_at = None
    representative = None
    link_to = None
    confirm_duplicates = None
    is_group_dispute = None
    is_public_opinion_risk = None
    is_large_arrears = None
    jurisdiction = PlaceChoiceField(
        label=_("Where the matter lies"),
        queryset=Jurisdiction.objects.none(),
        help_text=_("The town or county of the unit or the place the dispute is about."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, jurisdictions=offered_jurisdictions(), **kwargs)
        self.fields["jurisdiction"].empty_label = _("Choose the town or county")
        self.fields["sms_opt_in"].help_text = _(
            "A text message to the phone you give: the case number and query code now, and "
            "another when the written reply is given."
        )
        self.fields["attachments"].help_text = _(
            "Optional: up to %(count)d files of at most %(size)s each (PDF, pictures, Word, "
            "Excel or text)."
        ) % {"count": MAX_ATTACHMENTS, "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}
        self.centre = None

    def clean_jurisdiction(self):
        jurisdiction = self.cleaned_data["jurisdiction"]
        self.centre = centre_for(jurisdiction)
        if self.centre is None:  # its centre closed since the form was shown
            raise ValidationError(no_centre_message(jurisdiction))
        return jurisdiction

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("Attach at most %(count)d files (you chose %(chosen)d).")
                % {"count": MAX_ATTACHMENTS, "chosen": len(files)}
            )
        return files


class ApplicationForms:
    """The applicant, the other party and the matter, validated together (every error shows
    at once) into one ``Application``."""

    def __init__(self, data=None, files=None):
        self.payer = ApplicantForm(data)
        self.other = OtherPartyForm(data)
        self.matter = ApplicationForm(data, files)

    def is_valid(self) -> bool:
        valid = self.matter.is_valid() & self.payer.is_valid() & self.other.is_valid()
        if valid and self.other.named and self._same_number():
            self.other.add_error("id_number", _("The same payer is listed twice."))
            valid = False
        return valid

    def _same_number(self) -> bool:
        return self.other.cleaned_data["id_number"] == self.payer.cleaned_data["id_number"]

    @property
    def other_open(self) -> bool:
        """Whether the page shows the other party's fields unfolded: they were filled in."""
        return self.other.is_bound and (self.other.has_changed() or bool(self.other.errors))

    @property
    def files_to_choose_again(self) -> bool:
        """Whether the form comes back after files were chosen (a browser keeps none)."""
        return self.matter.is_bound and bool(self.matter.files)

    def add_error(self, message, *, party: str | None = None) -> None:
        """A refusal of the registration: beside the name it concerns, or above the form."""
        form = {"applicant": self.payer, "other": self.other}.get(party or "")
        if form is not None:
            form.add_error("name", message)
        else:
            self.matter.add_error(None, message)

    def application(self) -> Application:
        data = self.matter.cleaned_data
        jurisdiction = data["jurisdiction"]
        return Application(
            applicant=_payer(self.payer.cleaned_data, jurisdiction),
            other=_payer(self.other.cleaned_data, jurisdiction) if self.other.named else None,
            jurisdiction=jurisdiction,
            category=data["category"],
            insurance_types=data["insurance_types"],
            amount=data["amount"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            claim=data["claim"],
            summary=data["summary"],
            attachments=data["attachments"],
            sms_opt_in=data["sms_opt_in"],
        )


def _payer(data, jurisdiction) -> PayerData:
    return PayerData(
        kind=data["kind"],
        name=data["name"],
        id_number=data["id_number"],
        phone=data.get("phone", ""),
        address=data.get("address", ""),
        contact_person=data.get("contact_person", ""),
        jurisdiction_id=jurisdiction.pk,
    )
