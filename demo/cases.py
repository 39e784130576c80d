"""The demo cases, played through the real services by the demo users."""

import datetime
import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import chinese_calendar
from django.db import transaction
from django.utils import timezone

from consultations.models import (
    AgendaItem,
    CourtEnforcement,
    DecisionTask,
    DepartmentTask,
    Meeting,
)
from consultations.services import (
    TaskData,
    agenda_add,
    court_report,
    decision_task_complete,
    dispute_approve,
    dispute_consolidate,
    dispute_escalate,
    item_decide,
    meeting_create,
    meeting_record_held,
    minutes_issue,
    minutes_save,
    minutes_sign_off,
    minutes_submit,
    opinion_give,
    supervision_open,
)
from demo.organisation import DEFAULT_SEED, Demo
from demo.texts import (
    OBJECTION_OUTCOMES,
    ON_SPOT_NOTES,
    OPINIONS,
    PROFILES,
    WITHDRAWAL_REASONS,
    PayerMaker,
    compose_case,
    month_label,
)
from departments.models import Jurisdiction
from disputes.followup import dispute_redo, record_follow_up
from disputes.models import (
    Category,
    Channel,
    Classification,
    Dispute,
    FollowUp,
    InsuranceType,
    ObjectionRoute,
    Party,
    Payer,
    Satisfaction,
)
from disputes.services import (
    PartyData,
    dispute_accept,
    dispute_archive,
    dispute_object,
    dispute_record_outcome,
    dispute_register,
    dispute_reply,
    dispute_withdraw,
)
from routing.services import (
    dispute_classify,
    dispute_dispatch,
    dispute_refer,
    dispute_transfer,
    routing_propose,
)

# -- the demo cases, driven through the services -------------------------------------------


class Scenario(NamedTuple):
    """One demo case: what happens to it (``steps``), what it is about and where.

    Steps: ``classify:simple|general|major``, ``transfer:<centre>``, ``refer``,
    ``dispatch:<department kind>``, ``opinion:<department kind>``, ``opinions`` (every pending
    department), ``consolidate``, ``escalate``, ``approve``, then the leading group's
    consultation: ``meeting`` (prepared, the case on its agenda), ``held`` (attendance),
    ``minutes`` (the decision and the draft), ``signoff`` (the leader signs), ``issue`` (the
    minutes issued move the case on), ``done`` (the departments carry out its tasks);
    ``reply``, ``accept``, ``object:<route>``, ``outcome``, ``archive``, ``withdraw``.
    ``template`` indexes the category's templates in PROFILES; ``days`` is how long ago the
    case came in.
    """

    steps: str
    category: str
    template: int
    centre: str
    place: str
    channel: str
    days: tuple[int, int] = (1, 55)
    flags: frozenset[str] = frozenset()


S = Scenario
GROUP, OPINION_RISK, LARGE_ARREARS, BY_MEDIATOR = (
    frozenset({"group", "opinion_risk"}),
    frozenset({"opinion_risk"}),
    frozenset({"large_arrears"}),
    frozenset({"by_mediator"}),
)
REPLIED = "classify:general opinions consolidate reply"
CONSULTED = "approve meeting held minutes signoff issue"

