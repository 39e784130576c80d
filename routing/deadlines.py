"""Time limits (规定时限): opened and closed by the case's transitions, enforced by the sweep.

The limits are data (``DeadlinePolicy``); due moments are the end of the N-th working day on
the official calendar (``routing.workdays``). The sweep reads only what is due through partial
indexes, changes rows with conditional updates and records each notice under a unique key, so
running it twice, or again after a worker died midway, sends nothing twice and misses nothing.
"""

import datetime
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from departments import clock
from departments.models import ROLE_GROUP_NAMES, Centre, Department, Role
from disputes.formats import chinese_date
from disputes.models import OPEN_STATES, Classification, Dispute, State
from disputes.notifications import notify
from disputes.services import timeline_add
from routing.models import (
    Accountability,
    CasePause,
    Deadline,
    DeadlineNotice,
    DeadlinePolicy,
    Referral,
    Stage,
)
from routing.workdays import (
    add_working_days_checked,
    end_of_working_day,
    is_known_year,
    previous_working_day,
    working_days_between,
    working_days_late,
)

log = logging.getLogger(__name__)

# Defaults installed by load_reference_data; administrators change them in the admin.
DEFAULT_POLICIES = [
    (Stage.CLASSIFICATION, 1, "受理后1个工作日内完成分类流转", ()),
    (Stage.TRANSFER_ACCEPTANCE, 2, "转办后2个工作日内由承接中心受理", ()),
    (Stage.REFERRAL_DISPATCH, 2, "报送后2个工作日内转交承办部门", ()),
    (Stage.REFERRAL_FEEDBACK, 10, "承办部门10个工作日内办理并反馈", ()),
    (Stage.DEPARTMENT_OPINION, 5, "联办部门5个工作日内出具书面意见", ()),
    (
        Stage.DEPARTMENT_OPINION,
        3,
        "数据异常3个工作日内核实反馈",
        ("registration_data", "collection_records"),
    ),
    (Stage.PASS_ON, 2, "需其他单位配合的，2个工作日内传递相关单位", ()),
    (Stage.GENERAL_REPLY, 15, "一般事项15个工作日内汇总意见并答复", ()),
    (Stage.LEADER_APPROVAL, 3, "领导小组组长3个工作日内审批", ()),
    (Stage.CONSULTATION_MEETING, 10, "专案10个工作日内召开会商", ()),
    # A meeting's task normally carries its own date (会议明确的完成时限); this is the fallback.
    (Stage.DECISION_TASK, 10, "会商议定事项10个工作日内落实", ()),
    (Stage.COURT_ENFORCEMENT, 60, "移送法院强制执行后60个工作日内反馈执行情况", ()),
    (Stage.MAJOR_REPLY, 30, "重大疑难事项30个工作日内答复", ()),
    (Stage.REPORT_BACK, 1, "取得确认后1个工作日内反馈", ()),
    (Stage.ARCHIVING, 5, "办结后5个工作日内归档", ()),
    (Stage.FOLLOW_UP, 3, "答复后3个工作日内回访", ()),
    (Stage.REDO, 10, "重办事项10个工作日内重新答复", ()),
    (Stage.SUPERVISION, 10, "督办事项10个工作日内报告办理情况", ()),
]
FALLBACK_DAYS = 5


def policy_days(stage: str, category_id: int | None) -> int:
    policies = DeadlinePolicy.objects.filter(stage=stage).prefetch_related("categories")
    default = None
    for policy in policies:
        ids = {c.pk for c in policy.categories.all()}
        if category_id in ids:
            return policy.working_days
        if not ids and default is None:
            default = policy.working_days
    return default if default is not None else FALLBACK_DAYS


def _reminder_moment(start: datetime.datetime, due_date: datetime.date) -> datetime.datetime:
    """09:00 on the working day before the due day, but never before the clock started."""
    tz = timezone.get_current_timezone()
    day_before = previous_working_day(due_date)
    moment = datetime.datetime.combine(day_before, datetime.time(9, 0), tzinfo=tz)
    return max(moment, start)


def _schedule(start: datetime.datetime, days: int, due_date=None):
    local_start = timezone.localtime(start).date()
    if due_date is None:
        due_date, provisional = add_working_days_checked(local_start, days)
    else:
        provisional = any(not is_known_year(y) for y in range(local_start.year, due_date.year + 1))
    due_at = end_of_working_day(due_date, timezone.get_current_timezone())
    return due_at, _reminder_moment(start, due_date), provisional


