from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from departments.models import full_names


class LoginForm(AuthenticationForm):
    """Django's log-in form with the username's length checked: Django sets only the input's
    ``maxlength``, so an over-long name reached authentication and the lockout's records
    (a database error on PostgreSQL) instead of being refused as a form error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class _FullNameChoices(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        options = list(self.queryset)
        names = full_names(options)
        for obj in options:
            value = forms.models.ModelChoiceIteratorValue(self.field.prepare_value(obj), obj)
            yield (value, names[obj.pk])


class JurisdictionChoiceField(forms.ModelChoiceField):
    """A choice of jurisdictions, each labelled with its full name ("芮城县古魏镇城东社区"):
    the labels of all the options together cost one query, or none (``full_names``), rather
    than a walk up the parents for each option."""

    iterator = _FullNameChoices
