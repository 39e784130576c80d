"""Guards of transitions fail closed, and the system check names every guard nobody checks.

A transition names its guard (``conditions=[guard("archive")]``) and a higher app registers
what it means. A name nobody registered (a typo, an app not loaded) must refuse the
transition, not wave it through, and ``manage.py check`` must say which guard it is.
"""

import pytest
from django.core import checks
from django_fsm import can_proceed

from disputes import conditions, fsm
from disputes.exceptions import DisputeError
from disputes.models import Classification, Dispute, State
from routing import services as routing_services

pytestmark = pytest.mark.django_db

ERROR_ID = "disputes.E002"


@pytest.fixture
def archive_unchecked(monkeypatch):
    """The registry as if the app that registers the archive checks were not loaded.
    monkeypatch puts the real registry back after the test."""
    fake = {name: checks_ for name, checks_ in conditions._guards.items() if name != "archive"}
    monkeypatch.setattr(conditions, "_guards", fake)


def _settled_on_the_spot(world) -> Dispute:
    return routing_services.dispute_classify(
        dispute=world.make_dispute(),
        actor=world.clerk,
        classification=Classification.SIMPLE,
        note="当场解释。",
    )


def test_a_guard_without_a_registered_check_refuses(world):
    assert conditions.guard("no_such_guard")(world.make_dispute()) is False


def test_a_transition_guarded_by_an_unregistered_name_is_refused(world, archive_unchecked):
    from disputes import services

    d = _settled_on_the_spot(world)
    assert d.state == State.RESOLVED_ON_SPOT
    assert not can_proceed(d.archive, check_conditions=True)
    with pytest.raises(DisputeError) as info:
        services.dispute_archive(dispute=d, actor=world.clerk)
    assert d.number in str(info.value.message)  # a clear refusal, not "not allowed"
    d.refresh_from_db()
    assert d.state == State.RESOLVED_ON_SPOT
    assert not d.archive_number
    assert not d.timeline.filter(action="disputes.case.archived").exists()


def test_the_same_transition_goes_through_with_its_checks_registered(world):
    from disputes import services

    d = services.dispute_archive(dispute=_settled_on_the_spot(world), actor=world.clerk)
    assert d.state == State.ARCHIVED


def _unchecked_guard_errors():
    return [m for m in checks.run_checks() if m.id == ERROR_ID]


def test_the_system_check_lists_every_guard_without_a_registered_check(archive_unchecked):
    errors = _unchecked_guard_errors()
    assert len(errors) == 1
    (error,) = errors
    assert error.level == checks.ERROR
    assert "archive" in error.msg
    assert "disputes.Dispute.archive" in error.msg
    assert "consolidate" not in error.msg


def test_the_system_check_names_each_missing_guard_once(monkeypatch):
    monkeypatch.setattr(conditions, "_guards", {})
    errors = _unchecked_guard_errors()
    names = sorted(e.obj for e in errors)
    assert names == [
        "accept",
        "archive",
        "close_explained",
        "consolidate",
        "redo",
        "return_to_channel",
    ]


def test_with_every_app_loaded_every_guard_has_a_check():
    assert _unchecked_guard_errors() == []


def test_the_adapter_sees_the_guards_of_the_case_transitions():
    guards = {
        (t.name, c.name)
        for t in fsm.all_transitions(Dispute)
        for c in t.conditions
        if isinstance(c, conditions.Guard)
    }
    assert guards == {
        ("consolidate", "consolidate"),
        ("archive", "archive"),
        ("return_to_channel", "return_to_channel"),
        ("accept", "accept"),
        ("close_explained", "close_explained"),
        ("redo", "redo"),
    }
