"""The indexes of the case search (disputes.search).

Phones are stored normalised (digits only) since they are typed through the forms; a phone
stored earlier with a hyphen or a space is normalised here, so that a search compares the
column itself and the index on it serves. On PostgreSQL, the two-character pieces of payers'
names and of case numbers are indexed (GIN), so a fragment of two or more characters is found
without reading the table; SQLite, the embedded default, has no such index and scans.
"""

import re

from django.db import migrations, models

SEPARATORS = re.compile(r"[\s\-]+")

BIGRAMS = """
CREATE OR REPLACE FUNCTION disputes_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT COALESCE(array_agg(DISTINCT substr(upper(value), i, 2)), '{}')
    FROM generate_series(1, char_length(value) - 1) AS i
$$
"""
INDEXES = [
    "CREATE INDEX payer_name_bigrams ON disputes_payer USING gin (disputes_bigrams(name))",
    "CREATE INDEX dispute_number_bigrams ON disputes_dispute USING gin (disputes_bigrams(number))",
]


def normalise_phones(apps, schema_editor):
    for name in ("Party", "Payer"):
        model = apps.get_model("disputes", name)
        for row in model.objects.filter(
            models.Q(phone__contains="-") | models.Q(phone__contains=" ")
        ):
            row.phone = SEPARATORS.sub("", row.phone)
            row.save(update_fields=["phone"])


def create_bigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BIGRAMS)
    for sql in INDEXES:
        schema_editor.execute(sql)


def drop_bigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS payer_name_bigrams")
    schema_editor.execute("DROP INDEX IF EXISTS dispute_number_bigrams")
    schema_editor.execute("DROP FUNCTION IF EXISTS disputes_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0009_dispute_received_index"),
    ]

    operations = [
        migrations.RunPython(normalise_phones, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="party",
            index=models.Index(fields=["phone"], name="party_phone"),
        ),
        migrations.RunPython(create_bigram_indexes, drop_bigram_indexes),
    ]
