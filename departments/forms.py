from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's log-in form with the username's length checked: Django sets only the input's
    ``maxlength``, so an over-long name reached authentication and the lockout's records
    (a database error on PostgreSQL) instead of being refused as a form error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
