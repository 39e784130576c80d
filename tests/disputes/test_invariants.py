"""disputes.invariants: what a state implies of a case's fields.

That the rules hold for cases the services make is checked where such cases are made: along the
paths of test_lifecycle.py, and for the demo cases in every state (tests/demo). Here: that they
name what is wrong.
"""

import datetime

from django.utils import timezone

from disputes.invariants import violations
from disputes.models import Classification, Dispute, State

NOW = timezone.now()
DAY = datetime.timedelta(days=1)


def replied(**fields) -> Dispute:
    values = {
        "state": State.REPLIED,
        "classification": Classification.GENERAL,
        "lead_department_id": 1,
        "received_at": NOW - 5 * DAY,
        "classified_at": NOW - 4 * DAY,
        "handling_opinion": "联合核实后的处理意见。",
        "reply_text": "答复。",
        "replied_at": NOW - 2 * DAY,
    }
    return Dispute(**{**values, **fields})


def test_a_replied_case_with_what_its_history_set_has_no_violation():
    assert violations(replied()) == []
    assert violations(Dispute(state=State.REGISTERED, received_at=NOW)) == []


def test_it_names_a_field_the_state_needs_that_is_missing():
    assert violations(replied(replied_at=None)) == [
        "replied: reply_text is set if and only if replied_at is",
        "replied: not replied",
    ]
    assert violations(replied(lead_department_id=None)) == [
        "replied: a lead department if and only if classified general or major"
    ]


def test_it_names_a_field_set_that_the_state_cannot_have():
    found = violations(replied(state=State.JOINT_HANDLING))
    assert "joint_handling: handling_opinion is set" in found
    assert "joint_handling: replied_at is set" in found
    assert violations(replied(closed_at=NOW)) == [
        "replied: closed_at is set if and only if finished (on the spot, closed, withdrawn, "
        "archived)"
    ]


def test_it_names_moments_out_of_order():
    assert violations(replied(replied_at=NOW - 6 * DAY)) == [
        f"replied: replied_at ({NOW - 6 * DAY}) before classified_at ({NOW - 4 * DAY})"
    ]


def test_a_case_received_a_few_minutes_ahead_of_the_clock_may_be_classified_at_once():
    ahead = replied(received_at=NOW - 4 * DAY + datetime.timedelta(minutes=4))
    assert violations(ahead) == []


def test_an_archived_case_is_held_to_the_state_it_was_archived_from():
    archive = {
        "state": State.ARCHIVED,
        "closed_at": NOW - DAY,
        "archived_at": NOW,
        "archive_number": "GA-DA-2024-0001",
    }
    assert violations(replied(**archive)) == []
    # Neither withdrawn nor simple: archived once closed, so it must have been replied to.
    unreplied = replied(**archive, reply_text="", replied_at=None)
    assert violations(unreplied) == ["archived: not replied"]
    assert violations(replied(**{**archive, "archive_number": ""})) == [
        "archived: archive_number set if and only if archived"
    ]
