import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# As in routing.reference_data.CHANNELS (copied: a migration must not change when that list
# does). The payers' own online application at /apply/ records its cases under this channel.
CODE = "online_application"
NAME = "网上申请"
# Between the WeChat account (100) and the government referrals (110) until the next
# load_reference_data numbers the list afresh.
SORT_ORDER = 105


def add_channel(apps, schema_editor):
    """An installation that has its channel list gets the new channel now, even before its next
    ``load_reference_data``; a fresh database (no channels yet) gets it with the others from
    ``load_reference_data``. A channel of that code the administrators made is left alone."""
    Channel = apps.get_model("disputes", "Channel")
    if not Channel.objects.exists():
        return
    Channel.objects.get_or_create(
        code=CODE, defaults={"name": NAME, "online": True, "sort_order": SORT_ORDER}
    )


class Migration(migrations.Migration):
    """The payers' online application: its channel, and attachments no staff member uploaded
    (the payer's own files, handed in with the application)."""

    dependencies = [
        ("disputes", "0015_dispute_delivered_by"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="attachment",
            name="uploaded_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for a file the payer handed in with their online application.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to=settings.AUTH_USER_MODEL,
                verbose_name="uploaded by",
            ),
        ),
        migrations.RunPython(add_channel, migrations.RunPython.noop, elidable=True),
    ]
