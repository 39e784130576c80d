"""What each state of a case implies of its fields: the one statement of it.

The transitions of ``Dispute`` (models.py) are the only writers of these fields, and the
services around them refuse what would leave one empty (a reply, a reason, an outcome, an
opinion, a lead department). Every case played through the services therefore satisfies the
rules below, and the tests check that it does for a case in every state. Whatever writes cases
another way (the demo's bulk generator) checks what it builds against ``violations()`` first, so
that it cannot drift from the state machine unnoticed.

``violations()`` reads the case's own columns only (no query): it works on a case not yet saved.
Its messages are for developers.
"""

import datetime
import itertools

from disputes.models import Classification, Dispute, ObjectionRoute, State

# The intake accepts a moment received a little ahead of the server's clock (a clerk's watch).
RECEIVED_AHEAD_ALLOWED = datetime.timedelta(minutes=5)

CLASSIFIED = {Classification.GENERAL, Classification.MAJOR}

# The classification each state allows. Only classify() leaves REGISTERED with one; dispatch()
# gives a referred case GENERAL, escalate() and a major classify() give MAJOR, and
# return_escalation() gives GENERAL back; nothing clears it.
CLASSIFICATIONS = {
    State.REGISTERED: {""},
    State.REFERRED: {""},
    State.RESOLVED_ON_SPOT: {Classification.SIMPLE},
    State.JOINT_HANDLING: {Classification.GENERAL},
    State.ESCALATED: {Classification.MAJOR},
    State.SPECIAL_HANDLING: {Classification.MAJOR},
    State.AWAITING_REPLY: CLASSIFIED,
    State.REPLIED: CLASSIFIED,
    State.OBJECTED: CLASSIFIED,
    State.CLOSED: CLASSIFIED,
    State.WITHDRAWN: {"", *CLASSIFIED},  # withdrawn from any open state
}

# Every path into these states went through consolidate() or decide() (or classify() as simple,
# with the explanation given on the spot); none into the second group did.
WITH_OPINION = {
    State.RESOLVED_ON_SPOT,
    State.AWAITING_REPLY,
    State.REPLIED,
    State.OBJECTED,
    State.CLOSED,
}
WITHOUT_OPINION = {
    State.REGISTERED,
    State.REFERRED,
    State.JOINT_HANDLING,
    State.ESCALATED,
    State.SPECIAL_HANDLING,
}

# Every path into these went through reply(); none into the second group did.
REPLIED = {State.REPLIED, State.OBJECTED, State.CLOSED}
NOT_REPLIED = {*WITHOUT_OPINION, State.AWAITING_REPLY, State.RESOLVED_ON_SPOT}

# The moments a case's history sets, in the order its transitions set them.
MOMENTS = ["received_at", "classified_at", "referred_at", "escalated_at", "replied_at"]
MOMENTS += ["closed_at", "archived_at"]


def state_before_archiving(dispute: Dispute) -> str:
    """The state an archived case was archived from, told by what it carries: a withdrawal
    reason (withdrawn), a simple classification (resolved on the spot), else closed."""
    if dispute.withdrawal_reason:
        return State.WITHDRAWN
    if dispute.classification == Classification.SIMPLE:
        return State.RESOLVED_ON_SPOT
    return State.CLOSED


