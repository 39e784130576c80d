from django.db import migrations, models
from django.db.models import Min, OuterRef, Subquery


def from_the_timeline(apps, schema_editor):
    """Cases referred before the field existed: the moment of their referral entry."""
    Dispute = apps.get_model("disputes", "Dispute")
    TimelineEntry = apps.get_model("disputes", "TimelineEntry")
    first = (
        TimelineEntry.objects.filter(dispute=OuterRef("pk"), action="disputes.case.referred")
        .values("dispute")
        .annotate(at=Min("at"))
        .values("at")
    )
    Dispute.objects.filter(referred_at__isnull=True).update(referred_at=Subquery(first))
    # Generated demo cases wrote no referral entry: their last change was the referral.
    Dispute.objects.filter(referred_at__isnull=True, state="referred").update(
        referred_at=models.F("updated_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0007_party_contact_details"),
    ]

    operations = [
        migrations.AddField(
            model_name="dispute",
            name="referred_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="referred at"
            ),
        ),
        migrations.RunPython(from_the_timeline, migrations.RunPython.noop),
    ]
