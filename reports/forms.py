from django import forms
from django.utils.translation import gettext_lazy as _

from disputes import search
from disputes.forms import search_field
from disputes.models import Notification


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
