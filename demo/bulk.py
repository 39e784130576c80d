"""Many more cases, fast: bulk inserts with the fields, time limits and sub-tasks each state
implies.

A generated case is not played through the services, so nothing but this module makes its
history and fields agree with the state machine. Three checks keep them in step with it: each
history is walked through the transitions of disputes/models.py (``check_histories``, at every
run); each case built is held against disputes/invariants.py (``check_cases``), and its clocks
and sub-tasks (demo.schedule, replaying routing.deadlines and consultations.handlers) against
routing/invariants.py (``check_schedules``), before its batch is written. Any of them raises
``OutOfStep``, so that ``load_demo --cases N`` itself fails.

The rows go to the database past the ORM (demo.rows: COPY on PostgreSQL), keys taken first;
a million cases, with their five or six clocks each, take about a quarter of an hour.
"""

import datetime
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, reset_queries, transaction
from django.db.models import Q
from django.utils import timezone

from consultations.models import DepartmentTask
from demo.organisation import DEFAULT_SEED, TOWNS, Demo
from demo.rows import Table, reserve_ids
from demo.schedule import Schedule, Scheduler, WorkingDays
from demo.texts import (
    OBJECTION_OUTCOMES,
    ON_SPOT_NOTES,
    OPINIONS,
    PROFILES,
    WITHDRAWAL_REASONS,
    PayerMaker,
    compose_case,
)
from departments.models import Centre, Jurisdiction
from disputes import fsm, reach
from disputes.fsm import next_states
from disputes.invariants import CLASSIFICATIONS, violations
from disputes.models import (
    CaseCounter,
    CaseReach,
    Category,
    Channel,
    Classification,
    Dispute,
    InsuranceType,
    ObjectionRoute,
    Party,
    Payer,
    State,
    TimelineEntry,
    payer_kind_of,
)
from disputes.services import counter_take, format_archive_number, format_case_number
from routing.deadlines import government_office_for, lgo_centre_for
from routing.invariants import deadline_violations
from routing.models import (
    Accountability,
    Deadline,
    DeadlineNotice,
    DeadlinePolicy,
    Referral,
    RoutingRule,
    Stage,
    Transfer,
    UrgingStep,
)

# -- many more cases, fast -----------------------------------------------------------------

CHANNEL_WEIGHTS = {
    "window": 34, "hotline_12345": 10, "hotline_12366": 9, "hotline_12333": 6,
    "hotline_12393": 5, "hr_website": 3, "medical_website": 2, "etax": 8, "tax_app": 7,
    "wechat": 5, "government_referral": 3, "grid_mediator": 5, "petition": 3,
}  # fmt: skip
TOWN_WEIGHTS = {"140830100": 50, "140830101": 33, "140830102": 17}
TOWN_CENTRES = {"140830100": "GW", "140830101": "FLD", "140830102": "MN"}

# Which state a generated case is in, by how many days ago it came in: recent cases are mostly
# open, older ones mostly closed and archived, with a tail of old open (overdue) ones.
STATE_WEIGHTS_BY_AGE = [
    (3, {
        State.REGISTERED: 30, State.RESOLVED_ON_SPOT: 18, State.REFERRED: 4,
        State.JOINT_HANDLING: 30, State.ESCALATED: 5, State.SPECIAL_HANDLING: 1,
        State.AWAITING_REPLY: 5, State.REPLIED: 2, State.CLOSED: 2, State.ARCHIVED: 1,
        State.WITHDRAWN: 2,
    }),
    (14, {
        State.REGISTERED: 4, State.RESOLVED_ON_SPOT: 14, State.REFERRED: 3,
        State.JOINT_HANDLING: 22, State.ESCALATED: 3, State.SPECIAL_HANDLING: 4,
        State.AWAITING_REPLY: 12, State.REPLIED: 12, State.OBJECTED: 3, State.CLOSED: 12,
        State.ARCHIVED: 8, State.WITHDRAWN: 3,
    }),
    (45, {
        State.REGISTERED: 1, State.RESOLVED_ON_SPOT: 8, State.REFERRED: 1,
        State.JOINT_HANDLING: 5, State.ESCALATED: 1, State.SPECIAL_HANDLING: 3,
        State.AWAITING_REPLY: 4, State.REPLIED: 6, State.OBJECTED: 4, State.CLOSED: 25,
        State.ARCHIVED: 38, State.WITHDRAWN: 4,
    }),
    (None, {
        State.REGISTERED: 0.2, State.RESOLVED_ON_SPOT: 4, State.REFERRED: 0.2,
        State.JOINT_HANDLING: 0.8, State.ESCALATED: 0.2, State.SPECIAL_HANDLING: 0.6,
        State.AWAITING_REPLY: 0.5, State.REPLIED: 1.5, State.OBJECTED: 2, State.CLOSED: 12,
        State.ARCHIVED: 74, State.WITHDRAWN: 4,
    }),
]  # fmt: skip

