"""The leading group's consultation meetings (会商), their decisions and minutes (会议纪要).

A meeting is prepared (title, time, place, host, invited departments and people, agenda of
cases), held (attendance recorded: this closes the cases' consultation-meeting time limit),
and decides per case; the minutes are drafted from it, signed off by the host or the leader
and issued. Issuing numbers the minutes, makes them immutable, opens the deadline of every
task the meeting gave and moves each settled case on through the state machine.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from consultations import rules as meeting_rules
from consultations.models import (
    AgendaItem,
    Attendance,
    CourtEnforcement,
    DecisionTask,
    Meeting,
    Minutes,
    MinutesCounter,
    PolicyIssue,
    format_minutes_number,
)
from departments import clock
from departments.models import ROLE_GROUP_NAMES, Department, Role, Staff, roles_of, staff_of
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.formats import chinese_date, chinese_datetime
from disputes.grants import VIEW
from disputes.models import OPEN_STATES, Dispute, State
from disputes.notifications import notify
from disputes.selectors import visible_disputes
from disputes.services import counter_take, require_serving, run_transition, timeline_add
from routing.deadlines import close_deadline, close_stages, officers_of, open_deadline
from routing.models import Stage

# What a meeting may discuss: a major consultation needs the leader's consent, given by
# approving the escalation; a general consultation between departments may also take cases
# still in joint handling or awaiting approval.
AGENDA_STATES = {
    Meeting.Kind.MAJOR: (State.SPECIAL_HANDLING,),
    Meeting.Kind.GENERAL: (State.JOINT_HANDLING, State.ESCALATED, State.SPECIAL_HANDLING),
}


def _require_office(meeting: Meeting, actor) -> None:
    if not meeting_rules.runs_office(actor, meeting.office):
        raise ActionNotPermitted(_("Only the leading-group office runs its meetings."))


def _require_planned(meeting: Meeting) -> None:
    if meeting.status != Meeting.Status.PLANNED:
        raise DisputeError(_("The meeting is no longer in preparation."))


def _lock(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update()
        .select_related("office__jurisdiction")
        .get(pk=meeting.pk)
    )


def _case_names(meeting: Meeting) -> str:
    return "、".join(i.dispute.number for i in meeting.agenda.select_related("dispute"))


def _local(moment: datetime.datetime) -> str:
    return chinese_datetime(moment)


# -- preparing -----------------------------------------------------------------------------


@clock.settable
def meeting_create(
    *,
    actor,
    kind: str,
    title: str,
    held_at: datetime.datetime,
    place: str,
    host,
    departments=(),
    people=(),
) -> Meeting:
    office = meeting_rules.office_for(actor)
    if office is None or not meeting_rules.runs_office(actor, office):
        raise ActionNotPermitted(_("Only the leading-group office prepares meetings."))
    if kind not in Meeting.Kind.values:
        raise DisputeError(_("Choose the kind of meeting."))
    if not (title.strip() and place.strip()):
        raise DisputeError(_("A meeting needs a title and a place."))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            office=office,
            kind=kind,
            title=title.strip(),
            held_at=held_at,
            place=place.strip(),
            host=host,
            created_by=actor,
        )
        _invite(meeting, actor, departments=departments, people=[host, *people])
    return meeting


def meeting_update(
    *,
    meeting: Meeting,
    actor,
    title: str,
    held_at: datetime.datetime,
    place: str,
    host,
    departments=(),
    people=(),
) -> Meeting:
    _require_office(meeting, actor)
    if not (title.strip() and place.strip()):
        raise DisputeError(_("A meeting needs a title and a place."))
    with transaction.atomic():
        locked = _lock(meeting)
        _require_planned(locked)
        moved = locked.held_at != held_at or locked.place != place.strip()
        locked.title, locked.held_at, locked.place, locked.host = (
            title.strip(),
            held_at,
            place.strip(),
            host,
        )
        locked.save(update_fields=["title", "held_at", "place", "host"])
        before_depts = set(locked.invited_departments.values_list("pk", flat=True))
        before_people = set(locked.invited_people.values_list("pk", flat=True))
        keep_depts = {d.pk for d in departments}
        keep_people = {p.pk for p in [host, *people]}
        dropped = list(Department.objects.filter(pk__in=before_depts - keep_depts))
        locked.invited_departments.remove(*dropped)
        for item in locked.agenda.select_related("dispute"):
            _release(item.dispute, dropped, leaving=locked)
        locked.invited_people.remove(*(before_people - keep_people))
        Attendance.objects.filter(meeting=locked, user_id__in=before_people - keep_people).delete()
        # The dropped departments' officers are no longer expected (unless invited in person).
        Attendance.objects.filter(
            meeting=locked, department__in=dropped, user__isnull=False
        ).exclude(user_id__in=keep_people).delete()
        _invite(
            locked,
            actor,
            departments=[d for d in departments if d.pk not in before_depts],
            people=[p for p in [host, *people] if p.pk not in before_people],
        )
        if moved:
            _tell_invited(
                locked,
                _("Meeting “%(title)s” moved: %(time)s, %(place)s.")
                % {"title": locked.title, "time": _local(locked.held_at), "place": locked.place},
            )
    return locked


def _invite(meeting: Meeting, actor, *, departments, people) -> None:
    """Invite departments and people; a case on the agenda becomes visible to the invited
    departments, and the invited hear of the meeting."""
    departments = [d for d in departments if d is not None]
    # A meeting belongs to the leading-group office of one county: it invites the departments
    # serving that county (the caller's transaction rolls back what was saved before this).
    require_serving(departments, meeting.office.jurisdiction)
    people = list({p.pk: p for p in people if p is not None}.values())
    if departments:
        meeting.invited_departments.add(*departments)
        for item in meeting.agenda.select_related("dispute"):
            _grant(item.dispute, departments)
    if people:
        meeting.invited_people.add(*people)
    _expect(meeting, [(p, None) for p in people])
    # An invited department attends through its officers: each is on the attendance list,
    # to be recorded present or absent, and so in the minutes.
    _expect(meeting, [(o, d) for d in departments for o in officers_of(d)])
    message = _("You are invited to the meeting “%(title)s”: %(time)s, %(place)s.") % {
        "title": meeting.title,
        "time": _local(meeting.held_at),
        "place": meeting.place,
    }
    recipients = [p for p in people if p.pk != actor.pk]
    for department in departments:
        recipients += officers_of(department)
    if recipients:
        notify(users=recipients, kind="consultations.meeting.invited", message=message)


def _expect(meeting: Meeting, invited) -> None:
    """Attendance rows for ``invited`` (user, department or None), each person once."""
    listed = set(
        Attendance.objects.filter(meeting=meeting, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    rows = {}
    for user, department in invited:
        if user.pk not in listed:
            rows.setdefault(user.pk, (user, department))
    if not rows:
        return
    staff = {s.user_id: s for s in Staff.objects.filter(user__in=rows).select_related("department")}
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            user=user,
            name=staff[user.pk].full_name if user.pk in staff else user.get_username(),
            department=department or (staff[user.pk].department if user.pk in staff else None),
            position=staff[user.pk].title if user.pk in staff else "",
        )
        for user, department in rows.values()
    )


def _tell_invited(meeting: Meeting, message: str) -> None:
    users = list(meeting.invited_people.all())
    for department in meeting.invited_departments.all():
        users += officers_of(department)
    notify(users=users, kind="consultations.meeting.changed", message=message)


def _grant(dispute: Dispute, departments) -> None:
    for department in departments:
        if department.group_id:
            assign_perm(VIEW, department.group, dispute)


def _release(dispute: Dispute, departments, *, leaving: Meeting) -> None:
    """The meeting no longer brings these departments to the case: withdraw their view grant,
    unless the case is theirs anyway or another live meeting on it still invites them."""
    for department in departments:
        if department.group_id is None:
            continue
        if dispute.lead_department_id == department.pk:
            continue
        if dispute.co_departments.filter(pk=department.pk).exists():
            continue
        still_invited = (
            AgendaItem.objects.filter(dispute=dispute, meeting__invited_departments=department)
            .exclude(meeting=leaving)
            .exclude(meeting__status=Meeting.Status.CANCELLED)
            .exists()
        )
        if not still_invited:
            remove_perm(VIEW, department.group, dispute)


def attendance_add(
    *, meeting: Meeting, actor, name: str, department=None, position: str = ""
) -> Attendance:
    """Someone without an account of their own (e.g. the court's judge) attends."""
    _require_office(meeting, actor)
    if not name.strip():
        raise DisputeError(_("Write the attendee's name."))
    require_serving([department], meeting.office.jurisdiction)
    if Minutes.objects.filter(meeting=meeting, status=Minutes.Status.ISSUED).exists():
        raise DisputeError(_("The minutes are issued; the meeting's record is closed."))
    return Attendance.objects.create(
        meeting=meeting, name=name.strip(), department=department, position=position.strip()
    )


@clock.settable
def agenda_add(*, meeting: Meeting, actor, dispute: Dispute) -> AgendaItem:
    _require_office(meeting, actor)
    with transaction.atomic():
        locked = _lock(meeting)
        _require_planned(locked)
        # The case as it is now, not as the caller last saw it.
        dispute = (
            Dispute.objects.select_for_update().select_related("jurisdiction").get(pk=dispute.pk)
        )
        if not visible_disputes(actor).filter(pk=dispute.pk).exists():
            raise DisputeError(_("No such case."))
        if not dispute.jurisdiction.path.startswith(locked.office.jurisdiction.path):
            raise DisputeError(_("The case is not of this leading-group office's county."))
        allowed = AGENDA_STATES[locked.kind]
        if dispute.state not in allowed:
            if locked.kind == Meeting.Kind.MAJOR:
                raise DisputeError(
                    _(
                        "A major consultation takes cases approved for special handling by the "
                        "leader; case %(number)s is “%(state)s”."
                    )
                    % {"number": dispute.number, "state": dispute.get_state_display()}
                )
            raise DisputeError(
                _("Case %(number)s is “%(state)s”: there is nothing for a meeting to decide.")
                % {"number": dispute.number, "state": dispute.get_state_display()}
            )
        if locked.agenda.filter(dispute=dispute).exists():
            raise DisputeError(_("The case is on the agenda already."))
        order = (locked.agenda.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        item = AgendaItem.objects.create(meeting=locked, dispute=dispute, order=order)
        departments = list(locked.invited_departments.all())
        _grant(dispute, departments)
        timeline_add(
            dispute=dispute,
            actor=actor,
            action="consultations.meeting.scheduled",
            note=locked.title,
            data={"meeting": locked.pk, "time": _local(locked.held_at), "place": locked.place},
        )
    return item


def agenda_remove(*, item: AgendaItem, actor) -> None:
    meeting = item.meeting
    _require_office(meeting, actor)
    with transaction.atomic():
        locked = _lock(meeting)
        _require_planned(locked)
        item.delete()
        _release(item.dispute, locked.invited_departments.all(), leaving=locked)
        timeline_add(
            dispute=item.dispute,
            actor=actor,
            action="consultations.meeting.unscheduled",
            note=locked.title,
        )


def meeting_cancel(*, meeting: Meeting, actor, reason: str) -> Meeting:
    _require_office(meeting, actor)
    if not reason.strip():
        raise DisputeError(_("Say why the meeting is cancelled."))
    with transaction.atomic():
        locked = _lock(meeting)
        _require_planned(locked)
        locked.status = Meeting.Status.CANCELLED
        locked.save(update_fields=["status"])
        departments = list(locked.invited_departments.all())
        for item in locked.agenda.select_related("dispute"):
            _release(item.dispute, departments, leaving=locked)
            timeline_add(
                dispute=item.dispute,
                actor=actor,
                action="consultations.meeting.cancelled",
                note=reason.strip(),
                data={"meeting": locked.pk},
            )
        _tell_invited(
            locked,
            _("Meeting “%(title)s” is cancelled: %(reason)s")
            % {"title": locked.title, "reason": reason.strip()},
        )
    return locked


# -- holding it ----------------------------------------------------------------------------


@clock.settable
def meeting_record_held(*, meeting: Meeting, actor, present: dict[int, bool], notes=None):
    """The meeting took place: who was there is recorded, each case's consultation-meeting
    time limit is met, and the minutes' draft is started."""
    _require_office(meeting, actor)
    notes = notes or {}
    with transaction.atomic():
        locked = _lock(meeting)
        _require_planned(locked)
        items = list(locked.agenda.select_related("dispute"))
        if not items:
            raise DisputeError(_("The meeting has no case on its agenda."))
        if locked.held_at > clock.now():
            raise DisputeError(_("The meeting's time has not come yet."))
        for row in locked.attendances.all():
            row.present = bool(present.get(row.pk, False))
            row.note = (notes.get(row.pk) or "")[:100]
            row.save(update_fields=["present", "note"])
        locked.status = Meeting.Status.HELD
        locked.held_recorded_at = clock.now()
        locked.save(update_fields=["status", "held_recorded_at"])
        for item in items:
            close_stages(item.dispute, [Stage.CONSULTATION_MEETING])
            timeline_add(
                dispute=item.dispute,
                actor=actor,
                action="consultations.meeting.held",
                note=locked.title,
                data={
                    "meeting": locked.pk,
                    "present": [r.name for r in locked.attendances.all() if r.present],
                },
            )
        Minutes.objects.get_or_create(meeting=locked, defaults={"drafted_by": actor})
    return locked


@dataclass
class TaskData:
    description: str
    department: Department
    due_date: datetime.date
    owner: object = None


@clock.settable
def item_decide(
    *,
    item: AgendaItem,
    actor,
    decision: str,
    outcome: str,
    tasks: list[TaskData] = (),
) -> AgendaItem:
    """Record the meeting's decision on one case and who does what by when.

    Replaces an earlier record of the same decision while the minutes are not issued; the
    tasks' deadlines start when the minutes are issued.
    """
    meeting = item.meeting
    _require_office(meeting, actor)
    if not decision.strip():
        raise DisputeError(_("Write the meeting's decision on the case."))
    if outcome not in AgendaItem.Outcome.values:
        raise DisputeError(_("Choose what the decision means for the case."))
    require_serving([task.department for task in tasks], item.dispute.jurisdiction)
    for task in tasks:
        if not task.description.strip():
            raise DisputeError(_("Each task needs what is to be done."))
        if task.due_date < clock.localdate():
            raise DisputeError(_("A task cannot be due in the past."))
        if task.owner is not None and getattr(staff_of(task.owner), "department_id", None) != (
            task.department.pk
        ):
            raise DisputeError(
                _("%(person)s does not work at %(dept)s.")
                % {"person": staff_of(task.owner) or task.owner, "dept": task.department.name}
            )
    if outcome == AgendaItem.Outcome.COURT and court_of(item.dispute) is None:
        raise DisputeError(_("No court is set up among the departments."))
    with transaction.atomic():
        locked_meeting = _lock(meeting)
        if locked_meeting.status != Meeting.Status.HELD:
            raise DisputeError(_("Decisions are recorded once the meeting has been held."))
        minutes = Minutes.objects.filter(meeting=locked_meeting).first()
        if minutes is not None and minutes.status != Minutes.Status.DRAFT:
            raise DisputeError(
                _("The minutes have gone for sign-off; the decisions can no longer change.")
            )
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        item.decision = decision.strip()
        item.outcome = outcome
        item.decided_at = clock.now()
        item.save(update_fields=["decision", "outcome", "decided_at"])
        item.tasks.all().delete()
        DecisionTask.objects.bulk_create(
            DecisionTask(
                item=item,
                description=t.description.strip(),
                department=t.department,
                owner=t.owner,
                due_date=t.due_date,
            )
            for t in tasks
        )
        invited = set(locked_meeting.invited_departments.values_list("pk", flat=True))
        extra = [t.department for t in tasks if t.department.pk not in invited]
        _grant(item.dispute, extra)
    return item


def court_of(dispute: Dispute) -> Department | None:
    """The people's court serving the case's area (never another county's)."""
    return Department.objects.nearest(dispute.jurisdiction, Department.Kind.COURT)


def policy_issue_raise(
    *, meeting: Meeting, actor, kind: str, title: str, description: str, disputes
) -> PolicyIssue:
    """A policy-level, widespread or trend question raised in the meeting becomes an issue of
    the leading group, linked to the cases on the agenda that raised it."""
    _require_office(meeting, actor)
    if kind not in PolicyIssue.Kind.values:
        raise DisputeError(_("Choose the kind of issue."))
    if not (title.strip() and description.strip()):
        raise DisputeError(_("An issue needs a title and a description."))
    disputes = list(disputes)
    on_agenda = set(meeting.agenda.values_list("dispute_id", flat=True))
    if not disputes or any(d.pk not in on_agenda for d in disputes):
        raise DisputeError(_("Link the issue to the cases on the agenda that raised it."))
    with transaction.atomic():
        issue = PolicyIssue.objects.create(
            office=meeting.office,
            meeting=meeting,
            kind=kind,
            title=title.strip(),
            description=description.strip(),
            raised_by=actor,
        )
        issue.disputes.set(disputes)
        for dispute in disputes:
            timeline_add(
                dispute=dispute,
                actor=actor,
                action="consultations.issue.raised",
                note=issue.title,
                data={"kind": issue.get_kind_display(), "meeting": meeting.pk},
            )
    return issue


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
    _require_office(meeting, actor)
    with transaction.atomic():
        minutes = _editable_minutes(meeting)
        if minutes.status != Minutes.Status.DRAFT:
            raise DisputeError(_("The minutes are with the signer; they change only as a draft."))
        minutes.body = body.strip()
        minutes.save(update_fields=["body"])
    return minutes


def signers_for(meeting: Meeting):
    """Who may sign the minutes off: the meeting's host and the county's leaders."""
    users = get_user_model().objects.filter(is_active=True)
    leaders = [
        u
        for u in users.filter(groups__name__in=[ROLE_GROUP_NAMES[Role.LEADER]]).select_related(
            "staff__jurisdiction"
        )
        if meeting_rules.leads_office(u, meeting.office)
    ]
    return list({u.pk: u for u in [meeting.host, *leaders]}.values())


@clock.settable
def minutes_submit(*, meeting: Meeting, actor, sign_off_by) -> Minutes:
    """The office sends the draft to the host or the leader to review and sign off."""
    _require_office(meeting, actor)
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
    _require_office(meeting, actor)
    with transaction.atomic():
        locked = _lock(meeting)
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
        _tell_invited(
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
        _send_to_court(item, dispute, actor=actor, minutes_number=minutes_number)
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


def _send_to_court(item: AgendaItem, dispute: Dispute, *, actor, minutes_number: str) -> None:
    court = court_of(dispute)
    deadline = open_deadline(dispute=dispute, stage=Stage.COURT_ENFORCEMENT, department=court)
    CourtEnforcement.objects.create(
        dispute=dispute, item=item, court=court, amount=dispute.amount, deadline=deadline
    )
    _grant(dispute, [court])
    timeline_add(
        dispute=dispute,
        actor=actor,
        action="consultations.court.sent",
        note=item.decision,
        data={"court": court.name, "minutes": minutes_number},
    )


# -- carrying it out -----------------------------------------------------------------------


def may_complete_task(task: DecisionTask, user) -> bool:
    staff = staff_of(user)
    if staff is not None and staff.department_id == task.department_id:
        return Role.OFFICER in roles_of(user)
    return meeting_rules.runs_office(user, task.item.meeting.office)


@clock.settable
def decision_task_complete(*, task: DecisionTask, actor, result: str) -> DecisionTask:
    if not may_complete_task(task, actor):
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


def may_record_court_report(enforcement: CourtEnforcement, user) -> bool:
    staff = staff_of(user)
    if staff is not None and staff.department_id == enforcement.court_id:
        return Role.OFFICER in roles_of(user)
    return meeting_rules.runs_office(user, enforcement.item.meeting.office)


@clock.settable
def court_report(*, enforcement: CourtEnforcement, actor, report: str) -> CourtEnforcement:
    """The court reports back on the enforcement; the follow-up ends."""
    if not may_record_court_report(enforcement, actor):
        raise ActionNotPermitted(
            _("Only the court or the leading-group office records the court's report.")
        )
    if not report.strip():
        raise DisputeError(_("Write what the court reported."))
    with transaction.atomic():
        locked = CourtEnforcement.objects.select_for_update().get(pk=enforcement.pk)
        if locked.status != CourtEnforcement.Status.PENDING:
            raise DisputeError(_("The court's report is recorded already."))
        locked.status = CourtEnforcement.Status.REPORTED
        locked.report = report.strip()
        locked.reported_at = clock.now()
        locked.recorded_by = actor
        locked.save(update_fields=["status", "report", "reported_at", "recorded_by"])
        if locked.deadline_id:
            close_deadline(locked.deadline)
        timeline_add(
            dispute=locked.dispute,
            actor=actor,
            action="consultations.court.reported",
            note=locked.report,
            data={"court": enforcement.court.name},
        )
    return locked


def court_reported(dispute: Dispute) -> bool:
    """The archive transition's precondition: no enforcement is still awaiting the court."""
    return not CourtEnforcement.objects.filter(
        dispute=dispute, status=CourtEnforcement.Status.PENDING
    ).exists()


def court_awaited(dispute: Dispute) -> str:
    enforcement = (
        CourtEnforcement.objects.filter(dispute=dispute, status=CourtEnforcement.Status.PENDING)
        .select_related("court")
        .first()
    )
    if enforcement is None:
        return ""
    return _(
        "The file cannot be archived yet: %(court)s has not reported back on the enforcement."
    ) % {"court": enforcement.court.name}


def _open_tasks(dispute: Dispute):
    return DecisionTask.objects.filter(item__dispute=dispute, status=DecisionTask.Status.OPEN)


def tasks_done(dispute: Dispute) -> bool:
    """The archive transition's precondition: no task a meeting decided is still open."""
    return not _open_tasks(dispute).exists()


def tasks_awaited(dispute: Dispute) -> str:
    task = _open_tasks(dispute).select_related("department").order_by("due_date", "pk").first()
    if task is None:
        return ""
    return _(
        "The file cannot be archived yet: the meeting's task “%(task)s” of %(department)s "
        "is still open."
    ) % {"task": task.description[:80], "department": task.department.name}


def open_cases_for_agenda(meeting: Meeting, user):
    """Cases the office may still put on this meeting's agenda."""
    return (
        visible_disputes(user)
        .filter(
            state__in=AGENDA_STATES[meeting.kind],
            jurisdiction__path__startswith=meeting.office.jurisdiction.path,
        )
        .filter(state__in=OPEN_STATES)
        .exclude(agenda_items__meeting=meeting)
        .select_related("category", "centre")
        .order_by("received_at")
    )