def open_deadline(
    *,
    dispute: Dispute,
    stage: str,
    department: Department | None = None,
    centre: Centre | None = None,
    start: datetime.datetime | None = None,
    due_date: datetime.date | None = None,
    announce: bool | None = None,
) -> Deadline:
    """Open a time limit; its people hear of it when the work has moved to another unit
    (``announce``; by default: a department's, or the leading-group office's work)."""
    start = start or clock.now()
    days = policy_days(stage, dispute.category_id)
    due_at, remind_at, provisional = _schedule(start, days, due_date)
    if provisional:
        log.warning(
            "Deadline of %s (%s) is provisional: the holiday arrangement of %s is not known; "
            "enter it in the admin (routing › calendar).",
            dispute.number,
            stage,
            timezone.localtime(due_at).year,
        )
    deadline = Deadline.objects.create(
        dispute=dispute,
        stage=stage,
        department=department,
        centre=centre,
        working_days=days,
        started_at=start,
        due_at=due_at,
        remind_at=remind_at,
        provisional=provisional,
        # A case waiting on the payer starts new clocks paused too.
        paused_at=start if dispute.pauses.filter(ended_at__isnull=True).exists() else None,
    )
    if announce is None:
        announce = department is not None or (
            centre is not None and centre.kind == Centre.Kind.LEADING_GROUP_OFFICE
        )
    if announce:
        # Work has moved to another unit: its people hear of it (the centre acting on its own
        # cases needs no message about what it just did).
        notify(
            users=responsible_people(deadline),
            dispute=dispute,
            kind="deadline.opened",
            message=_("Case %(number)s: new work, “%(stage)s”, due on %(due)s.")
            % {
                "number": dispute.number,
                "stage": deadline.get_stage_display(),
                "due": _due_text(deadline),
            },
            context=_notice_context(deadline),
        )
    return deadline


def _notice_context(deadline: Deadline) -> dict:
    """What a notice about the deadline says, for its text message's placeholders
    (disputes.sms): ``department`` is empty when the deadline is not a department's."""
    return {
        "stage": str(deadline.get_stage_display()),
        "due": _due_text(deadline),
        "department": deadline.department.name if deadline.department_id else "",
    }


def close_deadline(deadline: Deadline, *, at: datetime.datetime | None = None) -> Deadline:
    """The stage is done: met if in time, otherwise it stays overdue with the days late."""
    at = at or clock.now()
    late = working_days_late(deadline.due_at, at)
    deadline.met_at = at
    deadline.days_late = late
    deadline.status = Deadline.Status.OVERDUE if late else Deadline.Status.MET
    deadline.paused_at = None
    deadline.save(update_fields=["met_at", "days_late", "status", "paused_at"])
    if late:
        # Late, whether or not a sweep saw it running: the record is made either way.
        record_late(deadline, late)
    return deadline


def record_late(deadline: Deadline, days_late: int) -> Accountability:
    """The accountability record of a late deadline, one per deadline: an extended deadline
    that runs late again updates its own."""
    record, _created = Accountability.objects.update_or_create(
        deadline=deadline,
        defaults={"days_late": days_late},
        create_defaults={
            "dispute_id": deadline.dispute_id,
            "stage": deadline.stage,
            "department_id": deadline.department_id,
            "centre_id": deadline.centre_id,
            "days_late": days_late,
        },
    )
    return record


def shift(deadline: Deadline, extra_days: int) -> None:
    """Move a deadline's due moment ``extra_days`` working days later (not saved)."""
    due_date = timezone.localtime(deadline.due_at).date()
    new_due, provisional = add_working_days_checked(due_date, extra_days)
    deadline.due_at = end_of_working_day(new_due, timezone.get_current_timezone())
    deadline.remind_at = _reminder_moment(clock.now(), new_due)
    deadline.working_days += extra_days
    deadline.provisional = deadline.provisional or provisional
    deadline.reminded_at = None