# The steps behind each state, with how many days each takes (low, high).
EVENT_DAYS = {
    "transfer": (0.01, 0.2), "refer": (0.05, 0.5), "on_spot": (0.005, 0.03),
    "classify": (0.02, 1.5), "classify_major": (0.02, 1.5), "escalate": (2, 6),
    "approve": (0.5, 3), "decide": (5, 15), "consolidate": (2, 12), "reply": (0.3, 3),
    "accept": (1, 6), "object": (1, 8), "outcome": (10, 40), "archive": (1, 10),
    "withdraw": (0.5, 10),
}  # fmt: skip
GENERAL = ("classify", "consolidate", "reply")
MAJOR = ("classify_major", "approve", "decide", "reply")
# How a case reached its reply: mostly joint handling, sometimes as a major matter.
REPLY_ROUTES = [(88, GENERAL), (12, MAJOR)]


def _then(routes, *events, weight: float = 1):
    return [(w * weight, (*history, *events)) for w, history in routes]


# The histories behind each state, with their weights (an archived case: those of the state
# it was archived from, then "archive").
HISTORIES: dict[str, list[tuple[float, tuple[str, ...]]]] = {
    State.REGISTERED: [(1, ())],
    State.REFERRED: [(1, ("refer",))],
    State.RESOLVED_ON_SPOT: [(1, ("on_spot",))],
    State.JOINT_HANDLING: [(1, ("classify",))],
    State.ESCALATED: [(40, ("classify", "escalate")), (60, ("classify_major",))],
    State.SPECIAL_HANDLING: [(1, ("classify_major", "approve"))],
    State.AWAITING_REPLY: [(w, history[:-1]) for w, history in REPLY_ROUTES],
    State.REPLIED: REPLY_ROUTES,
    State.OBJECTED: _then(REPLY_ROUTES, "object"),
    State.CLOSED: [
        *_then(REPLY_ROUTES, "accept", weight=85),
        *_then(REPLY_ROUTES, "object", "outcome", weight=15),
    ],
    State.WITHDRAWN: [(50, ("withdraw",)), (50, ("classify", "withdraw"))],
}
ARCHIVED_FROM = {State.CLOSED: 78, State.RESOLVED_ON_SPOT: 17, State.WITHDRAWN: 5}

# The transition of disputes.models.Dispute each event stands for; classify() as what.
TRANSITIONS = {
    "transfer": "transfer", "refer": "refer", "on_spot": "classify", "classify": "classify",
    "classify_major": "classify", "escalate": "escalate", "approve": "approve",
    "decide": "decide", "consolidate": "consolidate", "reply": "reply", "accept": "accept",
    "object": "lodge_objection", "outcome": "record_outcome", "archive": "archive",
    "withdraw": "withdraw",
}  # fmt: skip
# The timeline action of each event: the one its transition records (disputes.fsm.custom).
ACTIONS = {event: fsm.custom(Dispute, name)["action"] for event, name in TRANSITIONS.items()}
CLASSIFIES_AS = {
    "on_spot": Classification.SIMPLE,
    "classify": Classification.GENERAL,
    "classify_major": Classification.MAJOR,
}


class OutOfStep(RuntimeError):
    """The generator writes cases the state machine of disputes/models.py cannot produce."""


def histories(state: str) -> list[tuple[float, tuple[str, ...]]]:
    """Every history the generator may give a case that ends in ``state``, with its weight."""
    if state != State.ARCHIVED:
        return HISTORIES[state]
    found = []
    for before, share in ARCHIVED_FROM.items():
        paths = HISTORIES[before]
        total = sum(w for w, _ in paths)
        found += [(share * w / total, (*events, "archive")) for w, events in paths]
    return found


