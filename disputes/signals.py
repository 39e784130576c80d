from django.dispatch import Signal

# Sent inside the registration's transaction, after the case and its parties exist, with
# ``dispute``. (Later changes are announced by django-fsm's post_transition.)
case_registered = Signal()

# Sent inside the transaction that records a follow-up visit or the payer's online rating,
# with ``dispute`` and ``follow_up`` (routing closes the follow-up's time limit).
follow_up_recorded = Signal()