SCENARIOS = [
    # registered (已登记)
    S("", "contribution_amount", 1, "GW", "140830100001", "window", (0, 1)),
    S("", "employee_employer", 0, "GW", "140830100201", "grid_mediator", (1, 3), BY_MEDIATOR),
    S("", "registration_data", 0, "GW", "140830100002", "hotline_12333", (9, 12)),
    S("transfer:FLD", "collection_records", 0, "GW", "140830101201", "window", (2, 6)),
    S("transfer:MN", "refund", 1, "GW", "140830102201", "hotline_12345", (1, 4)),
    # resolved on the spot (当场办结)
    S("classify:simple", "service_complaint", 0, "GW", "140830100001", "window", (1, 20)),
    S("classify:simple", "system_fault", 0, "GW", "140830100", "etax", (1, 20)),
    S("classify:simple", "collection_records", 3, "FLD", "140830101001", "window", (1, 20)),
    # referred (已报送)
    S("refer", "other", 0, "GW", "140830100201", "hotline_12345", (2, 5)),
    S("refer", "other", 1, "FLD", "140830101202", "petition", (1, 4)),
    # joint handling (联办中)
    S("refer dispatch:hrss", "other", 0, "GW", "140830100002", "government_referral", (6, 14)),
    S("classify:general", "refund", 2, "GW", "140830100", "window", (3, 8)),
    S("classify:general opinion:tax", "contribution_base", 0, "GW", "140830100001", "etax", (5, 9)),
    S("classify:general opinion:medical", "benefits", 1, "FLD", "140830101201", "hotline_12393",
      (5, 9)),
    # escalated (已上报)
    S("classify:major", "employee_employer", 1, "GW", "140830100002", "window", (2, 6), GROUP),
    S("classify:general escalate", "collection_arrears", 1, "GW", "140830100", "window", (9, 16)),
    # special handling (专案办理中)
    S("classify:major approve meeting held minutes", "collection_arrears", 2, "GW", "140830100201",
      "government_referral", (10, 20), LARGE_ARREARS),
    S("classify:general escalate approve meeting", "late_fee", 0, "GW", "140830100002", "window",
      (14, 25), OPINION_RISK),
    # awaiting reply (待答复)
    S("classify:general opinions consolidate", "contribution_amount", 0, "GW", "140830100001",
      "tax_app", (8, 14)),
    S(f"classify:major {CONSULTED}", "collection_arrears", 0, "GW", "140830100", "window",
      (22, 35), LARGE_ARREARS),
    S("classify:general opinions consolidate", "registration_transfer", 0, "FLD", "140830101001",
      "window", (9, 15)),
    # replied (已答复)
    S(REPLIED, "benefits", 0, "GW", "140830100002", "hotline_12333", (14, 25)),
    S(f"classify:general escalate {CONSULTED} done reply", "special_payment", 1, "GW",
      "140830100201", "medical_website", (30, 45)),
    S(REPLIED, "contribution_base", 2, "FLD", "140830101", "etax", (14, 25)),
    # redone (重办): not satisfied at the follow-up, back with the departments
    S(f"{REPLIED} visit:dissatisfied redo", "contribution_base", 0, "GW", "140830100001",
      "window", (20, 35)),
    # objected (有异议)
    S(f"{REPLIED} object:reconsideration", "contribution_base", 1, "GW", "140830100", "window",
      (20, 35)),
    S(f"{REPLIED} object:mediation", "registration_data", 1, "GW", "140830100001",
      "medical_website", (20, 35)),
    # closed (已办结)
    S(f"{REPLIED} visit:satisfied accept", "collection_records", 1, "GW", "140830100", "etax",
      (18, 30)),
    S(f"{REPLIED} object:litigation outcome", "contribution_amount", 2, "GW", "140830100201",
      "window", (45, 58)),
    S(f"{REPLIED} visit:basically accept", "special_payment", 2, "FLD", "140830101202",
      "window", (18, 30)),
    # archived (已归档)
    S("classify:simple archive", "service_complaint", 1, "GW", "140830100002", "hotline_12366",
      (20, 50)),
    S(f"{REPLIED} visit:satisfied accept archive", "contribution_base", 0, "GW", "140830100",
      "window", (32, 58)),
    S(f"classify:major {CONSULTED} done reply accept archive", "collection_arrears", 2, "GW",
      "140830100", "window", (42, 58), LARGE_ARREARS),
    S("withdraw archive", "refund", 1, "GW", "140830100001", "window", (20, 45)),
    S(f"{REPLIED} accept archive", "registration_transfer", 1, "FLD", "140830101201", "window",
      (32, 58)),
    # withdrawn (已撤回)
    S("withdraw", "late_fee", 1, "GW", "140830100", "tax_app", (5, 15)),
    S("classify:general withdraw", "employee_employer", 2, "GW", "140830100002", "window",
      (8, 20)),
]  # fmt: skip

