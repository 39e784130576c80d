"""The minutes (会议纪要) of a held meeting and the tasks they give.

The minutes are drafted from the meeting, signed off by the host or the leader and issued.
Issuing numbers the minutes, makes them immutable, opens the deadline of every task the
meeting gave and moves each settled case on through the state machine; the departments then
report their tasks done.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from consultations import rules as meeting_rules
from consultations.models import (
    AgendaItem,
    DecisionTask,
    Meeting,
    Minutes,
    MinutesCounter,
    format_minutes_number,
)
from consultations.selectors import signers_for
from consultations.services.court import court_send
from consultations.services.meetings import lock_meeting, require_office, tell_invited
from departments import clock
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.formats import chinese_date
from disputes.models import Dispute, State
from disputes.notifications import notify
from disputes.services import counter_take, run_transition, timeline_add
from routing.deadlines import close_deadline, open_deadline
from routing.models import Stage

# -- the minutes ---------------------------------------------------------------------------


def _editable_minutes(meeting: Meeting) -> Minutes:
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        raise DisputeError(_("The minutes are drafted once the meeting has been held."))
    if minutes.is_issued:
        raise DisputeError(_("The minutes are issued and can no longer change."))
    return minutes


@clock.settable
def minutes_save(*, meeting: Meeting, actor, body: str) -> Minutes:
    require_office(meeting, actor)
    with transaction.atomic():
        minutes = _editable_minutes(meeting)
        if minutes.status != Minutes.Status.DRAFT:
            raise DisputeError(_("The minutes are with the signer; they change only as a draft."))
        minutes.body = body.strip()
        minutes.save(update_fields=["body"])
    return minutes


@clock.settable
def minutes_submit(*, meeting: Meeting, actor, sign_off_by) -> Minutes:
    """The office sends the draft to the host or the leader to review and sign off."""
    require_office(meeting, actor)
    if sign_off_by is None or sign_off_by.pk not in {u.pk for u in signers_for(meeting)}:
        raise DisputeError(_("The minutes are signed off by the meeting's host or the leader."))
    with transaction.atomic():
        minutes = _editable_minutes(meeting)
        if minutes.status != Minutes.Status.DRAFT:
            raise DisputeError(_("The minutes are already with the signer."))
        undecided = [
            i.dispute.number for i in meeting.agenda.select_related("dispute") if not i.outcome
        ]
        if undecided:
            raise DisputeError(
                _("Record the meeting's decision on: %(cases)s.") % {"cases": "、".join(undecided)}
            )
        if not minutes.body.strip():
            raise DisputeError(_("Write the summary of the meeting first."))
        minutes.status = Minutes.Status.UNDER_REVIEW
        minutes.sign_off_by = sign_off_by
        minutes.review_comment = ""
        minutes.save(update_fields=["status", "sign_off_by", "review_comment"])
        notify(
            users=[sign_off_by],
            kind="consultations.minutes.sign_off",
            message=_("The minutes of “%(title)s” await your sign-off.") % {"title": meeting.title},
        )
    return minutes


@clock.settable
def minutes_sign_off(*, meeting: Meeting, actor, approve: bool, comment: str = "") -> Minutes:
    """The host or leader signs the minutes off, or returns them to the office with a comment."""
    with transaction.atomic():
        minutes = _editable_minutes(meeting)
        if minutes.status != Minutes.Status.UNDER_REVIEW:
            raise DisputeError(_("The minutes are not awaiting sign-off."))
        if not meeting_rules.may_sign_off(actor, minutes):
            raise ActionNotPermitted(_("The minutes were sent to someone else to sign off."))
        if not approve and not comment.strip():
            raise DisputeError(_("Say what is to change in the minutes."))
        minutes.review_comment = comment.strip()
        if approve:
            minutes.status = Minutes.Status.SIGNED
            minutes.signed_off_at = clock.now()
            message = _("The minutes of “%(title)s” are signed off and can be issued.")
        else:
            minutes.status = Minutes.Status.DRAFT
            message = _("The minutes of “%(title)s” were returned: %(comment)s")
        minutes.save(update_fields=["status", "signed_off_at", "review_comment"])
        notify(
            users=[minutes.drafted_by],
            kind="consultations.minutes.reviewed",
            message=message % {"title": meeting.title, "comment": minutes.review_comment},
        )
    return minutes


@clock.settable
def minutes_issue(*, meeting: Meeting, actor) -> Minutes:
    """Issue signed-off minutes: numbered, immutable, and carried out.

    In one transaction: the number (会纪〔year〕n号) is taken from the office's counter, every
    task the meeting gave opens its deadline and reaches its department, and each case is
    moved on: settled (or sent to the court) → its decision becomes the handling opinion and
    the case awaits the reply; further handling → it stays in special handling.
    """
    require_office(meeting, actor)
    with transaction.atomic():
        locked = lock_meeting(meeting)
        minutes = _editable_minutes(locked)
        if minutes.status != Minutes.Status.SIGNED:
            raise DisputeError(_("The minutes are issued once signed off."))
        year = clock.localdate().year
        sequence = counter_take(MinutesCounter, office=locked.office, year=year)
        number = format_minutes_number(year, sequence)
        items = list(locked.agenda.select_related("dispute__jurisdiction").order_by("order"))
        for item in items:
            _carry_out(item, actor=actor, minutes_number=number)
        Minutes.objects.filter(pk=minutes.pk).update(
            status=Minutes.Status.ISSUED,
            year=year,
            sequence=sequence,
            number=number,
            issued_by=actor,
            issued_at=clock.now(),
        )
        minutes.refresh_from_db()
        tell_invited(
            locked,
            _("Minutes %(number)s of “%(title)s” are issued.")
            % {"number": number, "title": locked.title},
        )
    return minutes


def _carry_out(item: AgendaItem, *, actor, minutes_number: str) -> None:
    dispute = Dispute.objects.select_related("jurisdiction").get(pk=item.dispute_id)
    for task in item.tasks.select_related("department", "owner"):
        deadline = open_deadline(
            dispute=dispute,
            stage=Stage.DECISION_TASK,
            department=task.department,
            due_date=task.due_date,
        )
        if task.owner_id:
            deadline.assignee = task.owner
            deadline.save(update_fields=["assignee"])
        task.deadline = deadline
        task.save(update_fields=["deadline"])
        if task.owner_id:
            notify(
                users=[task.owner],
                dispute=dispute,
                kind="consultations.task.assigned",
                message=_("Case %(number)s: by %(due)s, %(task)s (%(minutes)s).")
                % {
                    "number": dispute.number,
                    "due": chinese_date(task.due_date),
                    "task": task.description[:120],
                    "minutes": minutes_number,
                },
            )
    data = {"minutes": minutes_number, "outcome": item.get_outcome_display()}
    note = _("%(minutes)s: %(decision)s") % {"minutes": minutes_number, "decision": item.decision}
    if item.outcome == AgendaItem.Outcome.COURT:
        court_send(item, dispute, actor=actor, minutes_number=minutes_number)
    moves_on = item.outcome in (AgendaItem.Outcome.SETTLED, AgendaItem.Outcome.COURT)
    if moves_on and dispute.state == State.SPECIAL_HANDLING:
        run_transition(
            dispute=dispute,
            actor=actor,
            name="decide",
            note=note,
            data=data,
            opinion=item.decision,
        )
    else:
        timeline_add(
            dispute=dispute,
            actor=actor,
            action="consultations.meeting.decided",
            note=note,
            data=data,
        )
    AgendaItem.objects.filter(pk=item.pk).update(applied_at=clock.now())


# -- carrying it out -----------------------------------------------------------------------


@clock.settable
def decision_task_complete(*, task: DecisionTask, actor, result: str) -> DecisionTask:
    if not meeting_rules.may_complete_task(task, actor):
        raise ActionNotPermitted(
            _("Only %(dept)s or the leading-group office reports this task done.")
            % {"dept": task.department.name}
        )
    if not result.strip():
        raise DisputeError(_("Say what was done."))
    with transaction.atomic():
        locked = (
            DecisionTask.objects.select_for_update().select_related("item__dispute").get(pk=task.pk)
        )
        if locked.deadline_id is None:
            raise DisputeError(_("The task starts when the minutes are issued."))
        if locked.status != DecisionTask.Status.OPEN:
            raise DisputeError(_("This task has been reported done already."))
        locked.status = DecisionTask.Status.DONE
        locked.result = result.strip()
        locked.done_by = actor
        locked.done_at = clock.now()
        locked.save(update_fields=["status", "result", "done_by", "done_at"])
        close_deadline(locked.deadline)
        timeline_add(
            dispute=locked.item.dispute,
            actor=actor,
            action="consultations.task.done",
            note=locked.result,
            data={"task": locked.description[:200], "department": locked.department.name},
        )
    return locked