def _events_for(state: str, rng: random.Random) -> tuple[str, ...]:
    """A plausible history that ends in ``state``."""
    weights, paths = zip(*histories(state), strict=True)
    return rng.choices(paths, weights=weights)[0]


def walk(events: tuple[str, ...]) -> str:
    """The state the case's transitions reach from REGISTERED when fired in the order of
    ``events``; OutOfStep when one of them cannot fire where the case is by then."""
    state = State.REGISTERED
    for event in events:
        name = TRANSITIONS[event]
        fired = next_states(Dispute, name, state)
        targets = fired
        if event in CLASSIFIES_AS:
            # classify() returns its state: the one of its targets that admits the classification.
            given = CLASSIFIES_AS[event]
            targets = tuple(t for t in fired if given in CLASSIFICATIONS.get(t, ()))
        if len(targets) != 1:
            why = (
                f"{name}() does not fire in state {state}"
                if not fired
                else f"{name}() leads from {state} to {sorted(map(str, fired))}: which for {event}?"
            )
            raise OutOfStep(f"The demo history {' → '.join(events)}: {why}.")
        state = targets[0]
    return state


def check_histories(table: dict[str, list[tuple[float, tuple[str, ...]]]]) -> None:
    """Each history, with or without a transfer first, reaches the state it is meant for."""
    for state, paths in table.items():
        for _, events in paths:
            for history in (events, ("transfer", *events)):
                reached = walk(history)
                if reached != state:
                    raise OutOfStep(
                        f"The demo history {' → '.join(history) or '(none)'} is meant to end in "
                        f"{state}, but the transitions of Dispute lead to {reached}."
                    )


def check_cases(cases: list[Dispute]) -> None:
    """Refuse cases whose fields are not what their state implies (disputes.invariants)."""
    wrong = [(case, found) for case in cases if (found := violations(case))]
    if wrong:
        shown = "\n".join(f"  {case.number}: {'; '.join(found)}" for case, found in wrong[:5])
        raise OutOfStep(
            f"{len(wrong)} of {len(cases)} generated cases break the state invariants of "
            f"disputes/invariants.py; none was written:\n{shown}"
        )


def check_schedules(made: list["_Made"], *, now) -> None:
    """Refuse cases whose clocks and sub-tasks are not what their history leaves behind
    (routing.invariants), as check_cases refuses their fields."""
    wrong = []
    for one in made:
        tasks = [(_task_status(task), task.clock) for task in one.schedule.tasks]
        found = deadline_violations(one.case, one.schedule.clocks, tasks, now=now)
        if found:
            wrong.append(found)
    if wrong:
        shown = "\n".join(f"  {'; '.join(found)}" for found in wrong[:5])
        raise OutOfStep(
            f"{len(wrong)} of {len(made)} generated cases have clocks or sub-tasks their "
            f"history cannot leave (routing/invariants.py); none was written:\n{shown}"
        )


def _task_status(task) -> str:
    if task.answered_at is not None:
        return DepartmentTask.Status.ANSWERED
    return DepartmentTask.Status.WITHDRAWN if task.withdrawn else DepartmentTask.Status.PENDING


@dataclass
class _Made:
    """One generated case in memory, with what its rows are made of."""

    case: Dispute
    payers: list[Payer]
    sides: list[str]
    type_ids: list[int]
    co_ids: list[int]
    events: tuple[str, ...]
    times: dict
    schedule: Schedule


@dataclass
class _Batch:
    cases: list[_Made] = field(default_factory=list)
    payers: list[Payer] = field(default_factory=list)  # new ones, to write
    new_employers: list[Payer] = field(default_factory=list)