def violations(dispute: Dispute) -> list[str]:
    """What is wrong with the case's fields for its state; empty when nothing is."""
    if dispute.state not in State.values:
        return [f"unknown state {dispute.state!r}"]
    archived = dispute.state == State.ARCHIVED
    # An archived case keeps everything of the state it was archived from.
    stage = state_before_archiving(dispute) if archived else dispute.state
    found: list[str] = []

    def expect(ok: bool, message: str) -> None:
        if not ok:
            found.append(f"{dispute.state}: {message}")

    # archive(): the number and the moment, and nothing leaves ARCHIVED.
    expect(bool(dispute.archive_number) == archived, "archive_number set if and only if archived")
    expect((dispute.archived_at is not None) == archived, "archived_at set if and only if archived")

    # classify() as simple, accept(), record_outcome() and withdraw() set closed_at, and they
    # are the ways into the finished states.
    finished = stage in (State.RESOLVED_ON_SPOT, State.CLOSED, State.WITHDRAWN)
    expect(
        (dispute.closed_at is not None) == finished,
        "closed_at is set if and only if finished (on the spot, closed, withdrawn, archived)",
    )
    expect(
        bool(dispute.withdrawal_reason) == (stage == State.WITHDRAWN),
        "withdrawal_reason is set if and only if withdrawn",
    )

    # return_to_channel() (退单) is the one writer of the basis, and it leaves REGISTERED only:
    # a returned case is withdrawn, never classified, never referred.
    if dispute.return_basis:
        expect(stage == State.WITHDRAWN, "return_basis is set on a case not withdrawn")
        expect(not dispute.classification, "return_basis is set on a classified case")
        expect(dispute.referred_at is None, "return_basis is set on a referred case")

    classification = dispute.classification
    allowed = sorted(map(str, CLASSIFICATIONS[stage]))
    expect(classification in allowed, f"classification {classification!r} not in {allowed}")

    # classify() sets classified_at; a referred case gets its classification from dispatch()
    # without one, and is never classified (refer() and classify() both leave REGISTERED).
    by_classify = classification != "" and dispute.referred_at is None
    expect(
        (dispute.classified_at is not None) == by_classify,
        "classified_at is set if and only if classified by classify() (not dispatched)",
    )
    if stage == State.REFERRED:
        expect(dispute.referred_at is not None, "referred_at is not set")
    if stage in (State.REGISTERED, State.RESOLVED_ON_SPOT):
        expect(dispute.referred_at is None, "referred_at is set")

    # The services ask a lead department of every general or major classification and of
    # dispatch(); a simple one has none.
    expect(
        (dispute.lead_department_id is not None) == (classification in CLASSIFIED),
        "a lead department if and only if classified general or major",
    )

    # A major classify() and escalate() set escalated_at with the reason; return_escalation()
    # keeps both and makes the case general again.
    escalated = dispute.escalated_at is not None
    if classification == Classification.MAJOR:
        expect(escalated, "major without escalated_at")
    if escalated:
        expect(classification in CLASSIFIED, f"escalated_at set on a {classification!r} case")
    expect(
        escalated == bool(dispute.escalation_reason),
        "escalation_reason is set if and only if escalated_at is",
    )

    if stage in WITH_OPINION:
        expect(bool(dispute.handling_opinion), "handling_opinion is empty")
    if stage in WITHOUT_OPINION:
        expect(not dispute.handling_opinion, "handling_opinion is set")

    expect(
        (dispute.replied_at is None) == (not dispute.reply_text),
        "reply_text is set if and only if replied_at is",
    )
    if stage in REPLIED:
        expect(dispute.replied_at is not None, "not replied")
    if stage in NOT_REPLIED:
        expect(dispute.replied_at is None, "replied_at is set")

    # lodge_objection() sets the route (one of the routes: the service checks it),
    # record_outcome() the outcome.
    route, outcome = dispute.objection_route, dispute.objection_outcome
    expect(route in ("", *ObjectionRoute.values), f"unknown objection route {route!r}")
    if stage == State.OBJECTED:
        expect(bool(route), "objection_route is empty")
    if stage in NOT_REPLIED or stage == State.REPLIED:
        expect(not route, "objection_route is set")
    if stage == State.CLOSED:
        expect(bool(outcome) == bool(route), "objection_outcome is set if and only if the route is")
    else:
        expect(not outcome, "objection_outcome is set on a case not closed by record_outcome()")

    # A rating follows a reply (a redo clears it with the reply); close_explained() alone
    # writes the explanation, and only over a dissatisfied payer.
    if dispute.satisfaction:
        expect(dispute.replied_at is not None, "satisfaction is set on a case not replied")
    if dispute.closing_explanation:
        expect(stage == State.CLOSED, "closing_explanation is set on a case not closed")
        expect(dispute.satisfaction == "dissatisfied", "explained closing over a content payer")
    if dispute.redo_count:
        expect(classification in CLASSIFIED, "redone but not classified general or major")

    found += _disordered(dispute)
    return found


def _disordered(dispute: Dispute) -> list[str]:
    """The moments that are set, in the order the history sets them: received (a little
    ahead allowed), classified or referred, escalated, replied, closed, archived."""
    found = []
    moments = [(name, getattr(dispute, name)) for name in MOMENTS]
    moments = [(name, at) for name, at in moments if at is not None]
    for (earlier, at), (later, then) in itertools.pairwise(moments):
        allowed = RECEIVED_AHEAD_ALLOWED if earlier == "received_at" else datetime.timedelta()
        if then < at - allowed:
            found.append(f"{dispute.state}: {later} ({then}) before {earlier} ({at})")
    return found