# How long each step takes, in working hours (low, high), after the one before.
STEP_HOURS = {
    "transfer": (0.3, 4),
    "refer": (1, 6),
    "dispatch": (4, 20),
    "classify:simple": (0.1, 0.5),
    "classify": (1, 16),
    "opinion": (10, 40),
    "consolidate": (4, 24),
    "escalate": (24, 60),
    "approve": (8, 24),
    "meeting": (16, 40),
    "held": (20, 40),
    "minutes": (4, 16),
    "signoff": (4, 20),
    "issue": (2, 10),
    "done": (16, 60),
    "reply": (4, 24),
    "visit": (4, 16),
    "redo": (2, 8),
    "accept": (16, 40),
    "object": (16, 48),
    "outcome": (90, 160),
    "archive": (16, 48),
    "withdraw": (16, 80),
}
VISIT_REMARKS = {
    "satisfied": "电话回访，缴费人对答复满意。",
    "basically": "电话回访，缴费人基本认可，希望今后办理更快。",
    "dissatisfied": "电话回访，缴费人认为补缴基数核定有误，对答复不满意。",
}
OFFLINE_CHANNELS = {"window", "grid_mediator", "petition", "government_referral"}
WORKDAY_START, WORKDAY_END = datetime.time(8, 30), datetime.time(17, 30)


