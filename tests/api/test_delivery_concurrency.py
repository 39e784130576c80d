"""Two beat runs at once on PostgreSQL (FOR UPDATE SKIP LOCKED, then the claim): each event is
posted once, never by both. PostgreSQL only (SQLite runs one writing transaction at a time)."""

import threading

import pytest
from django.db import connection, transaction

from api import delivery
from api.events import record_event
from api.models import Delivery
from tests.api.conftest import handed_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
]


def test_two_beat_runs_at_once_post_each_event_once(world, hotline, receiver, monkeypatch):
    with monkeypatch.context() as lost:
        # Their tasks are lost (the worker died): only the beat will send them.
        lost.setattr("api.events.enqueue", lambda pk: None)
        for _ in range(12):
            d = handed_in(world, hotline)
            with transaction.atomic():
                record_event(dispute=d, kind="accepted")
    assert receiver.received == []
    receiver.hold = 0.05
    start = threading.Barrier(2)
    sent = []

    def beat():
        try:
            start.wait(timeout=10)
            sent.append(delivery.send_due(budget_seconds=60))
        finally:
            connection.close()

    runs = [threading.Thread(target=beat) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=120)
    assert sum(sent) == 12
    assert sorted(receiver.delivery_ids()) == list(range(1, 13))  # each once
    assert receiver.most_at_once == 2  # the two runs did post at the same time
    assert set(Delivery.objects.values_list("status", "attempts")) == {("delivered", 1)}
