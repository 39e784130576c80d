from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import rules as meeting_rules
from consultations.models import (
    AgendaItem,
    CourtEnforcement,
    DecisionTask,
    DepartmentTask,
    DisciplineReferral,
    Meeting,
    Minutes,
    PolicyIssue,
    SupervisedUnit,
    Supervision,
    SupervisionReport,
)
from departments.models import ROLE_GROUP_NAMES, Centre, Department, Role, roles_of, staff_of
from disputes import marks
from disputes.followup import REDOS_FOR_LEADING_GROUP
from disputes.memo import remember
from disputes.models import OPEN_STATES, Classification, Dispute, State
from disputes.selectors import visible_disputes
from routing.deadlines import lgo_centre_for, q_overdue_now, with_days_late
from routing.models import Deadline, Stage


def pending_task_for(dispute, user) -> DepartmentTask | None:
    """The pending sub-task of the user's department on this case, if they are its officer."""
    department_id = meeting_rules.officer_department(user)
    if department_id is None:
        return None
    return (
        DepartmentTask.objects.filter(
            dispute=dispute, department_id=department_id, status=DepartmentTask.Status.PENDING
        )
        .select_related("department")
        .first()
    )


def tasks_for_department(department_id):
    return (
        DepartmentTask.objects.filter(department_id=department_id)
        .exclude(status=DepartmentTask.Status.WITHDRAWN)
        .select_related("dispute", "dispute__category", "dispute__centre")
        .annotate(waiting=Case(When(status=DepartmentTask.Status.PENDING, then=0), default=1))
        .order_by("waiting", "dispute__received_at")
    )


# -- the leading group ---------------------------------------------------------------------


def visible_meetings(user):
    """Meetings the user may open: the office's and leader's of their county, the county's
    supervisors', and those their department or they themselves are invited to."""
    if not getattr(user, "is_authenticated", False):
        return Meeting.objects.none()
    if user.is_superuser:
        return Meeting.objects.all()
    staff = staff_of(user)
    roles = roles_of(user)
    q = Q(host_id=user.pk) | Q(
        Exists(
            Meeting.invited_people.through.objects.filter(
                meeting_id=OuterRef("pk"), user_id=user.pk
            )
        )
    )
    if staff is not None:
        county = staff.jurisdiction.path if staff.jurisdiction_id else None
        if county and roles & {Role.LEADING_GROUP_OFFICE, Role.LEADER, Role.SUPERVISOR}:
            q |= Q(office__jurisdiction__path__startswith=county)
        if Role.OFFICER in roles and staff.department_id:
            q |= Q(
                Exists(
                    Meeting.invited_departments.through.objects.filter(
                        meeting_id=OuterRef("pk"), department_id=staff.department_id
                    )
                )
            )
    return Meeting.objects.filter(q)


def get_meeting_for_user(user, pk: int) -> Meeting:
    """The meeting if the user may see it; otherwise 404, never revealing that it exists."""
    try:
        return (
            visible_meetings(user).select_related("office__jurisdiction", "host__staff").get(pk=pk)
        )
    except Meeting.DoesNotExist as exc:
        raise Http404("No such meeting") from exc


def decision_tasks_for_department(department_id):
    """The department's tasks from issued minutes (a task starts when its minutes are issued)."""
    return (
        DecisionTask.objects.filter(department_id=department_id, deadline__isnull=False)
        .select_related("item__dispute", "item__meeting__minutes", "owner__staff", "deadline")
        .annotate(waiting=Case(When(status=DecisionTask.Status.OPEN, then=0), default=1))
        .order_by("waiting", "due_date", "pk")
    )


@dataclass
class Workbench:
    awaiting_approval: list
    special_handling: list
    meetings_to_prepare: list
    minutes_to_finish: list
    minutes_to_sign: list
    overdue_deadlines: list
    overdue_tasks: list
    court_pending: list
    issues: list
    office: object
    supervisions: list
    redone_again: list = field(default_factory=list)


def _with_late(tasks, now) -> list[DecisionTask]:
    tasks = list(tasks)
    late = {d.pk: d.late for d in with_days_late([t.deadline for t in tasks], now)}
    for task in tasks:
        task.late = late.get(task.deadline_id, 0)
    return tasks