class CaseGenerator:
    """Adds cases in bulk (demo.rows): a few statements per batch and table, none per case."""

    def __init__(self, demo: Demo, *, seed: int, days: int, now: datetime.datetime):
        self.demo = demo
        self.rng = random.Random(seed)
        self.days = days
        self.now = now
        used = set(Payer.objects.values_list("id_number", flat=True))
        self.maker = PayerMaker(self.rng, used, timezone.localdate(now))
        self.categories = {c.code: c for c in Category.objects.filter(code__in=PROFILES)}
        self.types = {t.code: t for t in InsuranceType.objects.all()}
        self.type_names = {code: t.name for code, t in self.types.items()}
        self.channels = {c.code: c for c in Channel.objects.filter(code__in=CHANNEL_WEIGHTS)}
        self.rules = self._rules()
        self.employers: list[Payer] = []  # saved employers that later cases may name again
        self.villages = {town["code"]: [code for code, _ in town["villages"]] for town in TOWNS}
        # Once per run: a transition that changed fails here, before anything is written.
        check_histories({state: histories(state) for state in State.values})
        self.targets: dict[tuple[str, ...], list[str]] = {}
        self.scheduler = self._scheduler()
        some_place = next(iter(demo.places.values()))
        probe = Dispute(jurisdiction=some_place)
        lgo = lgo_centre_for(probe)
        gov = government_office_for(probe)
        self.lgo_id = lgo.pk if lgo else None
        self.gov_id = gov.pk if gov else None
        self.department_kinds = {d.pk: kind for kind, d in demo.departments.items()}
        self.officer_ids = {
            demo.departments[kind].pk: user.pk for kind, user in demo.officers.items()
        }

    def _scheduler(self) -> Scheduler:
        """Deadline policies and the working-day calendar, loaded once for the whole run."""
        days = {}
        categories = list(Category.objects.values_list("pk", flat=True))
        policies = list(DeadlinePolicy.objects.prefetch_related("categories"))
        for stage in Stage.values:
            rows = [p for p in policies if p.stage == stage]
            default = next((p.working_days for p in rows if not p.categories.all()), None)
            for category_id in categories:
                named = next(
                    (p.working_days for p in rows if category_id in
                     {c.pk for c in p.categories.all()}),
                    None,
                )  # fmt: skip
                days[stage, category_id] = named or default or 10
        today = timezone.localdate(self.now)
        working = WorkingDays(
            today - datetime.timedelta(days=self.days + 10), today + datetime.timedelta(days=400)
        )
        answering = {self.demo.departments[kind].pk for kind in self.demo.officers}
        return Scheduler(
            working=working, days=days, now=self.now, rng=self.rng, answering=answering
        )

    def _targets(self, events: tuple[str, ...]) -> list[str]:
        """The state each event of a history leads to (walked once per distinct history)."""
        found = self.targets.get(events)
        if found is None:
            found = self.targets[events] = [walk(events[: i + 1]) for i in range(len(events))]
        return found

    def _rules(self) -> dict[int, list[RoutingRule]]:
        rules = defaultdict(list)
        qs = RoutingRule.objects.filter(
            Q(county__isnull=True) | Q(county=self.demo.county), active=True
        ).prefetch_related("co_departments")
        for rule in qs:
            co = rule.co_departments.all()
            rule.co_ids = [d.pk for d in co if d.pk != rule.lead_department_id]
            rules[rule.category_id].append(rule)
        return rules

    def _route(self, category_id: int, type_ids: list[int]) -> RoutingRule | None:
        """The same choice as routing.services.routing_propose, from memory."""
        candidates = [
            r for r in self.rules[category_id]
            if r.insurance_type_id is None or r.insurance_type_id in type_ids
        ]  # fmt: skip
        return max(
            candidates,
            key=lambda r: (r.insurance_type_id is not None, r.county_id is not None),
            default=None,
        )

    def run(self, count: int, *, batch_size: int, progress: Callable | None = None) -> int:
        span = self.days * 86400
        moments = sorted(
            self.now - datetime.timedelta(seconds=self.rng.uniform(600, span)) for _ in range(count)
        )
        done = 0
        for start in range(0, count, batch_size):
            batch = _Batch()
            for received in moments[start : start + batch_size]:
                self._case(batch, received)
            self._write(batch)
            done += len(batch.cases)
            if progress:
                progress(done, count)
        return done

    # -- one case, in memory --------------------------------------------------------------

    def _case(self, batch: _Batch, received: datetime.datetime) -> None:
        rng, demo = self.rng, self.demo
        town = rng.choices(list(TOWN_WEIGHTS), weights=list(TOWN_WEIGHTS.values()))[0]
        place_code = rng.choice(self.villages[town]) if rng.random() < 0.8 else town
        place = demo.places[place_code]
        centre = demo.centres[TOWN_CENTRES[town]]
        # Nobody works at 陌南镇's window in the demo: its cases come in at 古魏镇 and move on.
        registered_at = demo.centres["FLD"] if centre.code == "FLD" else demo.centres["GW"]
        first_responder = demo.users["clerk_fld" if registered_at.code == "FLD" else "clerk"]
        channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
        reported_by = None
        if channel == "grid_mediator" and place_code == "140830100201":
            reported_by = first_responder = demo.users["mediator"]

        category_code = rng.choices(
            list(PROFILES), weights=[p["weight"] for p in PROFILES.values()]
        )[0]
        template = rng.choice(PROFILES[category_code]["templates"])
        payers, sides = self._payers(batch, template.kind, place, received)
        person = next((p.name for p in payers if p.kind != Payer.Kind.EMPLOYER), "")
        employer = next((p.name for p in payers if p.kind == Payer.Kind.EMPLOYER), "")
        large = category_code == "collection_arrears" and rng.random() < 0.08
        text = compose_case(
            rng,
            category_code,
            template,
            received=timezone.localdate(received),
            person=person,
            employer=employer or self.maker.employer_name(),
            type_names=self.type_names,
            amount_range=(500_000, 3_000_000) if large else None,
        )
        category = self.categories[category_code]
        type_ids = [self.types[code].pk for code in template.types]

        age = (self.now - received).days
        weights = next(w for limit, w in STATE_WEIGHTS_BY_AGE if limit is None or age < limit)
        state = rng.choices(list(weights), weights=list(weights.values()))[0]
        events = _events_for(state, rng)
        if centre != registered_at:
            events = ("transfer", *events)
        times = self._times(events, received)

        case = Dispute(
            centre=centre,
            registered_centre=registered_at,
            first_responder=first_responder,
            reported_by=reported_by,
            received_at=received,
            channel=self.channels[channel],
            jurisdiction=place,
            category=category,
            amount=text.amount,
            period_start=text.period_start,
            period_end=text.period_end,
            claim=text.claim,
            summary=text.summary,
            is_group_dispute=len(payers) >= 3,
            # The first payer is the representative (the parties' rows below).
            payer_kind=payer_kind_of(payers[0].kind),
            is_public_opinion_risk=rng.random() < 0.01,
            is_large_arrears=large,
            state=state,
        )
        rule = self._route(category.pk, type_ids)
        co_ids = self._apply(case, events, times, rule, category)
        case.created_at = received
        case.updated_at = max(times.values(), default=received)
        schedule = self.scheduler.schedule(
            case=case,
            events=events,
            times=times,
            targets=self._targets(events),
            registered_centre_id=registered_at.pk,
            co_ids=co_ids,
            lgo_id=self.lgo_id,
            gov_id=self.gov_id,
        )
        batch.cases.append(_Made(case, payers, sides, type_ids, co_ids, events, times, schedule))

    def _payers(self, batch: _Batch, kind: str, place: Jurisdiction, received):
        """New payers for a case (an employer may be one seen before), and their sides."""
        label = self.demo.labels[place.code]
        if kind == "pair":
            count = self.rng.randint(3, 6) if self.rng.random() < 0.03 else 1
            people = [self.maker.person(Payer.Kind.EMPLOYEE, place, label) for _ in range(count)]
        elif kind == "employer":
            people = []
        else:
            people = [self.maker.person(kind, place, label)]
        payers = [Payer(**vars(data), created_at=received) for data in people]
        batch.payers += payers
        sides = [Party.Side.APPLICANT] * len(payers)
        if kind in ("employer", "pair"):
            payers.append(self._employer(batch, place, received))
            sides.append(Party.Side.COUNTERPARTY if kind == "pair" else Party.Side.APPLICANT)
        return payers, sides

    def _employer(self, batch: _Batch, place: Jurisdiction, received) -> Payer:
        if self.employers and self.rng.random() < 0.35:
            return self.rng.choice(self.employers)
        employer = Payer(**vars(self.maker.employer(place)), created_at=received)
        batch.payers.append(employer)
        batch.new_employers.append(employer)
        return employer

    def _times(self, events: tuple[str, ...], received: datetime.datetime) -> dict:
        """When each event happened: drawn durations, squeezed to fit before now."""
        durations = [self.rng.uniform(*EVENT_DAYS[e]) for e in events]
        # Everything happens between receipt and a moment before now (a case received a few
        # minutes ago has its steps in those minutes).
        available = max((self.now - received).total_seconds() / 86400 - 0.001, 0.0)
        total = sum(durations)
        scale = min(1.0, available / total) if total else 1.0
        times, at = {}, received
        for event, days in zip(events, durations, strict=True):
            at += datetime.timedelta(days=days * scale)
            times[event] = at
        return times

    def _apply(self, case: Dispute, events, times, rule, category) -> list[int]:
        """Fill in the fields the history implies; returns the co-handling department ids."""
        co_ids: list[int] = []
        for event in events:
            at = times[event]
            if event in ("classify", "classify_major"):
                case.classification = (
                    Classification.MAJOR if event == "classify_major" else Classification.GENERAL
                )
                case.classified_at = at
                if rule is not None:
                    case.lead_department_id = rule.lead_department_id
                    co_ids = rule.co_ids
                if event == "classify_major":
                    case.escalated_at = at
                    case.escalation_reason = "涉及金额较大、政策性强，按重大疑难事项上报。"
            elif event == "refer":
                case.referred_at = at
            elif event == "on_spot":
                case.classification = Classification.SIMPLE
                case.classified_at = case.closed_at = at
                case.handling_opinion = ON_SPOT_NOTES.get(
                    category.code, "当场向缴费人解释政策并办结。"
                )
            elif event == "escalate":
                case.classification = Classification.MAJOR
                case.escalated_at = at
                case.escalation_reason = "工作专班无法办结，按重大疑难事项报领导小组办公室。"
            elif event in ("consolidate", "decide"):
                case.handling_opinion = (
                    "经相关部门联合核实，缴费人反映情况基本属实，由相关部门按职责更正信息、"
                    "办理费款事宜，并将办理结果告知缴费人。"
                )
            elif event == "reply":
                case.reply_text = (
                    f"您反映的{category.name}问题，经相关部门联合办理，处理意见如下："
                    f"{case.handling_opinion}如对处理结果有异议，可依法申请调解、行政复议、"
                    "仲裁或提起行政诉讼。"
                )
                case.replied_at = at
            elif event == "object":
                case.objection_route = self.rng.choice(ObjectionRoute.values)
            elif event == "outcome":
                case.objection_outcome = OBJECTION_OUTCOMES[case.objection_route]
                case.closed_at = at
            elif event == "accept":
                case.closed_at = at
            elif event == "withdraw":
                case.withdrawal_reason = self.rng.choice(WITHDRAWAL_REASONS)
                case.closed_at = at
            elif event == "archive":
                case.archived_at = at
            elif event not in ("transfer", "approve"):  # they set no field of the case
                raise OutOfStep(f"No fields known for the demo event {event!r}.")
        return co_ids

    # -- one batch, to the database -------------------------------------------------------

    def _write(self, batch: _Batch) -> None:
        disputes = [made.case for made in batch.cases]
        archived = [case for case in disputes if case.archived_at is not None]
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Generated data: a crash loses the last batches, never the database's state.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            self._number(disputes, archived)
            check_cases(disputes)
            check_schedules(batch.cases, now=self.now)
            tables = self._rows(batch)
            for table in tables:
                table.write()
        self.employers += batch.new_employers
        # With DEBUG on Django keeps every query's SQL; bulk inserts would fill memory with them.
        reset_queries()

    @staticmethod
    def _number(disputes: list[Dispute], archived: list[Dispute]) -> None:
        _take_numbers(disputes, "number", "registered_centre", "received_at",
                      CaseCounter.Series.CASE, format_case_number)  # fmt: skip
        _take_numbers(archived, "archive_number", "centre", "archived_at",
                      CaseCounter.Series.ARCHIVE, format_archive_number)  # fmt: skip

    def _rows(self, batch: _Batch) -> list[Table]:
        """Every row of the batch, keys taken first so that rows can name each other."""
        for payer, pk in zip(batch.payers, reserve_ids(Payer, len(batch.payers)), strict=True):
            payer.pk = payer.id = pk
        ids = reserve_ids(Dispute, len(batch.cases))
        clocks = [clock for made in batch.cases for clock in made.schedule.clocks]
        clock_ids = dict(zip(map(id, clocks), reserve_ids(Deadline, len(clocks)), strict=True))

        payers, cases = Table.of(Payer), Table.of(Dispute)
        parties = Table(Party, ["dispute_id", "payer_id", "side", "is_representative",
                                "phone", "address", "contact_person"])  # fmt: skip
        types = Table(Dispute.insurance_types.through, ["dispute_id", "insurancetype_id"])
        co = Table(Dispute.co_departments.through, ["dispute_id", "department_id"])
        timeline = Table(TimelineEntry, ["dispute_id", "at", "actor_id", "action", "from_state",
                                         "to_state", "note", "data"])  # fmt: skip
        deadlines = Table(Deadline, ["id", "dispute_id", "stage", "department_id", "centre_id",
                                     "assignee_id", "working_days", "started_at", "due_at",
                                     "remind_at", "reminded_at", "status", "met_at", "overdue_at",
                                     "days_late", "provisional", "paused_at", "urging_step",
                                     "circular_on"])  # fmt: skip
        notices = Table(DeadlineNotice, ["deadline_id", "kind", "due_at", "sent_at"])
        late = Table(Accountability, ["deadline_id", "dispute_id", "stage", "department_id",
                                      "centre_id", "days_late", "recorded_at"])  # fmt: skip
        tasks = Table(DepartmentTask, [f.attname for f in DepartmentTask._meta.concrete_fields
                                       if f.attname != "id"])  # fmt: skip
        referrals = Table(Referral, ["dispute_id", "summary", "opinion", "receiver_id",
                                     "receiver_phone", "received_at", "report_back_by",
                                     "contact_phone", "contact_email", "referred_at",
                                     "dispatched_to_id", "dispatched_by_id", "dispatched_at",
                                     "hotline_ticket"])  # fmt: skip
        transfers = Table(Transfer, ["dispute_id", "from_centre_id", "to_centre_id", "reason",
                                     "by_id", "at"])  # fmt: skip
        reaches = Table(CaseReach, ["dispute_id", "unit"])

        for payer in batch.payers:
            payers.add_instance(payer)
        for made, pk in zip(batch.cases, ids, strict=True):
            case = made.case
            case.pk = case.id = pk
            cases.add_instance(case)
            for index, (payer, side) in enumerate(zip(made.payers, made.sides, strict=True)):
                parties.add(pk, payer.pk, side, index == 0, "", "", "")
            for type_id in made.type_ids:
                types.add(pk, type_id)
            for department_id in made.co_ids:
                co.add(pk, department_id)
            timeline.add(pk, case.received_at, case.first_responder_id,
                         "disputes.case.registered", "", State.REGISTERED, "",
                         {"generated": True})  # fmt: skip
            # Each step of the history, as run_transition records it, by whom it falls to.
            before = State.REGISTERED
            for event, target in zip(made.events, self._targets(made.events), strict=True):
                timeline.add(pk, made.times[event], self._actor(case, event), ACTIONS[event],
                             before, target, "", {"generated": True})  # fmt: skip
                before = target
            self._deadline_rows(made, pk, clock_ids, deadlines, notices, late)
            for task in made.schedule.tasks:
                tasks.add(*self._task_row(made, pk, task, clock_ids))
            times = made.times
            if "refer" in made.events:
                referrals.add(pk, case.summary,
                              "该事项职责不清，请按12345政务服务便民热线运行机制转交承办部门办理。",
                              case.first_responder_id, "", case.received_at,
                              timezone.localdate(times["refer"]) + datetime.timedelta(days=7),
                              "", "", times["refer"], None, None, None, "")  # fmt: skip
            if "transfer" in made.events:
                place = case.jurisdiction
                transfers.add(pk, case.registered_centre_id, case.centre_id,
                              f"事项所在辖区为{place.name}，按属地管理原则内网转办"
                              f"{case.centre.name}。",
                              case.first_responder_id, times["transfer"])  # fmt: skip
            # Written past the signals: the reach rows come from the same derivation
            # (disputes.reach) as a saved case's.
            for unit in reach.row_units(
                centre_id=case.centre_id,
                first_responder_id=case.first_responder_id,
                reported_by_id=case.reported_by_id,
                lead_department_id=case.lead_department_id,
                co_ids=made.co_ids,
                group_ids=(),
            ):
                reaches.add(pk, unit)
        return [payers, cases, parties, types, co, timeline, deadlines, notices, late, tasks,
                referrals, transfers, reaches]  # fmt: skip

    def _actor(self, case: Dispute, event: str) -> int:
        """Who takes a step: the leader approves, the leading-group office decides, the
        centre's coordinator (where the demo has one) classifies as major, escalates and
        consolidates; the clerk who took the case does the rest."""
        users = self.demo.users
        if event == "approve":
            return users["leader"].pk
        if event == "decide":
            return users["lgo"].pk
        if event in ("classify_major", "escalate", "consolidate") and case.centre.code == "GW":
            return users["coordinator"].pk
        return case.first_responder_id

    @staticmethod
    def _deadline_rows(made: _Made, pk: int, clock_ids, deadlines, notices, late) -> None:
        for clock in made.schedule.clocks:
            deadline_id = clock_ids[id(clock)]
            deadlines.add(deadline_id, pk, clock.stage, clock.department_id, clock.centre_id,
                          None, clock.working_days, clock.started_at, clock.due_at,
                          clock.remind_at, clock.reminded_at, clock.status, clock.met_at,
                          clock.overdue_at, clock.days_late, clock.provisional,
                          # Not urged yet: the next sweep issues what the ladder owes.
                          None, UrgingStep.NONE, None)  # fmt: skip
            if clock.reminded_at is not None:
                notices.add(deadline_id, DeadlineNotice.Kind.REMINDER, clock.due_at,
                            clock.reminded_at)  # fmt: skip
            if clock.overdue_at is not None:
                notices.add(deadline_id, DeadlineNotice.Kind.OVERDUE, clock.due_at,
                            clock.overdue_at)  # fmt: skip
            if clock.late_recorded is not None:
                recorded_at, days_late = clock.late_recorded
                late.add(deadline_id, pk, clock.stage, clock.department_id, clock.centre_id,
                         days_late, recorded_at)  # fmt: skip

    def _task_row(self, made: _Made, pk: int, task, clock_ids) -> tuple:
        answered = task.answered_at is not None
        status = _task_status(task)
        kind = self.department_kinds.get(task.department_id)
        finding, basis, proposal = OPINIONS.get(kind, OPINIONS["tax"]) if answered else ("",) * 3
        values = {
            "dispute_id": pk,
            "department_id": task.department_id,
            "role": task.role,
            "round": 1,  # the generator draws no redo (重办)
            "status": status,
            "opened_at": task.opened_at,
            "finding": finding.format(period="相关期间") if answered else "",
            "basis": basis,
            "proposal": proposal,
            "amount_confirmed": made.case.amount if answered else None,
            "decline_reason": "",
            # Signed by the department's demo officer (only those answer: demo.schedule).
            "signed_by_id": self.officer_ids[task.department_id] if answered else None,
            "answered_at": task.answered_at,
            "deadline_id": clock_ids[id(task.clock)],
        }
        return tuple(values[f.attname] for f in DepartmentTask._meta.concrete_fields
                     if f.attname != "id")  # fmt: skip


def _take_numbers(cases, attr, centre_attr, moment_attr, series, formatted) -> None:
    """Number ``cases`` in their order in the series of their centre and year, taking each
    counter's numbers at once."""

    def key(case):
        return getattr(case, centre_attr), timezone.localtime(getattr(case, moment_attr)).year

    following = {k: _reserve(*k, series, n) for k, n in Counter(map(key, cases)).items()}
    for case in cases:
        k = key(case)
        setattr(case, attr, formatted(*k, following[k]))
        following[k] += 1


def _reserve(centre: Centre, year: int, series: str, count: int) -> int:
    """Take ``count`` numbers of a series at once; returns the first. Call inside atomic()."""
    last = counter_take(CaseCounter, count=count, centre=centre, year=year, series=series)
    return last - count + 1


def generate_cases(
    demo: Demo,
    count: int,
    *,
    seed: int = DEFAULT_SEED,
    days: int = 365,
    batch_size: int = 2000,
    progress: Callable | None = None,
) -> int:
    """Add ``count`` cases received over the last ``days`` days; returns how many were added."""
    if count <= 0:
        return 0
    generator = CaseGenerator(demo, seed=seed, days=days, now=timezone.now())
    return generator.run(count, batch_size=batch_size, progress=progress)
