"""催办: urging a department on its time limit, by hand and by the sweep's ladder.

By hand: whoever oversees the case (``rules.can_urge``) urges the department responsible for
an open limit, with a note; the department's officers hear of it and the officer's queue marks
the case while the limit stays open.

By the sweep (``routing.deadlines.sweep``, its ladder steps below): a department's limit still
unmet on the first working day after its due day gets a 《催办通知书》, numbered per owning
centre and year; five working days after the notice, still unmet, a 通报 entry
(``LateCircular``) that the county's leading-group office hears of and the evaluation counts.
Each step claims the limit with a conditional update and writes its row under a unique key,
the number taken in the same savepoint as the row, so a sweep run twice, or again after a
worker died midway, issues nothing twice, misses nothing and wastes no number.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from departments import clock
from departments.models import Centre
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.formats import chinese_date
from disputes.grants import access_by_rule
from disputes.models import CaseCounter, Dispute
from disputes.notifications import notify
from disputes.services import counter_take, timeline_add
from disputes.timeline import register_labels
from routing import deadlines as deadline_engine
from routing import rules
from routing.models import Deadline, LateCircular, Urging, UrgingNotice, UrgingStep
from routing.workdays import Calendar, add_working_days, working_days_late

URGED = "routing.deadline.urged"
NOTICE_ISSUED = "routing.urging_notice.issued"
CIRCULATED = "routing.deadline.circulated"
# Working days from the urging notice to the circular (通报).
CIRCULAR_AFTER = 5


def format_notice_number(centre: Centre, year: int, seq: int) -> str:
    return f"{centre.code}-CB-{year}-{seq:04d}"


def open_deadline_q(prefix: str = "") -> Q:
    """A department's limit still open — running (paused or not), or overdue and not yet
    met — as a filter (``prefix``: the path to the limits)."""
    return Q(
        **{
            f"{prefix}department__isnull": False,
            f"{prefix}met_at__isnull": True,
            f"{prefix}status__in": [*Deadline.RUNNING, Deadline.Status.OVERDUE],
        }
    )


def urged_cases(department_id: int, dispute_ids) -> set[int]:
    """Of ``dispute_ids`` (a page's rows), the cases on which the department stands urged: an
    urging by hand or a notice on a limit of its still open. One query, one EXISTS per limit
    of the department on those cases."""
    ids = list(dispute_ids)
    if not ids:
        return set()
    urged = Exists(Urging.objects.filter(deadline=OuterRef("pk"))) | Exists(
        UrgingNotice.objects.filter(deadline=OuterRef("pk"))
    )
    return set(
        Deadline.objects.filter(open_deadline_q(), dispute_id__in=ids, department_id=department_id)
        .filter(urged)
        .order_by()
        .values_list("dispute_id", flat=True)
    )


def mark_urged(rows, user, *, dispute_id=lambda row: row.pk) -> None:
    """Set ``urged`` on each row of a queue page (cases, or rows naming one by ``dispute_id``)
    for the user's department; rows of a user who is no officer are never urged."""
    rows = list(rows)
    department_id = rules.officer_department(user)
    urged = urged_cases(department_id, {dispute_id(r) for r in rows}) if department_id else set()
    for row in rows:
        row.urged = dispute_id(row) in urged


def attach_notices(notifications) -> None:
    """Set ``urging_notice`` on each inbox row announcing an urging notice (the notice its
    message names), so the inbox links the PDF; one query for the page."""
    rows = [n for n in notifications if n.kind == "routing.urging_notice" and n.dispute_id]
    by_case: dict[int, list[UrgingNotice]] = {}
    if rows:
        for notice in UrgingNotice.objects.filter(dispute_id__in={n.dispute_id for n in rows}):
            by_case.setdefault(notice.dispute_id, []).append(notice)
    for n in rows:
        n.urging_notice = next(
            (u for u in by_case.get(n.dispute_id, []) if u.number in n.message), None
        )


def _stage_text(deadline: Deadline) -> str:
    return deadline.get_stage_display()


@clock.settable
def deadline_urge(*, deadline: Deadline, actor, note: str) -> Urging:
    """Urge the department responsible for ``deadline`` on (催办), with a note."""
    note = (note or "").strip()
    if not note:
        raise DisputeError(_("Say what the department is urged to do."))
    with transaction.atomic():
        dispute = (
            Dispute.objects.select_for_update(of=("self",))
            .select_related("jurisdiction", "centre")
            .get(pk=deadline.dispute_id)
        )
        if not rules.can_urge(dispute, actor):
            raise ActionNotPermitted(
                _(
                    "Only the coordinator of the owning centre, the county's leading-group "
                    "office or a supervisor of the area urges a department."
                )
            )
        locked = (
            Deadline.objects.select_for_update(of=("self",))
            .select_related("department")
            .get(pk=deadline.pk)
        )
        locked.dispute = dispute
        if not dispute.is_open or not rules.is_urgeable(locked):
            raise DisputeError(
                _("“%(stage)s” is closed (or waits on the payer): there is nothing to urge.")
                % {"stage": _stage_text(locked)}
            )
        urging = Urging.objects.create(
            dispute=dispute, deadline=locked, department=locked.department, by=actor, note=note
        )
        timeline_add(
            dispute=dispute,
            actor=actor,
            action=URGED,
            note=note,
            data={"stage": _stage_text(locked), "department": locked.department.name},
        )
        who = getattr(getattr(actor, "staff", None), "full_name", "") or actor.get_username()
        notify(
            users=deadline_engine.officers_of(locked.department)
            or deadline_engine.responsible_people(locked),
            dispute=dispute,
            kind="routing.urged",
            message=_("Case %(number)s: %(who)s urges “%(stage)s” on (due %(due)s). %(note)s")
            % {
                "number": dispute.number,
                "who": who,
                "stage": _stage_text(locked),
                "due": chinese_date(locked.due_at),
                "note": note,
            },
        )
    return urging


# -- the sweep's ladder ---------------------------------------------------------------------


def notice_threshold(now: datetime.datetime) -> datetime.datetime:
    """Limits due before this moment are owed a notice now: those due before the latest
    working day up to today, i.e. whose first working day after the due day has come."""
    today = timezone.localtime(now).date()
    calendar = Calendar(today - datetime.timedelta(days=31), today)
    day = today
    while not calendar.is_working_day(day):
        day -= datetime.timedelta(days=1)
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)