def _is_workday(day: datetime.date) -> bool:
    """China's official calendar (holidays off, adjusted weekend workdays on) where known."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package has no data for yet
        return day.weekday() < 5


def _working_time(moment: datetime.datetime, rng: random.Random) -> datetime.datetime:
    """The same moment if it falls in office hours, else the next working morning."""
    local = timezone.localtime(moment)
    while True:
        if not _is_workday(local.date()) or local.time() >= WORKDAY_END:
            local = (local + datetime.timedelta(days=1)).replace(hour=8, minute=30)
            local += datetime.timedelta(minutes=rng.randint(0, 60))
        elif local.time() < WORKDAY_START:
            local = local.replace(hour=8, minute=30) + datetime.timedelta(
                minutes=rng.randint(0, 60)
            )
        else:
            return local


def _add_working_hours(
    moment: datetime.datetime, hours: float, rng: random.Random
) -> datetime.datetime:
    """``hours`` of office time after ``moment`` (nine hours make a working day)."""
    local = _working_time(moment, rng)
    remaining = datetime.timedelta(hours=hours)
    while remaining:
        day_end = local.replace(hour=WORKDAY_END.hour, minute=WORKDAY_END.minute, second=0)
        if local + remaining <= day_end:
            return local + remaining
        remaining -= day_end - local
        local = _working_time(day_end, rng)
    return local


class CaseBuilder:
    """Runs the demo scenarios through the services, each step at its own moment."""

    def __init__(self, demo: Demo, rng: random.Random, now: datetime.datetime):
        self.demo = demo
        self.rng = rng
        self.now = now
        self.moment = now  # the moment of the step being played
        used = set(Payer.objects.values_list("id_number", flat=True))
        self.maker = PayerMaker(rng, used, timezone.localdate(now))
        self.categories = {c.code: c for c in Category.objects.all()}
        self.types = {t.code: t for t in InsuranceType.objects.all()}
        self.type_names = {code: t.name for code, t in self.types.items()}
        self.channels = {c.code: c for c in Channel.objects.all()}

    # -- the clock --------------------------------------------------------------------

    def build(self, scenarios: list[Scenario]) -> list[Dispute]:
        """Play every scenario, all their steps in the order of the moments they happen at.

        So case and archive numbers follow the calendar, as they would in real use.
        """
        stories, queue = [], []
        for index, scenario in enumerate(scenarios):
            received = self._received_at(scenario)
            first = received if scenario.channel in OFFLINE_CHANNELS else None
            story = _Story()
            story.steps = self._play(story, scenario, received)
            stories.append(story)
            heapq.heappush(queue, (first or _working_time(received, self.rng), index))
        while queue:
            moment, index = heapq.heappop(queue)
            following = self._at(moment, stories[index])
            if following is not None:
                heapq.heappush(queue, (self._next(moment, following), index))
        return [story.case for story in stories]

    def _at(self, moment: datetime.datetime, story: "_Story") -> str | None:
        """Run the story's next step at ``moment`` (every service it calls is given it as
        ``at=``); returns the kind of step after it."""
        self.moment = moment
        return next(story.steps, None)

    def _next(self, moment: datetime.datetime, step: str) -> datetime.datetime:
        low, high = STEP_HOURS[step]
        later = _add_working_hours(moment, self.rng.uniform(low, high), self.rng)
        # A case that would run into the future finishes just before now instead.
        return max(
            moment, min(later, self.now - datetime.timedelta(minutes=self.rng.randint(5, 90)))
        )

    # -- the case ---------------------------------------------------------------------

    def _play(self, story: "_Story", scenario: Scenario, received: datetime.datetime):
        """The scenario as a generator: each ``yield`` names the next step and waits for it."""
        story.case = self._register(scenario, received)
        for step in scenario.steps.split():
            name, _, arg = step.partition(":")
            if name == "opinions":
                for task in self._pending_tasks(story.case):
                    yield "opinion"
                    self._opinion(story.case, task)
                continue
            yield step if step == "classify:simple" else name
            result = self._step(story.case, name, arg)
            if not isinstance(result, Dispute):
                result = Dispute.objects.get(pk=story.case.pk)
            story.case = result

    def _received_at(self, scenario: Scenario) -> datetime.datetime:
        low, high = scenario.days
        day = timezone.localdate(self.now) - datetime.timedelta(days=self.rng.randint(low, high))
        if scenario.channel in OFFLINE_CHANNELS:
            while not _is_workday(day):
                day -= datetime.timedelta(days=1)
            minute = self.rng.randint(8 * 60 + 40, 17 * 60)
        else:
            minute = self.rng.randint(7 * 60, 22 * 60)
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        moment += datetime.timedelta(minutes=minute, seconds=self.rng.randint(0, 59))
        return min(moment, self.now - datetime.timedelta(minutes=30))

    def _register(self, scenario: Scenario, received: datetime.datetime) -> Dispute:
        demo, rng = self.demo, self.rng
        template = PROFILES[scenario.category]["templates"][scenario.template]
        place = demo.places[scenario.place]
        parties = self._parties(template.kind, place, group="group" in scenario.flags)
        person = next((p.payer.name for p in parties if p.payer.kind != "employer"), "")
        employer = next((p.payer.name for p in parties if p.payer.kind == "employer"), "")
        large = "large_arrears" in scenario.flags
        text = compose_case(
            rng,
            scenario.category,
            template,
            received=timezone.localdate(received),
            person=person,
            employer=employer or self.maker.employer_name(),
            type_names=self.type_names,
            amount_range=(600_000, 2_400_000) if large else None,
        )
        mediator = demo.users["mediator"] if "by_mediator" in scenario.flags else None
        return dispute_register(
            at=self.moment,
            actor=mediator or self._clerk(scenario.centre),
            centre=demo.centres[scenario.centre],
            parties=parties,
            channel=self.channels[scenario.channel],
            jurisdiction=place,
            category=self.categories[scenario.category],
            claim=text.claim,
            summary=text.summary,
            received_at=received,
            insurance_types=[self.types[code] for code in template.types],
            amount=text.amount,
            period_start=text.period_start,
            period_end=text.period_end,
            is_public_opinion_risk="opinion_risk" in scenario.flags,
            is_large_arrears=large,
            reported_by=mediator,
        )

    def _parties(self, kind: str, place: Jurisdiction, *, group: bool) -> list[PartyData]:
        label = self.demo.labels[place.code]
        if kind == "employer":
            return [PartyData(self.maker.employer(place))]
        if kind != "pair":
            return [PartyData(self.maker.person(kind, place, label))]
        count = self.rng.randint(4, 6) if group else 1
        employees = [
            PartyData(
                self.maker.person(Payer.Kind.EMPLOYEE, place, label), is_representative=i == 0
            )
            for i in range(count)
        ]
        employer = PartyData(self.maker.employer(place), side=Party.Side.COUNTERPARTY)
        return [*employees, employer]

    def _clerk(self, centre_code: str):
        return self.demo.users["clerk_fld" if centre_code == "FLD" else "clerk"]

    def _pending_tasks(self, case: Dispute) -> list[DepartmentTask]:
        return list(
            DepartmentTask.objects.filter(dispute=case, status=DepartmentTask.Status.PENDING)
            .select_related("department")
            .order_by("role", "id")
        )

    # -- the steps --------------------------------------------------------------------

    def _step(self, case: Dispute, name: str, arg: str):
        demo, users = self.demo, self.demo.users
        case = Dispute.objects.select_related("centre", "category", "jurisdiction").get(pk=case.pk)
        clerk = self._clerk(case.centre.code)
        coordinator = users["coordinator"] if case.centre.code == "GW" else None
        if name == "transfer":
            target = demo.centres[arg]
            return dispute_transfer(
                at=self.moment,
                dispute=case,
                actor=clerk,
                centre=target,
                reason=f"事项所在辖区为{target.jurisdiction.name}，按属地管理原则内网转办{target.name}。",
            )
        if name == "refer":
            return dispute_refer(
                at=self.moment,
                dispute=case,
                actor=clerk,
                summary=case.summary,
                opinion="该事项涉及多个部门职责且职责不清，请按12345政务服务便民热线运行机制"
                "转交承办部门办理。",
                report_back_by=timezone.localdate(self.moment) + datetime.timedelta(days=7),
                receiver_phone=clerk.staff.phone,
                contact_phone=case.centre.phone,
            )
        if name == "dispatch":
            day = timezone.localdate(self.moment)
            return dispute_dispatch(
                at=self.moment,
                dispute=case,
                actor=users["officer_gov"],
                department=demo.departments[arg],
                hotline_ticket=f"RC{day:%Y%m%d}{self.rng.randint(1000, 9999)}",
                note="经研判属人社部门职责，已通过12345热线系统转交承办。",
            )
        if name == "opinion":
            task = next(t for t in self._pending_tasks(case) if t.department.code == arg)
            return self._opinion(case, task)
        if name == "classify":
            return self._classify(case, arg, actor=coordinator if arg == "major" else clerk)
        if name == "consolidate":
            actor = coordinator or demo.officers[case.lead_department.code]
            return dispute_consolidate(
                at=self.moment, dispute=case, actor=actor, opinion=self._consolidated(case)
            )
        if name == "escalate":
            return dispute_escalate(
                at=self.moment,
                dispute=case,
                actor=coordinator,
                reason="工作专班多次协调未能达成一致，涉及欠费金额较大且涉及职工人数较多，"
                "按重大疑难事项报领导小组办公室。",
            )
        if name == "approve":
            return dispute_approve(
                at=self.moment,
                dispute=case,
                actor=users["leader"],
                comment="同意成立专案组，由县领导小组办公室召集相关部门会商办理。",
            )
        if name in ("meeting", "held", "minutes", "signoff", "issue", "done"):
            return self._consultation(case, name)
        if name == "reply":
            return dispute_reply(at=self.moment, dispute=case, actor=clerk, text=self._reply(case))
        if name == "visit":
            record_follow_up(
                at=self.moment,
                dispute=case,
                actor=clerk,
                method=FollowUp.Method.PHONE,
                contact=case.representative.name if case.representative else "",
                visited_at=self.moment,
                satisfaction=Satisfaction(arg),
                remarks=VISIT_REMARKS[arg],
            )
            case.refresh_from_db()
            return case
        if name == "redo":
            return dispute_redo(
                at=self.moment,
                dispute=case,
                actor=coordinator,
                reason="缴费人认为补缴基数核定有误，请税务、人社部门重新核定并答复。",
            )
        if name == "accept":
            return dispute_accept(
                at=self.moment,
                dispute=case,
                actor=clerk,
                note="缴费人对处理结果无异议，已签收答复。",
            )
        if name == "object":
            return dispute_object(
                at=self.moment,
                dispute=case,
                actor=clerk,
                route=ObjectionRoute(arg),
                note=f"缴费人对处理结果有异议，已告知其可依法申请{ObjectionRoute(arg).label}。",
            )
        if name == "outcome":
            return dispute_record_outcome(
                at=self.moment,
                dispute=case,
                actor=clerk,
                outcome=OBJECTION_OUTCOMES[case.objection_route],
            )
        if name == "archive":
            return dispute_archive(
                at=self.moment, dispute=case, actor=clerk, note="案卷材料齐全，准予归档。"
            )
        if name == "withdraw":
            return dispute_withdraw(
                at=self.moment,
                dispute=case,
                actor=clerk,
                reason=self.rng.choice(WITHDRAWAL_REASONS),
            )
        raise ValueError(f"unknown demo step {name!r}")

    def _classify(self, case: Dispute, classification: str, *, actor) -> Dispute:
        if classification == Classification.SIMPLE:
            note = ON_SPOT_NOTES.get(case.category.code, "当场向缴费人解释政策并办结。")
            return dispute_classify(
                at=self.moment, dispute=case, actor=actor, classification=classification, note=note
            )
        proposal = routing_propose(case)
        note = ""
        if classification == Classification.MAJOR:
            note = (
                "涉及职工人数多，属群体性争议，存在舆情风险，按重大疑难事项上报。"
                if case.is_group_dispute
                else "欠费金额巨大，涉及长期不经营企业，需领导小组会商处理。"
            )
        return dispute_classify(
            at=self.moment,
            dispute=case,
            actor=actor,
            classification=classification,
            lead_department=proposal.lead_department,
            co_departments=proposal.co_departments,
            note=note,
        )

    def _opinion(self, case: Dispute, task: DepartmentTask) -> DepartmentTask:
        kind = task.department.code
        finding, basis, proposal = OPINIONS.get(kind, OPINIONS["tax"])
        period = ""
        if case.period_start and case.period_end:
            period = f"{month_label(case.period_start)}至{month_label(case.period_end)}"
        return opinion_give(
            at=self.moment,
            task=task,
            actor=self.demo.officers[kind],
            finding=finding.format(period=period or "相关期间"),
            basis=basis,
            proposal=proposal,
            amount_confirmed=case.amount,
        )

    def _consolidated(self, case: Dispute) -> str:
        tasks = DepartmentTask.objects.filter(dispute=case).select_related("department")
        names = "、".join(t.department.name for t in tasks)
        return (
            f"经{case.lead_department.name}牵头，会同{names}联合办理，核实情况如下："
            f"缴费人所反映的{case.category.name}问题基本属实。处理意见：由相关部门按各自职责"
            "更正信息、办理费款事宜，并于十个工作日内将办理结果告知缴费人。"
        )

    def _consultation(self, case: Dispute, step: str):
        """The leading group's consultation meeting on the case, one step at a time."""
        users, lgo = self.demo.users, self.demo.users["lgo"]
        if step == "meeting":
            departments = [case.lead_department, *case.co_departments.all()]
            for kind in ("tax", "hrss", "justice"):  # at least three departments sit
                if len(departments) >= 3:
                    break
                extra = self.demo.departments.get(kind)
                if extra is not None and extra not in departments:
                    departments.append(extra)
            meeting = meeting_create(at=self.moment,
                actor=lgo,
                kind=Meeting.Kind.MAJOR,
                title=f"关于{case.category.name}争议事项的专题会商会议",
                held_at=_add_working_hours(self.moment, 16, self.rng),
                place="县税务局三楼会议室",
                host=users["leader"],
                departments=departments,
                people=[lgo, *(self.demo.officers[d.code] for d in departments
                               if d.code in self.demo.officers)],
            )  # fmt: skip
            return agenda_add(at=self.moment, meeting=meeting, actor=lgo, dispute=case)
        meeting = Meeting.objects.filter(agenda__dispute=case).latest("pk")
        if step == "held":
            if meeting.held_at > self.moment:
                # The demo's calendar ran short of the date set: it sat earlier.
                Meeting.objects.filter(pk=meeting.pk).update(held_at=self.moment)
                meeting.refresh_from_db()
            return meeting_record_held(
                at=self.moment,
                meeting=meeting,
                actor=lgo,
                present={a.pk: True for a in meeting.attendances.all()},
            )
        if step == "minutes":
            court = case.is_large_arrears and "court" in self.demo.departments
            item_decide(
                at=self.moment,
                item=AgendaItem.objects.get(meeting=meeting, dispute=case),
                actor=lgo,
                decision=self._decision(case),
                outcome=AgendaItem.Outcome.COURT if court else AgendaItem.Outcome.SETTLED,
                tasks=self._meeting_tasks(case),
            )
            names = "、".join(d.name for d in meeting.invited_departments.all())
            return minutes_save(
                at=self.moment,
                meeting=meeting,
                actor=lgo,
                body=f"{timezone.localtime(meeting.held_at):%Y年%-m月%-d日}，县社会保险费征缴争议"
                f"处理工作领导小组召开专题会商会议，{names}参加。会议听取了"
                f"{case.centre.name}关于{case.number}号争议事项办理情况的汇报，"
                "各部门结合职责提出了意见，经充分讨论，议定如下事项。",
            )
        if step == "done":
            for task in DecisionTask.objects.filter(
                item__dispute=case, status=DecisionTask.Status.OPEN
            ).select_related("department"):
                decision_task_complete(
                    at=self.moment,
                    task=task,
                    actor=self.demo.officers.get(task.department.code, lgo),
                    result="已按会商决定办理完毕，并将结果告知属地处理中心。",
                )
            for enforcement in CourtEnforcement.objects.filter(
                dispute=case, status=CourtEnforcement.Status.PENDING
            ).select_related("court"):
                court_report(
                    at=self.moment,
                    enforcement=enforcement,
                    actor=lgo,
                    report=f"{enforcement.court.name}已立案执行，扣划被执行企业存款，"
                    "所得优先抵缴职工社会保险费，执行完毕。",
                )
            return case
        if step == "signoff":
            minutes_submit(at=self.moment, meeting=meeting, actor=lgo, sign_off_by=users["leader"])
            return minutes_sign_off(
                at=self.moment, meeting=meeting, actor=users["leader"], approve=True
            )
        return minutes_issue(at=self.moment, meeting=meeting, actor=lgo)

    def _meeting_tasks(self, case: Dispute) -> list[TaskData]:
        due = timezone.localdate(self.moment) + datetime.timedelta(days=14)
        lead = case.lead_department or self.demo.departments["tax"]
        tasks = [
            TaskData(
                description="依据会商决定核定应缴金额，向单位送达相关文书并跟踪缴纳情况",
                department=lead,
                owner=self.demo.officers.get(lead.code),
                due_date=due,
            )
        ]
        hr = self.demo.departments.get("hrss")
        if hr is not None and hr != lead:
            tasks.append(
                TaskData(
                    description="做好职工社会保险待遇衔接，配合属地处理中心答复缴费人",
                    department=hr,
                    owner=self.demo.officers.get("hrss"),
                    due_date=due,
                )
            )
        return tasks

    def _decision(self, case: Dispute) -> str:
        if case.is_large_arrears:
            return (
                "经领导小组联席会议会商：该企业长期不经营、欠费事实清楚、手续完备、欠费金额确认，"
                "由县税务局依法下达《社会保险费征收决定书》，逾期仍未缴纳的移交县人民法院强制执行，"
                "所得优先抵缴职工社会保险费；县人社局做好职工待遇衔接。"
            )
        return (
            "经领导小组会商：由县税务局牵头，县人社局、县司法局配合，依法依规核定应缴金额，"
            "对确有困难的企业引导签订分期缴费协议，由属地处理中心做好答复和跟踪。"
        )

    def _reply(self, case: Dispute) -> str:
        lead = case.lead_department.name if case.lead_department else "相关部门"
        return (
            f"您反映的{case.category.name}问题，经{lead}"
            f"等部门联合办理，处理意见如下：{case.handling_opinion}"
            "如对处理结果有异议，可依法申请调解、行政复议、仲裁或提起行政诉讼。"
        )