def workbench(user, office) -> Workbench:
    """The leading-group office's and leader's desk, for one office (its county)."""
    now = timezone.now()
    county = office.jurisdiction.path
    cases = visible_disputes(user).filter(jurisdiction__path__startswith=county)
    # On a meeting whose minutes have not yet been carried out (prepared, or held and drafted).
    upcoming = AgendaItem.objects.filter(
        dispute_id=OuterRef("pk"), meeting__office=office, applied_at__isnull=True
    ).exclude(meeting__status=Meeting.Status.CANCELLED)
    special = marks.annotate(
        cases.filter(state=State.SPECIAL_HANDLING)
        .annotate(on_agenda=Exists(upcoming))
        .select_related("centre", "category", "lead_department")
        .order_by("escalated_at", "pk")
    )
    meetings = office.meetings.all()
    return Workbench(
        office=office,
        awaiting_approval=list(
            marks.annotate(
                cases.filter(state=State.ESCALATED)
                .select_related("centre", "category", "lead_department")
                .order_by("escalated_at", "pk")
            )[:100]
        ),
        special_handling=list(special[:100]),
        meetings_to_prepare=list(
            meetings.filter(status=Meeting.Status.PLANNED)
            .select_related("host__staff")
            .annotate(cases=Count("agenda"))
            .order_by("held_at", "pk")
        ),
        minutes_to_finish=list(
            Minutes.objects.filter(meeting__office=office)
            .exclude(status=Minutes.Status.ISSUED)
            .select_related("meeting", "sign_off_by__staff")
            .order_by("meeting__held_at", "pk")
        ),
        minutes_to_sign=list(
            Minutes.objects.filter(
                meeting__office=office, status=Minutes.Status.UNDER_REVIEW, sign_off_by=user
            ).select_related("meeting")
        ),
        overdue_deadlines=with_days_late(
            # The meetings' own tasks are listed below, with what they are, and so are the
            # supervisions' units.
            marks.annotate(
                Deadline.objects.filter(
                    q_overdue_now(),
                    dispute__in=cases.filter(classification=Classification.MAJOR),
                )
                .exclude(stage__in=[Stage.DECISION_TASK, Stage.SUPERVISION])
                .select_related("dispute", "department", "centre")
                .order_by("due_at"),
                "dispute_id",
            )[:100],
            now,
        ),
        overdue_tasks=_with_late(
            marks.annotate(
                DecisionTask.objects.filter(
                    item__meeting__office=office,
                    status=DecisionTask.Status.OPEN,
                    deadline__due_at__lte=now,
                ).select_related("item__dispute", "department", "owner__staff", "deadline"),
                "item__dispute_id",
            ),
            now,
        ),
        court_pending=list(
            marks.annotate(
                CourtEnforcement.objects.filter(
                    item__meeting__office=office, status=CourtEnforcement.Status.PENDING
                ).select_related("dispute", "court", "deadline"),
                "dispute_id",
            )
        ),
        issues=list(
            PolicyIssue.objects.filter(office=office)
            .prefetch_related("disputes")
            .select_related("meeting")[:20]
        ),
        supervisions=open_supervisions_of_office(office, now, cases=cases),
        # Redone twice or more and still open: the payer is still not satisfied (重办).
        redone_again=list(
            cases.filter(state__in=OPEN_STATES, redo_count__gte=REDOS_FOR_LEADING_GROUP)
            .select_related("centre", "category", "lead_department")
            .order_by("received_at", "pk")[:100]
        ),
    )


def refusing_filter(now=None) -> Q:
    """Sub-tasks a department refused: declined (kept when reassigned), or left unanswered past
    the deadline; a clue goes to the discipline commission at most once per sub-task."""
    now = now or timezone.now()
    return (
        Q(status=DepartmentTask.Status.DECLINED)
        | Q(status=DepartmentTask.Status.PENDING, deadline__due_at__lte=now)
        | Q(status=DepartmentTask.Status.WITHDRAWN, decline_reason__gt="")
    ) & Q(discipline_referrals__isnull=True)


def consultation_flags(dispute) -> dict[str, bool]:
    """What the leading group and joint handling have on this case, in one query (once per
    case page: the page's actions and section all ask)."""
    return remember("consultations.flags", dispute, lambda: _consultation_flags(dispute))


def _consultation_flags(dispute) -> dict[str, bool]:
    here = {"dispute_id": OuterRef("pk")}
    court = CourtEnforcement.objects.filter(**here)
    return (
        Dispute.objects.filter(pk=dispute.pk)
        .values(
            agenda=Exists(AgendaItem.objects.filter(**here)),
            court=Exists(court),
            court_pending=Exists(court.filter(status=CourtEnforcement.Status.PENDING)),
            referrals=Exists(DisciplineReferral.objects.filter(**here)),
            issues=Exists(PolicyIssue.disputes.through.objects.filter(**here)),
            refusing=Exists(DepartmentTask.objects.filter(refusing_filter(), **here)),
            supervision=Exists(Supervision.objects.filter(**here)),
            supervision_open=Exists(
                Supervision.objects.filter(status=Supervision.Status.OPEN, **here)
            ),
        )
        .first()
    ) or {}