def pause_end(*, dispute: Dispute, actor=None, note: str = "") -> CasePause | None:
    """End the case's open pause, if any: every paused clock moves on by the working days it
    stood still. The caller holds the case's lock (the resume action, or a transition)."""
    pause = CasePause.objects.filter(dispute=dispute, ended_at__isnull=True).first()
    if pause is None:
        return None
    now = clock.now()
    today = timezone.localtime(now).date()
    pause.ended_at, pause.ended_by = now, actor
    pause.save(update_fields=["ended_at", "ended_by"])
    for deadline in Deadline.objects.filter(dispute=dispute, paused_at__isnull=False):
        stood = working_days_between(timezone.localtime(deadline.paused_at).date(), today)
        if stood:
            shift(deadline, stood)
        deadline.paused_at = None
        deadline.save()
    timeline_add(
        dispute=dispute,
        actor=actor,
        action="routing.clock.resumed",
        note=note,
        data={"paused_since": timezone.localtime(pause.started_at).isoformat()},
    )
    return pause


def unclosed(dispute: Dispute, stages):
    return Deadline.objects.filter(
        dispute=dispute,
        stage__in=stages,
        met_at__isnull=True,
        status__in=[*Deadline.RUNNING, Deadline.Status.OVERDUE],
    )


def close_stages(dispute: Dispute, stages) -> None:
    for deadline in unclosed(dispute, stages):
        close_deadline(deadline)


def cancel_stages(dispute: Dispute, stages=None) -> None:
    qs = Deadline.objects.filter(dispute=dispute)
    if stages is not None:
        qs = qs.filter(stage__in=stages)
    cancel_deadlines(qs)


def cancel_deadlines(deadlines) -> int:
    """The work is no longer asked for: the running ones of ``deadlines`` (a queryset) end
    as cancelled, neither met nor late. Returns how many."""
    return deadlines.filter(status__in=Deadline.RUNNING).update(
        status=Deadline.Status.CANCELLED, met_at=clock.now(), paused_at=None
    )


# -- who is responsible, who hears about it -----------------------------------------------


def lgo_centre_for(dispute: Dispute) -> Centre | None:
    county = dispute.jurisdiction.county
    return Centre.objects.filter(
        kind=Centre.Kind.LEADING_GROUP_OFFICE, jurisdiction=county, active=True
    ).first()


def government_office_for(dispute: Dispute) -> Department | None:
    """The government office serving the case's area (the nearest one above it), which
    receives its referral: the same bound as ``disputes.rules.referral_area``."""
    paths = dispute.jurisdiction.path.split("/")
    ancestors = ["/".join(paths[: i + 1]) + "/" for i in range(len(paths) - 1)]
    return (
        Department.objects.filter(
            kind=Department.Kind.GOVERNMENT_OFFICE, active=True, jurisdiction__path__in=ancestors
        )
        .order_by("-jurisdiction__path", "pk")
        .first()
    )


def _users_with_role(role: Role):
    return get_user_model().objects.filter(is_active=True, groups__name=ROLE_GROUP_NAMES[role])


def officers_of(department: Department | None):
    if department is None:
        return []
    return list(_users_with_role(Role.OFFICER).filter(staff__department=department))


def coordinators_of(centre: Centre | None, *, with_clerks: bool = False):
    if centre is None:
        return []
    roles = [ROLE_GROUP_NAMES[Role.COORDINATOR]]
    if with_clerks:
        roles.append(ROLE_GROUP_NAMES[Role.CLERK])
    return list(
        get_user_model()
        .objects.filter(is_active=True, staff__centre=centre, groups__name__in=roles)
        .distinct()
    )


def leading_group_office_for(dispute: Dispute):
    path = dispute.jurisdiction.path
    return [
        u
        for u in _users_with_role(Role.LEADING_GROUP_OFFICE).select_related("staff__jurisdiction")
        if u.staff.jurisdiction_id and path.startswith(u.staff.jurisdiction.path)
    ]


def responsible_people(deadline: Deadline, cache: dict | None = None):
    """Who answers for a deadline; ``cache`` keeps the answer per unit for one sweep."""
    cache = {} if cache is None else cache
    if deadline.department_id:
        officers = _cached(
            cache, ("department", deadline.department_id), lambda: officers_of(deadline.department)
        )
        if officers:
            return officers
        # Nobody to tell in the department: the case's own centre answers for it through its
        # coordinator, and the administrators hear that the department has no officer (here,
        # and in the system check departments.W001 and the admin's department list).
        dispute = deadline.dispute
        if ("unstaffed", deadline.department_id) not in cache:
            cache["unstaffed", deadline.department_id] = True
            log.warning(
                "Department %s has no officer: the notices of its deadlines (case %s) go to "
                "the coordinator of %s; give it an officer (admin › users).",
                deadline.department.name,
                dispute.number,
                dispute.centre.name,
            )
        return _cached(
            cache, ("coordinators", dispute.centre_id), lambda: coordinators_of(dispute.centre)
        )
    if deadline.centre_id and deadline.centre.kind == Centre.Kind.LEADING_GROUP_OFFICE:
        return _cached(
            cache,
            ("lgo", deadline.dispute.jurisdiction_id),
            lambda: leading_group_office_for(deadline.dispute),
        )
    return _cached(
        cache,
        ("centre", deadline.centre_id),
        lambda: coordinators_of(deadline.centre, with_clerks=True),
    )


