from django.db import migrations, models

# The representative payer's kind (Payer.Kind) → the case's payer kind, as payer_kind_of maps it.
_KINDS = {"employer": "enterprise", "resident": "resident"}


def fill_payer_kind(apps, schema_editor):
    """Existing cases count as raised by their representative payer (the first when none is
    marked), as a new registration does."""
    Dispute = apps.get_model("disputes", "Dispute")
    Party = apps.get_model("disputes", "Party")
    seen = set()
    parties = Party.objects.order_by("dispute_id", "-is_representative", "id").values_list(
        "dispute_id", "payer__kind"
    )
    by_kind = {}
    for dispute_id, kind in parties.iterator(chunk_size=5000):
        if dispute_id in seen:
            continue
        seen.add(dispute_id)
        by_kind.setdefault(_KINDS.get(kind, "individual"), []).append(dispute_id)
    for kind, ids in by_kind.items():
        for start in range(0, len(ids), 5000):
            Dispute.objects.filter(pk__in=ids[start : start + 5000]).update(payer_kind=kind)


class Migration(migrations.Migration):
    dependencies = [("disputes", "0013_category_state_index")]

    operations = [
        migrations.AddField(
            model_name="dispute",
            name="payer_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("enterprise", "Enterprise"),
                    ("individual", "Individual"),
                    ("resident", "Resident"),
                ],
                editable=False,
                max_length=10,
                verbose_name="payer kind",
            ),
        ),
        migrations.RunPython(fill_payer_kind, migrations.RunPython.noop, elidable=True),
    ]