def pending_court_enforcement(dispute) -> CourtEnforcement | None:
    """The court enforcement of the case still awaiting the court's report, if any: asked only
    when the case has one (one query for the flags), once per case page."""
    if not consultation_flags(dispute).get("court_pending"):
        return None
    return remember(
        "consultations.pending_court",
        dispute,
        lambda: (
            CourtEnforcement.objects.filter(dispute=dispute, status=CourtEnforcement.Status.PENDING)
            .select_related("item__meeting__office__jurisdiction")
            .first()
        ),
    )


def case_consultations(dispute) -> dict | None:
    """What the leading group did with a case, for the case page: meetings, decisions and
    their tasks, court enforcement, policy issues, clues to the discipline commission."""
    flags = consultation_flags(dispute)
    if not (
        flags.get("agenda") or flags.get("court") or flags.get("referrals") or flags.get("issues")
    ):
        return None
    items = []
    if flags["agenda"]:
        items = list(
            AgendaItem.objects.filter(dispute=dispute)
            .select_related("meeting__minutes")
            .prefetch_related(
                Prefetch(
                    "tasks",
                    queryset=DecisionTask.objects.select_related("department", "owner__staff"),
                )
            )
            .order_by("meeting__held_at", "pk")
        )
    court = list(dispute.court_enforcements.select_related("court")) if flags["court"] else []
    referrals = (
        list(dispute.discipline_referrals.select_related("department", "decided_by__staff"))
        if flags["referrals"]
        else []
    )
    issues = list(dispute.policy_issues.all()) if flags["issues"] else []
    return {"items": items, "court": court, "referrals": referrals, "issues": issues}


def case_section(request, dispute) -> dict | None:
    context = case_consultations(dispute)
    if context is None:
        return None
    meeting_ids = {item.meeting_id for item in context["items"]}
    context["open_meetings"] = set(
        visible_meetings(request.user).filter(pk__in=meeting_ids).values_list("pk", flat=True)
    )
    return context


def opinions_side_by_side(dispute) -> list[DepartmentTask]:
    """Every live sub-task with its opinion, attachments and deadline; ``overdue`` marks a
    pending one whose deadline has passed (it no longer holds consolidation up)."""
    now = timezone.now()
    tasks = list(
        DepartmentTask.objects.filter(dispute=dispute)
        .exclude(status=DepartmentTask.Status.WITHDRAWN, decline_reason="")
        .select_related("department", "signed_by__staff", "deadline")
        .prefetch_related("attachments")
    )
    for task in tasks:
        task.overdue = (
            task.status == DepartmentTask.Status.PENDING
            and task.deadline is not None
            and task.deadline.paused_at is None
            and task.deadline.due_at <= now
        )
    return tasks


def awaited_tasks(dispute, now=None):
    """Pending sub-tasks whose deadline has not passed: consolidation waits for these.

    A sub-task past its due moment no longer holds the case up; it shows as overdue. A paused
    clock (the case waits on the payer) has not run out.
    """
    now = now or timezone.now()
    return DepartmentTask.objects.filter(
        dispute=dispute, status=DepartmentTask.Status.PENDING
    ).exclude(deadline__due_at__lte=now, deadline__paused_at__isnull=True)


def unsettled_tasks(dispute: Dispute):
    """The sub-tasks still pending, overdue or not."""
    return DepartmentTask.objects.filter(dispute=dispute, status=DepartmentTask.Status.PENDING)


def opinions_settled(dispute: Dispute) -> bool:
    """The consolidate transition's precondition: every sub-task answered or overdue."""
    return not awaited_tasks(dispute).exists()


def consolidation_waits_for(dispute) -> str:
    """Why the lead cannot consolidate yet: the departments whose opinions are awaited."""
    if dispute.state != State.JOINT_HANDLING:
        return ""
    waiting = list(awaited_tasks(dispute).values_list("department__name", flat=True))
    if not waiting:
        return ""
    return _("Opinions are still awaited from: %(departments)s.") % {
        "departments": "、".join(waiting)
    }


# -- meetings, minutes and the court -------------------------------------------------------


def refusing_tasks(dispute: Dispute):
    """Sub-tasks whose refusal may go to the discipline commission (``refusing_filter``)."""
    return (
        DepartmentTask.objects.filter(dispute=dispute)
        .filter(refusing_filter())
        .select_related("department")
    )


def discipline_commission(dispute: Dispute) -> Department | None:
    """The discipline commission serving the case's area (never another county's)."""
    return Department.objects.nearest(dispute.jurisdiction, Department.Kind.DISCIPLINE)


