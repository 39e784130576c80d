from django.dispatch import Signal

# Sent inside the registration's transaction, after the case and its parties exist, with
# ``dispute``. (Later changes are announced by django-fsm's post_transition.)
case_registered = Signal()
