"""The time limits and sub-tasks a generated case's history implies, computed in memory.

A case played through the services gets its deadlines from routing.deadlines' transition
handler and its departments' sub-tasks from consultations.handlers; a generated case is
written in bulk, past both, so this module replays their rules on the history the generator
drew: which stage each step opens, closes or cancels (``routing.deadlines.CLOSES`` and the
stages it opens), when each sub-task was answered, and what the beat sweep would have done
to each clock by now — the reminder the working day before, the overdue mark and its
accountability record the night after the due day, a late close's working days late.
``routing.invariants`` checks the result, as it checks cases played through the services.
"""

import bisect
import datetime
import functools
import random
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings

from consultations.handlers import OPENING_STATES, OPINION_STATES
from disputes.models import State
from routing.deadlines import CLOSES
from routing.models import Deadline, Stage
from routing.workdays import Calendar

# The moments the beat schedule sweeps the deadlines (routing.tasks: 00:10 and 09:05).
SWEEP_TIMES = (datetime.time(0, 10), datetime.time(9, 5))
CLOSED_STATES = (State.CLOSED, State.RESOLVED_ON_SPOT, State.WITHDRAWN)


@dataclass
class Clock:
    """One time limit of the case, and how it ended (``end``: None while it runs)."""

    stage: str
    department_id: int | None
    centre_id: int | None
    started_at: datetime.datetime
    working_days: int
    due_at: datetime.datetime
    remind_at: datetime.datetime
    provisional: bool
    end: datetime.datetime | None = None
    cancelled: bool = False
    # What the sweep and the close made of it by now (``settle``):
    status: str = Deadline.Status.OPEN
    met_at: datetime.datetime | None = None
    overdue_at: datetime.datetime | None = None
    reminded_at: datetime.datetime | None = None
    days_late: int = 0
    late_recorded: tuple[datetime.datetime, int] | None = None  # the accountability record

    @property
    def marked_at(self) -> datetime.datetime:
        """The first sweep after the due moment: when a running clock is marked overdue."""
        return next_sweep(self.due_at)

    def running_at(self, moment: datetime.datetime) -> bool:
        """Open or extended at ``moment`` (not yet ended, not yet marked overdue)."""
        return (self.end is None or self.end > moment) and self.marked_at > moment


@dataclass
class Task:
    """A department's sub-task; ``answered_at`` None while (or if never) answered."""

    department_id: int
    role: str
    opened_at: datetime.datetime
    clock: Clock
    answered_at: datetime.datetime | None = None
    withdrawn: bool = False


@dataclass
class Schedule:
    clocks: list[Clock] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)


@functools.cache
def _local_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def next_sweep(moment: datetime.datetime) -> datetime.datetime:
    local = moment.astimezone(_local_zone())
    day = local.date()
    for _ in range(2):
        for at in SWEEP_TIMES:
            candidate = datetime.datetime.combine(day, at, tzinfo=local.tzinfo)
            if candidate > local:
                return candidate
        day += datetime.timedelta(days=1)
    raise AssertionError("unreachable")


class WorkingDays:
    """The official working days of a date range, loaded once, for counting in memory (the
    same counting as routing.workdays: the start day is not counted)."""

    def __init__(self, start: datetime.date, end: datetime.date):
        self.calendar = Calendar(start, end)
        self.start, self.end = start, end
        days, day = [], start
        while day <= end:
            if self.calendar.is_working_day(day):
                days.append(day)
            day += datetime.timedelta(days=1)
        self.days = days
        self.tz = _local_zone()

    def add(self, start: datetime.date, count: int) -> datetime.date:
        index = bisect.bisect_right(self.days, start) + count - 1
        if index >= len(self.days):
            raise ValueError(f"{start} + {count} working days is past {self.end}")
        return self.days[index]

    def previous(self, day: datetime.date) -> datetime.date:
        return self.days[bisect.bisect_left(self.days, day) - 1]

    def between(self, start: datetime.date, end: datetime.date) -> int:
        return 0 if end <= start else self.calendar.count_between(start, end)

    def late(self, due_at: datetime.datetime, moment: datetime.datetime) -> int:
        if moment <= due_at:
            return 0
        due_day, day = due_at.astimezone(self.tz).date(), moment.astimezone(self.tz).date()
        return max(1, self.between(due_day, day))

    def provisional(self, start: datetime.date, due: datetime.date) -> bool:
        return any(not self.calendar.is_known_year(y) for y in range(start.year, due.year + 1))