def court_of(dispute: Dispute) -> Department | None:
    """The people's court serving the case's area (never another county's)."""
    return Department.objects.nearest(dispute.jurisdiction, Department.Kind.COURT)


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


def open_cases_for_agenda(meeting: Meeting, user):
    """Cases the office may still put on this meeting's agenda."""
    return (
        visible_disputes(user)
        .filter(
            state__in=meeting_rules.AGENDA_STATES[meeting.kind],
            jurisdiction__path__startswith=meeting.office.jurisdiction.path,
        )
        .filter(state__in=OPEN_STATES)
        .exclude(agenda_items__meeting=meeting)
        .select_related("category", "centre")
        .order_by("received_at")
    )


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


# -- supervision (督办) ----------------------------------------------------------------------


def county_office(dispute) -> Centre | None:
    """The leading-group office of the case's county (once per case page)."""
    return remember("consultations.county_office", dispute, lambda: lgo_centre_for(dispute))


def _supervisions():
    return Supervision.objects.select_related("office", "opened_by__staff").prefetch_related(
        Prefetch(
            "units",
            queryset=SupervisedUnit.objects.select_related("department", "deadline"),
        )
    )


def open_supervision(dispute) -> Supervision | None:
    """The case's open supervision with its units, or None (once per case page: the page's
    actions all ask)."""
    if not consultation_flags(dispute).get("supervision_open"):
        return None
    return remember(
        "consultations.open_supervision",
        dispute,
        lambda: _supervisions().filter(dispute=dispute, status=Supervision.Status.OPEN).first(),
    )


def supervised(ref: str = "pk") -> Exists:
    """For a list's rows: is the row's case (``ref``: its key's name) under supervision? The
    partial unique index of the open supervisions answers it."""
    return Exists(
        Supervision.objects.filter(dispute_id=OuterRef(ref), status=Supervision.Status.OPEN)
    )


def _with_progress(supervisions, now) -> list[Supervision]:
    """Each unit's ``late`` (working days, now) and each supervision's ``overdue`` (a unit
    without its final report is past its due moment)."""
    supervisions = list(supervisions)
    units = [u for s in supervisions for u in s.units.all()]
    late = {d.pk: d.late for d in with_days_late([u.deadline for u in units if u.deadline], now)}
    for s in supervisions:
        for unit in s.units.all():
            unit.late = late.get(unit.deadline_id, 0)
            unit.overdue = unit.reported_at is None and unit.late > 0
        s.overdue = any(unit.overdue for unit in s.units.all())
    return supervisions


def case_supervisions(dispute) -> list[Supervision]:
    """Every supervision of the case, newest first, with units, reports and lateness."""
    rows = (
        _supervisions()
        .filter(dispute=dispute)
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=SupervisionReport.objects.select_related("department", "by__staff"),
            )
        )
    )
    return _with_progress(rows, timezone.now())


def supervision_section(request, dispute) -> dict | None:
    if not consultation_flags(dispute).get("supervision"):
        return None
    return {"supervisions": case_supervisions(dispute)}


def open_supervisions_of_office(office, now=None, *, cases=None) -> list[Supervision]:
    """The office's open supervisions, the earliest due first (the workbench), of ``cases``
    (the cases the reader sees) when given."""
    rows = _supervisions().filter(office=office, status=Supervision.Status.OPEN)
    if cases is not None:
        rows = rows.filter(dispute__in=cases)
    rows = (
        rows.select_related("dispute")
        .annotate(report_count=Count("reports"))
        .order_by("due_date", "pk")[:100]
    )
    return _with_progress(rows, now or timezone.now())


def supervisions_for_department(department_id, now=None) -> list[Supervision]:
    """The open supervisions naming the department (its officers' task list)."""
    rows = (
        _supervisions()
        .filter(status=Supervision.Status.OPEN, units__department_id=department_id)
        .select_related("dispute")
        .order_by("due_date", "pk")[:100]
    )
    rows = _with_progress(rows, now or timezone.now())
    for s in rows:
        s.mine = next(u for u in s.units.all() if u.department_id == department_id)
    return rows


def supervision_concluded(dispute: Dispute) -> bool:
    """The archive transition's precondition: no supervision of the case is still open."""
    return not Supervision.objects.filter(dispute=dispute, status=Supervision.Status.OPEN).exists()


def supervision_awaited(dispute: Dispute) -> str:
    number = (
        Supervision.objects.filter(dispute=dispute, status=Supervision.Status.OPEN)
        .values_list("number", flat=True)
        .first()
    )
    if number is None:
        return ""
    return _(
        "The file cannot be archived yet: the leading-group office has not concluded "
        "supervision %(number)s."
    ) % {"number": number}
