"""What a case's state implies of its time limits and its departments' sub-tasks.

The transition handlers (routing.deadlines, consultations.handlers) open, close and cancel
the clocks as a case moves; these checks say what that leaves behind, so that cases made any
other way — the demo generator's bulk rows — can be held to the same account as cases played
through the services (the tests check both). They read plain attributes, so a ``Deadline``
row and an in-memory clock with the same names are checked alike.
"""

from disputes.models import State
from routing.models import Deadline, Stage

OPEN, EXTENDED, MET, OVERDUE, CANCELLED = (
    Deadline.Status.OPEN,
    Deadline.Status.EXTENDED,
    Deadline.Status.MET,
    Deadline.Status.OVERDUE,
    Deadline.Status.CANCELLED,
)
RUNNING = (OPEN, EXTENDED)
# consultations.handlers.OPINION_STATES, which this layer cannot import (a test holds them equal).
OPINION_STATES = (State.JOINT_HANDLING, State.ESCALATED, State.SPECIAL_HANDLING)
FINISHED = (State.CLOSED, State.RESOLVED_ON_SPOT, State.WITHDRAWN)

# The states in which a clock of each stage may still run: the transitions that leave them
# close or cancel it. (Stages of a meeting's tasks and of the court follow no transition.)
RUNS_IN = {
    Stage.CLASSIFICATION: {State.REGISTERED},
    Stage.TRANSFER_ACCEPTANCE: {State.REGISTERED},
    Stage.REFERRAL_DISPATCH: {State.REFERRED},
    Stage.REFERRAL_FEEDBACK: {*OPINION_STATES, State.AWAITING_REPLY},
    Stage.DEPARTMENT_OPINION: set(OPINION_STATES),
    Stage.GENERAL_REPLY: {State.JOINT_HANDLING, State.AWAITING_REPLY},
    Stage.LEADER_APPROVAL: {State.ESCALATED},
    Stage.CONSULTATION_MEETING: {State.SPECIAL_HANDLING},
    Stage.MAJOR_REPLY: {State.SPECIAL_HANDLING, State.AWAITING_REPLY},
    Stage.REPORT_BACK: {State.AWAITING_REPLY},
    Stage.ARCHIVING: set(FINISHED),
    Stage.FOLLOW_UP: {State.REPLIED},
    Stage.REDO: {State.JOINT_HANDLING, State.SPECIAL_HANDLING, State.AWAITING_REPLY},
}
# The stages one of which an open case waits on (not yet met) in each state.
AWAITS = {
    State.REGISTERED: {Stage.CLASSIFICATION, Stage.TRANSFER_ACCEPTANCE},
    State.REFERRED: {Stage.REFERRAL_DISPATCH},
    State.JOINT_HANDLING: {Stage.GENERAL_REPLY, Stage.REFERRAL_FEEDBACK, Stage.REDO},
    State.ESCALATED: {Stage.LEADER_APPROVAL},
    State.SPECIAL_HANDLING: {Stage.MAJOR_REPLY, Stage.REDO},
    State.AWAITING_REPLY: {Stage.REPORT_BACK},
    **{state: {Stage.ARCHIVING} for state in FINISHED},
}


def deadline_violations(dispute, deadlines, tasks=(), *, now) -> list[str]:
    """What is wrong with the case's clocks (``deadlines``) and sub-tasks (``tasks``: pairs of
    a task's status and its clock) for its state at ``now``; empty when nothing is."""
    found: list[str] = []
    state = dispute.state

    def expect(ok: bool, message: str) -> None:
        if not ok:
            found.append(f"{dispute.number or dispute.pk} ({state}): {message}")

    deadlines = list(deadlines)
    first = [d for d in deadlines if d.stage == Stage.CLASSIFICATION]
    expect(len(first) == 1, f"{len(first)} classification clocks, not one")
    if first:
        expect(first[0].started_at == dispute.received_at, "classification clock not at receipt")
    for d in deadlines:
        name = f"{d.stage} clock"
        expect(d.due_at > d.started_at, f"{name} due before it starts")
        unmet = d.met_at is None
        expect(unmet == (d.status in RUNNING or (d.status == OVERDUE and unmet)),
               f"{name}: {d.status} with met_at {'unset' if unmet else 'set'}")  # fmt: skip
        if d.met_at is not None:
            expect(d.met_at >= d.started_at, f"{name} ends before it starts")
        if d.status == MET:
            expect(d.met_at <= d.due_at, f"{name} met after its due moment")
        if d.status == OVERDUE:
            expect((d.met_at or now) > d.due_at, f"{name} overdue before its due moment")
        if d.overdue_at is not None:
            expect(d.overdue_at > d.due_at, f"{name} marked overdue before its due moment")
            expect(d.status == OVERDUE, f"{name} marked overdue but {d.status}")
        if d.status in RUNNING and d.stage in RUNS_IN:
            expect(state in RUNS_IN[d.stage], f"{name} still runs")
    awaited = AWAITS.get(state)
    if awaited:
        expect(
            any(d.stage in awaited and d.met_at is None for d in deadlines),
            f"no open clock of {sorted(map(str, awaited))}",
        )
    if state == State.ARCHIVED:
        archiving = [d for d in deadlines if d.stage == Stage.ARCHIVING]
        expect(
            len(archiving) == 1 and archiving[0].met_at is not None,
            "archived without its archiving clock closed",
        )
    for status, clock in tasks:
        if status == "pending":
            expect(state in OPINION_STATES, "a sub-task still pending")
            expect(clock is None or clock.status != CANCELLED, "a pending sub-task's clock ended")
        elif clock is not None:
            expect(clock.status not in RUNNING, f"a {status} sub-task's clock still runs")
    return found
