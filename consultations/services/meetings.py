"""The leading group's consultation meetings (会商): preparing, holding and deciding.

A meeting is prepared (title, time, place, host, invited departments and people, agenda of
cases), held (attendance recorded: this closes the cases' consultation-meeting time limit),
and decides per case. The minutes drafted from it are in ``minutes``; the court's follow-up
in ``court``; the reads in ``consultations.selectors`` and who may do what in
``consultations.rules``.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from consultations import rules as meeting_rules
from consultations.models import (
    AgendaItem,
    Attendance,
    DecisionTask,
    Meeting,
    Minutes,
    PolicyIssue,
)
from consultations.rules import AGENDA_STATES
from consultations.selectors import court_of
from departments import clock
from departments.models import Department, Staff, staff_of
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.formats import chinese_datetime
from disputes.grants import VIEW
from disputes.models import Dispute
from disputes.notifications import notify
from disputes.selectors import visible_disputes
from disputes.services import require_serving, timeline_add
from routing.deadlines import close_stages, officers_of
from routing.models import Stage


def require_office(meeting: Meeting, actor) -> None:
    """Only the meeting's leading-group office acts on it (meetings, minutes, court)."""
    if not meeting_rules.runs_office(actor, meeting.office):
        raise ActionNotPermitted(_("Only the leading-group office runs its meetings."))


def _require_planned(meeting: Meeting) -> None:
    if meeting.status != Meeting.Status.PLANNED:
        raise DisputeError(_("The meeting is no longer in preparation."))


def lock_meeting(meeting: Meeting) -> Meeting:
    """The meeting as it is now, locked for the rest of the transaction."""
    return (
        Meeting.objects.select_for_update()
        .select_related("office__jurisdiction")
        .get(pk=meeting.pk)
    )


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
    require_office(meeting, actor)
    if not (title.strip() and place.strip()):
        raise DisputeError(_("A meeting needs a title and a place."))
    with transaction.atomic():
        locked = lock_meeting(meeting)
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
            tell_invited(
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
            grant_view(item.dispute, departments)
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


def tell_invited(meeting: Meeting, message: str) -> None:
    users = list(meeting.invited_people.all())
    for department in meeting.invited_departments.all():
        users += officers_of(department)
    notify(users=users, kind="consultations.meeting.changed", message=message)


def grant_view(dispute: Dispute, departments) -> None:
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
    require_office(meeting, actor)
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
    require_office(meeting, actor)
    with transaction.atomic():
        locked = lock_meeting(meeting)
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
        grant_view(dispute, departments)
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
    require_office(meeting, actor)
    with transaction.atomic():
        locked = lock_meeting(meeting)
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
    require_office(meeting, actor)
    if not reason.strip():
        raise DisputeError(_("Say why the meeting is cancelled."))
    with transaction.atomic():
        locked = lock_meeting(meeting)
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
        tell_invited(
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
    require_office(meeting, actor)
    notes = notes or {}
    with transaction.atomic():
        locked = lock_meeting(meeting)
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
    require_office(meeting, actor)
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
        locked_meeting = lock_meeting(meeting)
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
        grant_view(item.dispute, extra)
    return item


def policy_issue_raise(
    *, meeting: Meeting, actor, kind: str, title: str, description: str, disputes
) -> PolicyIssue:
    """A policy-level, widespread or trend question raised in the meeting becomes an issue of
    the leading group, linked to the cases on the agenda that raised it."""
    require_office(meeting, actor)
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