def _cached(cache: dict, key, find):
    if key not in cache:
        cache[key] = find()
    return cache[key]


# -- what each transition opens and closes -------------------------------------------------

# Stages a transition ends (met, or late). Withdrawal cancels everything still running.
CLOSES = {
    "classify": [Stage.CLASSIFICATION, Stage.TRANSFER_ACCEPTANCE],
    "transfer": [Stage.CLASSIFICATION, Stage.TRANSFER_ACCEPTANCE],
    "refer": [Stage.CLASSIFICATION, Stage.TRANSFER_ACCEPTANCE],
    # 退单 decides on the case at its first stage, as classifying it would: met, or late.
    "return_to_channel": [Stage.CLASSIFICATION, Stage.TRANSFER_ACCEPTANCE],
    "dispatch": [Stage.REFERRAL_DISPATCH],
    "approve": [Stage.LEADER_APPROVAL],
    "return_escalation": [Stage.LEADER_APPROVAL],
    "decide": [Stage.CONSULTATION_MEETING],
    "reply": [
        Stage.GENERAL_REPLY,
        Stage.MAJOR_REPLY,
        Stage.REFERRAL_FEEDBACK,
        Stage.REPORT_BACK,
        Stage.REDO,
    ],
    # The payer's response ends the follow-up's limit, whether or not a visit was recorded.
    "accept": [Stage.FOLLOW_UP],
    "lodge_objection": [Stage.FOLLOW_UP],
    "close_explained": [Stage.FOLLOW_UP],
    "redo": [Stage.FOLLOW_UP],
    "archive": [Stage.ARCHIVING],
}


def on_registered(sender, dispute: Dispute, **kwargs):
    open_deadline(
        dispute=dispute,
        stage=Stage.CLASSIFICATION,
        centre=dispute.centre,
        start=dispute.received_at,
    )


def on_transition(sender, instance: Dispute, name, source, target, **kwargs):
    """post_transition handler: runs inside the transition's transaction."""
    dispute = instance
    if target not in OPEN_STATES:
        # A case that is closed, withdrawn or archived waits on nobody: the pause ends with
        # the open states, so the archiving clock (opened below) runs.
        pause_end(dispute=dispute, note=_("The case left the open states."))
    if name == "withdraw":
        cancel_stages(dispute)
    close_stages(dispute, CLOSES.get(name, []))
    if name == "escalate":
        # The general case's reply limit gives way to the leading group's.
        cancel_stages(dispute, [Stage.GENERAL_REPLY, Stage.REPORT_BACK, Stage.REDO])
    for stage, department, centre, due_date in _opened_by(dispute, name, target):
        open_deadline(
            dispute=dispute,
            stage=stage,
            department=department,
            centre=centre,
            due_date=due_date,
            # A transferred case is another centre's new work: its clerks hear of it.
            announce=True if name == "transfer" else None,
        )


def on_follow_up(sender, dispute: Dispute, follow_up, **kwargs):
    """A visit recorded, or the payer's rating online: the follow-up's limit is met."""
    close_stages(dispute, [Stage.FOLLOW_UP])


