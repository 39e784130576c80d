import pytest
from rest_framework.test import APIClient

from api.models import ChannelSystem, SystemKey, WorkOrder
from disputes.models import Channel
from tests.api.receivers import Receiver

SECRET = "test-signing-secret-甲乙"


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def hotline_channel(db):
    return Channel.objects.create(code="hotline_12345", name="12345热线", online=True)


@pytest.fixture
def hotline(world, hotline_channel, receiver):
    """The 12345 platform, its callback URL the test's receiver."""
    return ChannelSystem.objects.create(
        name="12345热线",
        code="hotline-12345",
        channel=hotline_channel,
        callback_url=receiver.url,
        callback_secret=SECRET,
    )


@pytest.fixture
def puller(world, hotline_channel):
    """A system that only pulls (no callback URL)."""
    return ChannelSystem.objects.create(
        name="12366纳税服务热线", code="hotline-12366", channel=hotline_channel
    )


_orders = iter(range(1, 10_000))


def handed_in(world, system, *, number=None, **kw):
    """A case the system handed in: registered like the window's, with its work order (the
    work-order endpoint of the API writes the same rows)."""
    d = world.make_dispute(channel=system.channel, delivered_by=system.user, **kw)
    WorkOrder.objects.create(
        system=system,
        number=number or f"GD2025{next(_orders):06d}",
        dispute=d,
        fingerprint="0" * 64,
    )
    return d


def api_client(system, name="pull") -> APIClient:
    _key, raw = SystemKey.objects.create_key(system=system, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client
