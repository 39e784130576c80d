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


def test_a_return_and_the_hotlines_cancellation_at_once_leave_one_of_them(world):
    """The centre returns (退单) a hotline's case at the moment the hotline cancels it (撤单):
    one wins, the other is told; the case carries the winner's fields only."""
    from django.contrib.auth import get_user_model

    from tests import scenarios

    system_account = get_user_model().objects.create(username="system-hotline-12345")
    d = scenarios.registered_online(world, delivered_by=system_account)
    results = race(
        lambda: services.dispute_return(
            dispute=d.pk,
            actor=world.clerk,
            reason="不属于受理范围",
            basis="《社会保险费征缴暂行条例》第二条",
            expected_state=State.REGISTERED,
        ),
        lambda: services.dispute_withdraw(
            dispute=d.pk, actor=system_account, reason="来电人撤单", expected_state=State.REGISTERED
        ),
    )
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    d = Dispute.objects.get(pk=d.pk)
    assert d.state == State.WITHDRAWN
    returned = results[0][0] == "ok"
    assert bool(d.return_basis) == returned
    assert d.withdrawal_reason == ("不属于受理范围" if returned else "来电人撤单")
    assert d.timeline.count() == 2
