"""Two users firing transitions on one case at the same moment: exactly one wins.

Runs on PostgreSQL (two real connections, row locks); CI runs the suite there.
"""

import threading

import pytest
from django.db import connection, connections

from disputes import services
from disputes.exceptions import DisputeError
from disputes.models import Dispute, State
from routing import services as routing_services

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: set DATABASE_URL (CI runs this against the machine's server)",
    ),
]


def race(*calls):
    """Run each call in its own thread and connection, released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = ("ok", call())
        except DisputeError as exc:
            results[index] = ("refused", str(exc.message))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.parametrize("attempt", range(5))
def test_two_users_acting_at_once_exactly_one_wins(world, attempt):
    d = world.make_dispute()
    results = race(
        lambda: routing_services.dispute_classify(
            dispute=d.pk,
            actor=world.clerk,
            classification="simple",
            note="当场解释",
            expected_state=State.REGISTERED,
        ),
        lambda: services.dispute_withdraw(
            dispute=d.pk, actor=world.coordinator, reason="撤回", expected_state=State.REGISTERED
        ),
    )
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["ok", "refused"], results
    d = Dispute.objects.get(pk=d.pk)
    assert d.state in (State.RESOLVED_ON_SPOT, State.WITHDRAWN)
    # One registration row and exactly one transition row: nothing applied twice.
    assert d.timeline.count() == 2


def test_the_same_action_fired_twice_at_once_is_applied_once(world):
    d = world.make_dispute()
    results = race(
        *[
            lambda: services.dispute_withdraw(dispute=d.pk, actor=world.clerk, reason="撤回")
            for _ in range(2)
        ]
    )
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    assert (
        Dispute.objects.get(pk=d.pk).timeline.filter(action="disputes.case.withdrawn").count() == 1
    )


def test_case_numbers_stay_unique_under_concurrent_registration(world):
    results = race(*[world.make_dispute for _ in range(6)])
    numbers = [r[1].number for r in results]
    assert all(r[0] == "ok" for r in results)
    assert len(set(numbers)) == 6