def due_for_notice(now: datetime.datetime):
    """What the notice step has to do now, through the partial index ``deadline_urging_due``."""
    return Deadline.objects.filter(
        status=Deadline.Status.OVERDUE,
        met_at__isnull=True,
        department__isnull=False,
        urging_step=UrgingStep.NONE,
        due_at__lt=notice_threshold(now),
    ).order_by("due_at")


def due_for_circular(now: datetime.datetime):
    """What the circular step has to do now, through the partial index ``deadline_circular_due``."""
    return Deadline.objects.filter(
        status=Deadline.Status.OVERDUE,
        met_at__isnull=True,
        urging_step=UrgingStep.NOTICE,
        circular_on__lte=timezone.localtime(now).date(),
    ).order_by("circular_on")


def _load(pk: int) -> Deadline:
    return Deadline.objects.select_related(
        "dispute__jurisdiction", "dispute__centre", "department"
    ).get(pk=pk)


def issue_notice(pk: int, now: datetime.datetime, cache: dict | None = None) -> bool:
    """The notice step for one limit: claim it, number and write the notice, tell the
    department's officers and the owning centre's coordinators. False: nothing was due."""
    cache = {} if cache is None else cache
    today = timezone.localtime(now).date()
    with transaction.atomic():
        claimed = Deadline.objects.filter(
            pk=pk,
            status=Deadline.Status.OVERDUE,
            met_at__isnull=True,
            department__isnull=False,
            urging_step=UrgingStep.NONE,
        ).update(urging_step=UrgingStep.NOTICE, circular_on=add_working_days(today, CIRCULAR_AFTER))
        if not claimed:
            return False
        deadline = _load(pk)
        dispute = deadline.dispute
        days_late = working_days_late(deadline.due_at, now)
        try:
            with transaction.atomic():  # the number and the row, or neither
                seq = counter_take(
                    CaseCounter,
                    centre=dispute.centre,
                    year=today.year,
                    series=CaseCounter.Series.URGING,
                )
                notice = UrgingNotice.objects.create(
                    deadline=deadline,
                    dispute=dispute,
                    department=deadline.department,
                    centre=dispute.centre,
                    number=format_notice_number(dispute.centre, today.year, seq),
                    issued_at=now,
                    days_late=days_late,
                )
        except IntegrityError:  # written already: that notice stands, no number is lost
            return False
        timeline_add(
            dispute=dispute,
            actor=None,
            action=NOTICE_ISSUED,
            data={
                "number": notice.number,
                "stage": _stage_text(deadline),
                "department": deadline.department.name,
                "days_late": days_late,
            },
        )
        people = deadline_engine.responsible_people(deadline, cache) + _cached(
            cache,
            ("coordinators", dispute.centre_id),
            lambda: deadline_engine.coordinators_of(dispute.centre),
        )
        notify(
            users=people,
            dispute=dispute,
            kind="routing.urging_notice",
            message=_(
                "Urging notice %(notice)s to %(department)s: case %(number)s, “%(stage)s” was "
                "due on %(due)s and is %(days)d working days late."
            )
            % {
                "notice": notice.number,
                "department": deadline.department.name,
                "number": dispute.number,
                "stage": _stage_text(deadline),
                "due": chinese_date(deadline.due_at),
                "days": days_late,
            },
        )
    return True


