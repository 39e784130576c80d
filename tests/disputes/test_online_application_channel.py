"""The online application's channel reaches every installation: a new one through
``load_reference_data``, an existing one also through its migration."""

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from disputes.models import Channel
from routing.reference_data import install_reference_data

BEFORE = [("disputes", "0015_dispute_delivered_by")]
AFTER = [("disputes", "0016_online_application")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps.get_model("disputes", "Channel")


@pytest.mark.django_db(transaction=True)
def test_the_migration_adds_the_channel_where_the_channel_list_is_installed():
    _migrate(BEFORE).objects.create(code="window", name="窗口受理", sort_order=10)
    channel = _migrate(AFTER).objects.get(code=settings.APPLY_CHANNEL)
    assert channel.name == "网上申请" and channel.online and channel.active

    # A fresh database gets its channels, this one among them, from load_reference_data.
    _migrate(BEFORE).objects.all().delete()
    assert not _migrate(AFTER).objects.exists()
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_load_reference_data_installs_it_with_the_online_channels():
    install_reference_data()
    channel = Channel.objects.get(code=settings.APPLY_CHANNEL)
    assert channel.name == "网上申请" and channel.online
    wechat = Channel.objects.get(code="wechat")
    assert wechat.sort_order < channel.sort_order < Channel.objects.get(code="petition").sort_order