def _opened_by(dispute: Dispute, name: str, target: str):
    lead = dispute.lead_department
    if name == "redo":
        # The new reply has its own limit (重办时限), owed by the lead and the centre.
        yield Stage.REDO, lead, dispute.centre, None
    elif name == "transfer":
        yield Stage.TRANSFER_ACCEPTANCE, None, dispute.centre, None
    elif name == "refer":
        yield Stage.REFERRAL_DISPATCH, government_office_for(dispute), None, None
    elif name == "dispatch":
        referral = Referral.objects.filter(dispute=dispute).first()
        due = referral.report_back_by if referral else None
        yield Stage.REFERRAL_FEEDBACK, lead, None, due
    elif target == State.JOINT_HANDLING and name in ("classify", "return_escalation"):
        yield Stage.GENERAL_REPLY, lead, dispute.centre, None
    elif target == State.ESCALATED:
        yield Stage.LEADER_APPROVAL, None, lgo_centre_for(dispute), None
    elif name == "approve":
        yield Stage.CONSULTATION_MEETING, None, lgo_centre_for(dispute), None
        yield Stage.MAJOR_REPLY, lead, dispute.centre, None
    elif target == State.AWAITING_REPLY:
        yield Stage.REPORT_BACK, None, dispute.centre, None
    elif target == State.REPLIED:
        # The reply is delivered: the centre visits the payer (回访) within the limit.
        yield Stage.FOLLOW_UP, None, dispute.centre, None
    if target in (State.CLOSED, State.RESOLVED_ON_SPOT, State.WITHDRAWN):
        yield Stage.ARCHIVING, None, dispute.centre, None


# -- the sweep ---------------------------------------------------------------------------------


@dataclass
class SweepResult:
    reminders: int = 0
    overdue: int = 0
    notices: int = 0
    circulars: int = 0

    def __str__(self) -> str:
        done = _("%(reminders)d reminders, %(overdue)d newly overdue") % {
            "reminders": self.reminders,
            "overdue": self.overdue,
        }
        ladder = _("%(notices)d urging notices, %(circulars)d circulars") % {
            "notices": self.notices,
            "circulars": self.circulars,
        }
        return f"{done}; {ladder}"


def _record_notice(deadline: Deadline, kind: str) -> bool:
    try:
        with transaction.atomic():
            DeadlineNotice.objects.create(deadline=deadline, kind=kind, due_at=deadline.due_at)
    except IntegrityError:
        return False
    return True


def _due_text(deadline: Deadline) -> str:
    return chinese_date(deadline.due_at)


def _remind(pk: int, now, cache: dict | None = None) -> bool:
    cache = {} if cache is None else cache
    with transaction.atomic():
        claimed = Deadline.objects.filter(
            pk=pk,
            status__in=Deadline.RUNNING,
            paused_at__isnull=True,
            reminded_at__isnull=True,
            due_at__gt=now,
        ).update(reminded_at=now)
        if not claimed:
            return False
        deadline = Deadline.objects.select_related(
            "dispute__jurisdiction", "dispute__centre", "department", "centre"
        ).get(pk=pk)
        if not _record_notice(deadline, DeadlineNotice.Kind.REMINDER):
            return False
        notify(
            users=responsible_people(deadline, cache),
            dispute=deadline.dispute,
            kind="deadline.reminder",
            message=_("Case %(number)s: “%(stage)s” is due on %(due)s.")
            % {
                "number": deadline.dispute.number,
                "stage": deadline.get_stage_display(),
                "due": _due_text(deadline),
            },
        )
    return True


def _mark_overdue(pk: int, now, cache: dict | None = None) -> bool:
    cache = {} if cache is None else cache
    with transaction.atomic():
        claimed = Deadline.objects.filter(
            pk=pk, status__in=Deadline.RUNNING, paused_at__isnull=True, due_at__lte=now
        ).update(status=Deadline.Status.OVERDUE, overdue_at=now)
        if not claimed:
            return False
        deadline = Deadline.objects.select_related(
            "dispute__jurisdiction", "dispute__centre", "department", "centre"
        ).get(pk=pk)
        if not _record_notice(deadline, DeadlineNotice.Kind.OVERDUE):
            return False
        dispute = deadline.dispute
        # Deadlines falling due on the same day are as late as each other: count once a sweep.
        days_late = _cached(
            cache,
            ("late", timezone.localtime(deadline.due_at).date()),
            lambda: working_days_late(deadline.due_at, now),
        )
        record_late(deadline, days_late)
        people = responsible_people(deadline, cache) + _cached(
            cache, ("coordinators", dispute.centre_id), lambda: coordinators_of(dispute.centre)
        )
        if dispute.classification == Classification.MAJOR:
            people += _cached(
                cache,
                ("lgo", dispute.jurisdiction_id),
                lambda: leading_group_office_for(dispute),
            )
        notify(
            users=people,
            dispute=dispute,
            kind="deadline.overdue",
            message=_("Case %(number)s: “%(stage)s” was due on %(due)s and is overdue.")
            % {
                "number": dispute.number,
                "stage": deadline.get_stage_display(),
                "due": _due_text(deadline),
            },
            context=_notice_context(deadline),
        )
    return True


