"""The same work order handed in twenty times at once: one case, every answer names it.

Runs on PostgreSQL (real connections and row locks); CI runs the suite there."""

import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from api.models import WorkOrder
from disputes.models import Attachment, Dispute, Payer, TimelineEntry
from tests.api.systems import client_for, make_system, work_order

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: set DATABASE_URL (CI runs this against the machine's server)",
    ),
]

TIMES = 20


def at_once(count, call):
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait()
            results[index] = call(index)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_twenty_deliveries_at_once_make_one_case(world, policies):
    system = make_system(world)
    body = work_order(world)
    responses = at_once(
        TIMES, lambda _i: client_for(system).post("/api/v1/work-orders/", body, format="json")
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * (TIMES - 1) + [201], [r.content for r in responses]
    assert len({r.json()["case"] for r in responses}) == 1
    assert Dispute.objects.count() == 1 and WorkOrder.objects.count() == 1
    assert Payer.objects.count() == 1
    assert TimelineEntry.objects.filter(action="disputes.case.registered").count() == 1
    # The losers wrote no file: the one attachment stored is the winner's.
    assert Attachment.objects.count() == 1
    stored = [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert len(stored) == 1, stored


def test_the_same_number_with_two_contents_at_once_keeps_one(world, policies):
    system = make_system(world)
    bodies = [work_order(world), work_order(world, claim="另一诉求。")]
    responses = at_once(
        2,
        lambda i: client_for(system).post("/api/v1/work-orders/", bodies[i], format="json"),
    )
    # The first to commit registers; the other finds its number taken with other content.
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert Dispute.objects.count() == 1 and WorkOrder.objects.count() == 1