def issue_circular(pk: int, now: datetime.datetime, cache: dict | None = None) -> bool:
    """The circular step for one limit: claim it, write the 通报 entry, tell the county's
    leading-group office. False: nothing was due."""
    cache = {} if cache is None else cache
    with transaction.atomic():
        claimed = Deadline.objects.filter(
            pk=pk,
            status=Deadline.Status.OVERDUE,
            met_at__isnull=True,
            urging_step=UrgingStep.NOTICE,
        ).update(urging_step=UrgingStep.CIRCULAR)
        if not claimed:
            return False
        deadline = _load(pk)
        dispute = deadline.dispute
        days_late = working_days_late(deadline.due_at, now)
        try:
            with transaction.atomic():
                LateCircular.objects.create(
                    deadline=deadline,
                    dispute=dispute,
                    department=deadline.department,
                    issued_at=now,
                    days_late=days_late,
                )
        except IntegrityError:
            return False
        office = deadline_engine.lgo_centre_for(dispute)
        if office is not None and office.group_id:
            # The office is told of the case: it may read it (and its urging notice) from now.
            access_by_rule(
                dispute=dispute,
                group=office.group,
                reason=_("Circulated as late: the leading-group office follows the case."),
            )
        timeline_add(
            dispute=dispute,
            actor=None,
            action=CIRCULATED,
            data={
                "stage": _stage_text(deadline),
                "department": deadline.department.name,
                "days_late": days_late,
            },
        )
        notify(
            users=_cached(
                cache,
                ("lgo", dispute.jurisdiction_id),
                lambda: deadline_engine.leading_group_office_for(dispute),
            ),
            dispute=dispute,
            kind="routing.circular",
            message=_(
                "Circular: %(department)s has still not met “%(stage)s” of case %(number)s, due "
                "on %(due)s, five working days after its urging notice (%(days)d working days "
                "late)."
            )
            % {
                "department": deadline.department.name,
                "stage": _stage_text(deadline),
                "number": dispute.number,
                "due": chinese_date(deadline.due_at),
                "days": days_late,
            },
        )
    return True


def _cached(cache: dict, key, find):
    if key not in cache:
        cache[key] = find()
    return cache[key]


register_labels(
    {
        URGED: gettext_lazy("Department urged (催办)"),
        NOTICE_ISSUED: gettext_lazy("Urging notice issued"),
        CIRCULATED: gettext_lazy("Department circulated for a late limit (通报)"),
    }
)