CHUNK = 100  # deadlines handled per transaction: a worker lost midway redoes at most these


def _run_chunks(ids, step, now, cache) -> int:
    done = 0
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            done += sum(step(pk, now, cache) for pk in ids[start : start + CHUNK])
    return done


def sweep(now: datetime.datetime | None = None, batch: int = 1000) -> SweepResult:
    """Send due reminders and mark what has passed its due moment; safe to run at any time.

    ``now``: the moment the sweep runs as (default: now); what it writes is stamped with it."""
    now = now or clock.now()
    with clock.moment(now):
        return _sweep(now, batch)


def _sweep(now: datetime.datetime, batch: int) -> SweepResult:
    result = SweepResult()
    cache: dict = {}  # recipients per unit, for this run
    # A deadline already past its due moment gets the overdue notice, not a late reminder.
    due_reminders = Deadline.objects.filter(
        status__in=Deadline.RUNNING,
        paused_at__isnull=True,
        reminded_at__isnull=True,
        remind_at__lte=now,
        due_at__gt=now,
    ).order_by("remind_at")
    while ids := list(due_reminders.values_list("pk", flat=True)[:batch]):
        sent = _run_chunks(ids, _remind, now, cache)
        result.reminders += sent
        if not sent:
            break
    passed = Deadline.objects.filter(
        status__in=Deadline.RUNNING, paused_at__isnull=True, due_at__lte=now
    ).order_by("due_at")
    while ids := list(passed.values_list("pk", flat=True)[:batch]):
        marked = _run_chunks(ids, _mark_overdue, now, cache)
        result.overdue += marked
        if not marked:
            break
    # The urging ladder (routing.urging): a notice on the first working day after the due
    # day, a circular five working days after the notice, each read through its partial index.
    from routing import urging

    for query, step, field in (
        (urging.due_for_notice(now), urging.issue_notice, "notices"),
        (urging.due_for_circular(now), urging.issue_circular, "circulars"),
    ):
        while ids := list(query.values_list("pk", flat=True)[:batch]):
            issued = _run_chunks(ids, step, now, cache)
            setattr(result, field, getattr(result, field) + issued)
            if not issued:
                break
    return result


def days_late_now(deadline: Deadline, now=None) -> int:
    if deadline.met_at is not None:
        return deadline.days_late
    return working_days_late(deadline.due_at, now or clock.now())


def provisional_years() -> list[int]:
    """Years that running deadlines count on weekends alone, and next year when it is late in
    the year and the arrangement is still missing: the administrators must enter them."""
    today = clock.localdate()
    years = {
        timezone.localtime(d).year
        for d in Deadline.objects.running()
        .filter(provisional=True)
        .values_list("due_at", flat=True)[:1000]
    }
    if today.month >= 11 and not is_known_year(today.year + 1):
        years.add(today.year + 1)
    return sorted(y for y in years if not is_known_year(y))


def recompute_provisional() -> int:
    """After an arrangement is entered: reschedule every running provisional deadline."""
    count = 0
    for deadline in Deadline.objects.running().filter(provisional=True):
        due_at, remind_at, provisional = _schedule(deadline.started_at, deadline.working_days)
        Deadline.objects.filter(pk=deadline.pk, due_at=deadline.due_at).update(
            due_at=due_at,
            remind_at=remind_at,
            provisional=provisional,
            reminded_at=None if remind_at > clock.now() else deadline.reminded_at,
        )
        count += 1
    return count


def q_overdue_now():
    return Q(status=Deadline.Status.OVERDUE, met_at__isnull=True)


def with_days_late(rows, now=None) -> list[Deadline]:
    """Set ``late`` (working days late now) on each deadline, with one calendar lookup."""
    from routing.workdays import Calendar

    rows = list(rows)
    now = now or clock.now()
    open_rows = [d for d in rows if d.met_at is None and d.due_at < now]
    today = timezone.localtime(now).date()
    calendar = None
    if open_rows:
        first = min(timezone.localtime(d.due_at).date() for d in open_rows)
        calendar = Calendar(first, today)
    for d in rows:
        if d.met_at is not None:
            d.late = d.days_late
        else:
            d.late = working_days_late(d.due_at, now, calendar)
    return rows
