"""Cases closed, withdrawn or archived while waiting on the payer kept their pause open (and
their archiving clock paused). A pause now ends when a case leaves the open states; this ends
the pauses left behind, the same way (clocks moved on by the working days they stood)."""

from django.db import migrations

# disputes.models.OPEN_STATES when this was written.
OPEN_STATES = [
    "registered",
    "referred",
    "joint_handling",
    "escalated",
    "special_handling",
    "awaiting_reply",
    "replied",
    "objected",
]


def end_pauses_of_finished_cases(apps, schema_editor):
    CasePause = apps.get_model("routing", "CasePause")
    ids = list(
        CasePause.objects.filter(ended_at__isnull=True)
        .exclude(dispute__state__in=OPEN_STATES)
        .values_list("dispute_id", flat=True)
    )
    if not ids:
        return
    # Only when there is something to mend: the service that does it today.
    from django.utils.translation import gettext as _

    from disputes.models import Dispute
    from routing.deadlines import pause_end

    for dispute in Dispute.objects.filter(pk__in=ids):
        pause_end(dispute=dispute, note=_("The case left the open states."))


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0004_operation_clock"),
    ]

    operations = [
        migrations.RunPython(end_pauses_of_finished_cases, migrations.RunPython.noop),
    ]
