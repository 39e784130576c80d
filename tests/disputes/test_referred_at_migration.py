"""Cases referred before ``Dispute.referred_at`` existed get it from their timeline."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("disputes", "0007_party_contact_details")]
AFTER = [("disputes", "0008_referred_at")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_dates_earlier_referrals_from_the_timeline():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Jurisdiction = apps.get_model("departments", "Jurisdiction")
    Centre = apps.get_model("departments", "Centre")
    Category = apps.get_model("disputes", "Category")
    Channel = apps.get_model("disputes", "Channel")
    Dispute = apps.get_model("disputes", "Dispute")
    TimelineEntry = apps.get_model("disputes", "TimelineEntry")
    User = apps.get_model("auth", "User")
    county = Jurisdiction.objects.create(
        name="芮城县", code="140830", level="county", path="140830/"
    )
    centre = Centre.objects.create(
        name="中心", kind="processing_centre", code="GA", jurisdiction=county
    )
    user = User.objects.create(username="clerk")
    common = {
        "centre": centre,
        "registered_centre": centre,
        "first_responder": user,
        "channel": Channel.objects.create(code="window", name="窗口"),
        "jurisdiction": county,
        "category": Category.objects.create(code="base", name="缴费基数"),
        "claim": "c",
        "summary": "s",
    }
    referred_on = timezone.now() - datetime.timedelta(days=3)
    dispatched = Dispute.objects.create(number="GA-1", state="joint_handling", **common)
    TimelineEntry.objects.create(
        dispute=dispatched, action="disputes.case.referred", at=referred_on
    )
    waiting = Dispute.objects.create(number="GA-2", state="referred", **common)  # no entry
    plain = Dispute.objects.create(number="GA-3", state="registered", **common)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    Dispute = executor.loader.project_state(AFTER).apps.get_model("disputes", "Dispute")
    assert Dispute.objects.get(pk=dispatched.pk).referred_at == referred_on
    assert Dispute.objects.get(pk=waiting.pk).referred_at is not None
    assert Dispute.objects.get(pk=plain.pk).referred_at is None
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