@dataclass
class _Story:
    """A demo case in progress: the case so far and the steps still to come."""

    case: Dispute | None = None
    steps: Iterator[str] | None = None


# The escalated case the county's office supervises (督办): it waits on the leader's approval
# while its lead department and the HR bureau report on the arrears.
SUPERVISED = SCENARIOS.index(
    S("classify:general escalate", "collection_arrears", 1, "GW", "140830100", "window", (9, 16))
)


def supervise_demo_case(demo: Demo, case: Dispute, now: datetime.datetime) -> None:
    """One open supervision, opened a working day after the escalation (through the service;
    apart from the scenarios' steps, so that their random draws stay as they were)."""
    case = Dispute.objects.select_related("jurisdiction", "lead_department").get(pk=case.pk)
    moment = min(_add_working_hours(case.escalated_at, 8, random.Random(case.pk)), now)
    supervision_open(
        at=moment - datetime.timedelta(minutes=5),
        dispute=case,
        actor=demo.users["lgo"],
        matter="该单位欠缴社会保险费金额较大、涉及职工人数较多，工作专班协调未果，"
        "请税务局、人社局核实欠费金额和职工参保记录，依法推进追缴。",
        requirement="请各被督办单位于报告期限前书面报告办理情况；逾期未报告的予以通报。",
        departments=[case.lead_department or demo.departments["tax"], demo.departments["hrss"]],
        # Due within the coming week: the workbench shows it open, the units still reporting.
        due_date=timezone.localdate(now) + datetime.timedelta(days=7),
    )


def create_demo_cases(demo: Demo, *, seed: int = DEFAULT_SEED) -> list[Dispute]:
    """Build every scenario through the services, all or nothing."""
    now = timezone.now()
    builder = CaseBuilder(demo, random.Random(seed), now)
    with transaction.atomic():
        cases = builder.build(SCENARIOS)
        supervise_demo_case(demo, cases[SUPERVISED], now)
        return cases
