"""An event delivered by a real Celery worker through Redis: a 12345 case is classified, the
classification commits, the worker posts the signed 签收 to a receiver on 127.0.0.1.

Needs REDIS_URL and PostgreSQL (DATABASE_URL), like the sweep's worker test; skipped elsewhere
with the reason shown (the eager path is tests/api/test_delivery.py)."""

import json
import time

from api.models import ChannelSystem, Delivery, WorkOrder
from api.tasks import deliver_event
from disputes.models import Channel
from routing import services as routing_services
from tests.api.receivers import Receiver
from tests.integration import test_celery_worker as real_worker

pytestmark = real_worker.pytestmark
worker = real_worker.worker  # the fixture: a Celery worker process on a queue of its own
worker_env = real_worker.worker_env

SECRET = "worker-test-secret"


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_the_worker_posts_the_signed_acceptance_of_a_classified_case(
    world, policies, worker, monkeypatch
):
    # The task is queued through the broker, to this test's own worker's queue.
    send = deliver_event.apply_async
    monkeypatch.setattr(
        deliver_event,
        "apply_async",
        lambda args=None, kwargs=None, **options: send(
            args, kwargs, **{**options, "queue": worker}
        ),
    )
    with Receiver() as receiver:
        hotline = ChannelSystem.objects.create(
            name="12345热线",
            code="hotline-12345",
            channel=Channel.objects.create(code="hotline_12345", name="12345热线", online=True),
            callback_url=receiver.url,
            callback_secret=SECRET,
        )
        d = world.make_dispute(channel=hotline.channel, delivered_by=hotline.user)
        WorkOrder.objects.create(
            system=hotline, number="GD20250310001", dispute=d, fingerprint="0" * 64
        )
        routing_services.dispute_classify(
            dispute=d, actor=world.clerk, classification="general", lead_department=world.tax
        )
        row = Delivery.objects.get()
        assert wait_for(lambda: receiver.received), "the worker posted nothing"
        assert wait_for(
            lambda: Delivery.objects.filter(pk=row.pk, status=Delivery.Status.DELIVERED).exists()
        )
    (got,) = receiver.received
    assert got.signed_with(SECRET)
    body = json.loads(got.body)
    assert (body["event"], body["work_order"], body["case"]) == (
        "accepted",
        "GD20250310001",
        d.number,
    )
    assert body["data"]["handling_unit"] == "芮城县税务局"
    row.refresh_from_db()
    assert (row.attempts, row.last_status) == (1, 200)