class Scheduler:
    """Replays the deadline and sub-task rules on generated histories."""

    def __init__(
        self, *, working: WorkingDays, days: dict, now, rng: random.Random, answering=None
    ):
        self.working = working
        self.days = days  # (stage, category_id) → working days (routing.deadlines.policy_days)
        self.now = now
        self.rng = rng
        # The departments with an officer to sign their opinions (None: every department);
        # the others' sub-tasks are never answered: they run late and end with the stage.
        self.answering = answering

    def clock(self, stage, category_id, start, *, department_id=None, centre_id=None) -> Clock:
        working = self.working
        days = self.days[stage, category_id]
        start_day = start.astimezone(working.tz).date()
        due_day = working.add(start_day, days)
        due_at = datetime.datetime.combine(due_day, datetime.time(23, 59, 59), tzinfo=working.tz)
        remind = datetime.datetime.combine(
            working.previous(due_day), datetime.time(9, 0), tzinfo=working.tz
        )
        return Clock(
            stage=stage,
            department_id=department_id,
            centre_id=centre_id,
            started_at=start,
            working_days=days,
            due_at=due_at,
            remind_at=max(remind, start),
            provisional=working.provisional(start_day, due_day),
        )

    def schedule(
        self, *, case, events, times, targets, registered_centre_id, co_ids, lgo_id, gov_id
    ) -> Schedule:
        """The clocks and tasks of ``case`` after ``events`` (at ``times``), each leading to
        the state in ``targets``."""
        plan = Schedule()
        category = case.category_id

        def open_(stage, at, *, department_id=None, centre_id=None):
            clock = self.clock(
                stage, category, at, department_id=department_id, centre_id=centre_id
            )
            plan.clocks.append(clock)
            return clock

        def close(stages, at):
            for clock in plan.clocks:
                if clock.stage in stages and clock.end is None:
                    clock.end = at

        def cancel(at, stages=None):
            # routing.deadlines.cancel_deadlines: only what is still running.
            for clock in plan.clocks:
                if (stages is None or clock.stage in stages) and clock.running_at(at):
                    clock.end, clock.cancelled = at, True

        open_(Stage.CLASSIFICATION, case.received_at, centre_id=registered_centre_id)
        lead, centre = case.lead_department_id, case.centre_id
        state = State.REGISTERED
        for index, event in enumerate(events):
            at, target = times[event], targets[index]
            following = times[events[index + 1]] if index + 1 < len(events) else None
            name = "classify" if event in ("on_spot", "classify", "classify_major") else event
            name = {"object": "lodge_objection", "outcome": "record_outcome"}.get(name, name)
            if event == "withdraw":
                cancel(at)
            close(CLOSES.get(name, ()), at)
            if event == "escalate":
                cancel(at, (Stage.GENERAL_REPLY, Stage.REPORT_BACK))
            if event == "transfer":
                open_(Stage.TRANSFER_ACCEPTANCE, at, centre_id=centre)
            elif event == "refer":
                open_(Stage.REFERRAL_DISPATCH, at, department_id=gov_id)
            elif target == State.JOINT_HANDLING:
                open_(Stage.GENERAL_REPLY, at, department_id=lead, centre_id=centre)
            elif target == State.ESCALATED:
                open_(Stage.LEADER_APPROVAL, at, centre_id=lgo_id)
            elif event == "approve":
                open_(Stage.CONSULTATION_MEETING, at, centre_id=lgo_id)
                open_(Stage.MAJOR_REPLY, at, department_id=lead, centre_id=centre)
            elif target == State.AWAITING_REPLY:
                open_(Stage.REPORT_BACK, at, centre_id=centre)
            elif target == State.REPLIED:
                # The follow-up visit's limit (回访); the generator records no visits.
                open_(Stage.FOLLOW_UP, at, centre_id=centre)
            if target in CLOSED_STATES:
                open_(Stage.ARCHIVING, at, centre_id=centre)
            # consultations.handlers.sync_department_tasks
            if target in OPENING_STATES:
                self._open_tasks(plan, open_, lead, co_ids, at, following)
            elif target not in OPINION_STATES and state in OPINION_STATES:
                for task in plan.tasks:
                    if task.answered_at is None and not task.withdrawn:
                        task.withdrawn = True
                        self._cancel_clock(task.clock, at)
            state = target
        for clock in plan.clocks:
            self._settle(clock)
        return plan

    def _open_tasks(self, plan, open_, lead, co_ids, at, following) -> None:
        live = {t.department_id for t in plan.tasks if not t.withdrawn}
        wanted = ([(lead, "lead")] if lead else []) + [(pk, "co") for pk in co_ids]
        for department_id, role in wanted:
            if department_id in live:
                continue
            live.add(department_id)
            clock = open_(Stage.DEPARTMENT_OPINION, at, department_id=department_id)
            task = Task(department_id, role, at, clock)
            if self.answering is not None and department_id not in self.answering:
                plan.tasks.append(task)
                continue
            if following is not None:
                # The case moved on: every opinion was in before it did.
                answered = at + (following - at) * self.rng.uniform(0.15, 0.9)
            else:
                answered = at + datetime.timedelta(days=self.rng.uniform(0.2, 9))
                answered = answered if answered < self.now else None
            task.answered_at = answered
            if answered is not None:
                clock.end = answered
            plan.tasks.append(task)

    @staticmethod
    def _cancel_clock(clock: Clock, at) -> None:
        if clock.running_at(at):
            clock.end, clock.cancelled = at, True

    def _settle(self, clock: Clock) -> None:
        """What the sweeps (and the close) made of the clock by now."""
        now, working = self.now, self.working
        marked = clock.marked_at
        ended = clock.end if clock.end is not None and clock.end <= now else None
        if ended is not None and clock.cancelled:
            clock.status, clock.met_at = Deadline.Status.CANCELLED, ended
        elif ended is not None:
            late = working.late(clock.due_at, ended)
            clock.met_at, clock.days_late = ended, late
            clock.status = Deadline.Status.OVERDUE if late else Deadline.Status.MET
            if marked < ended:
                clock.overdue_at = marked
            if late:
                clock.late_recorded = (clock.overdue_at or ended, late)
        elif marked <= now:
            clock.status, clock.overdue_at = Deadline.Status.OVERDUE, marked
            clock.late_recorded = (marked, working.late(clock.due_at, marked))
        # The reminder: the first sweep after its moment, while the clock ran and was not due.
        reminder = next_sweep(clock.remind_at)
        last = min(clock.due_at, ended or now, now)
        if reminder < last:
            clock.reminded_at = reminder
