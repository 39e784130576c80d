import secrets

from django.db import migrations, models

import disputes.models

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def give_every_case_a_code(apps, schema_editor):
    # A default would give every existing case the same code: each gets its own.
    Dispute = apps.get_model("disputes", "Dispute")
    batch = []
    for case in Dispute.objects.filter(query_code="").only("pk").iterator(chunk_size=2000):
        case.query_code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        batch.append(case)
        if len(batch) == 2000:
            Dispute.objects.bulk_update(batch, ["query_code"])
            batch = []
    Dispute.objects.bulk_update(batch, ["query_code"])


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0003_notification"),
    ]

    operations = [
        migrations.AddField(
            model_name="dispute",
            name="query_code",
            field=models.CharField(default="", editable=False, max_length=8),
            preserve_default=False,
        ),
        migrations.RunPython(give_every_case_a_code, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="dispute",
            name="query_code",
            field=models.CharField(
                default=disputes.models.new_query_code,
                editable=False,
                help_text="Printed on the payer's receipt: with the case number it shows the progress.",
                max_length=8,
                verbose_name="query code",
            ),
        ),
    ]
