import datetime
import itertools
import pathlib
import sys
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Prefetch
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone, translation

from consultations.models import DepartmentTask
from demo.bulk import (
    CaseGenerator,
    OutOfStep,
    check_cases,
    check_histories,
    generate_cases,
    histories,
    walk,
)
from demo.cases import SCENARIOS
from demo.organisation import DEMO_LOGINS, DEMO_PASSWORD, DEMO_USERS
from demo.rows import Table, reserve_ids
from demo.schedule import Scheduler
from demo.services import load_demo
from departments.models import Centre, Jurisdiction, Staff, roles_of
from disputes import reach
from disputes.invariants import violations
from disputes.models import (
    CaseCounter,
    Category,
    Channel,
    Classification,
    Dispute,
    Payer,
    State,
    TimelineEntry,
)
from disputes.services import PartyData, PayerData, dispute_archive, dispute_register
from disputes.validators import (
    id_check_digit,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)
from routing.invariants import deadline_violations
from routing.models import (
    Accountability,
    Deadline,
    DeadlineNotice,
    Referral,
    Stage,
    UrgingNotice,
    UrgingStep,
)
from routing.urging import CIRCULATED, NOTICE_ISSUED

pytestmark = pytest.mark.django_db
# The sweep's ladder writes as the system: the notice, the circular, and the circular's
# grant of the case to the leading-group office.
SWEEP_ACTIONS = {NOTICE_ISSUED, CIRCULATED, "disputes.access.granted"}

User = get_user_model()


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "staff": Staff.objects.count(),
        "centres": Centre.objects.count(),
        "jurisdictions": Jurisdiction.objects.count(),
        "cases": Dispute.objects.count(),
        "payers": Payer.objects.count(),
        "timeline": TimelineEntry.objects.count(),
    }


def _run(*args) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_loading_the_demo_twice_leaves_the_same_users_centres_and_cases():
    first_output = _run()
    first = _counts()
    second_output = _run()

    assert _counts() == first
    assert first["cases"] == len(SCENARIOS)
    assert f"Created {len(SCENARIOS)} demo cases" in first_output
    assert "none added" in second_output


def test_the_command_ends_with_the_table_of_demo_logins():
    output = _run()

    table = output[output.index("Demo logins:") :]
    for login in DEMO_LOGINS:
        assert login.username in table
    assert table.count(DEMO_PASSWORD) == len(DEMO_LOGINS)


def test_adding_500_cases_gives_500_new_numbers_and_advances_the_counters():
    _run()
    before = Dispute.objects.count()

    output = _run("--cases", "500", "--batch-size", "120")

    assert "Generated 500 more cases" in output
    assert Dispute.objects.count() == before + 500
    numbers = list(Dispute.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    archive_numbers = [n for n in Dispute.objects.values_list("archive_number", flat=True) if n]
    assert len(archive_numbers) == len(set(archive_numbers))
    for counter in CaseCounter.objects.select_related("centre"):
        series = Dispute.objects.filter(
            registered_centre=counter.centre, number__contains=f"-{counter.year}-"
        )
        if counter.series == CaseCounter.Series.CASE:
            highest = max(int(n.rsplit("-", 1)[1]) for n in series.values_list("number", flat=True))
            assert counter.last == highest

    # A case registered now gets the next number, and archiving one the next archive number.
    clerk = User.objects.get(username="clerk")
    centre = Centre.objects.get(code="GW")
    counter = CaseCounter.objects.get(
        centre=centre, year=timezone.localdate().year, series=CaseCounter.Series.CASE
    )
    first17 = "14272319900101123"
    fresh = dispute_register(
        actor=clerk,
        centre=centre,
        parties=[PartyData(PayerData("flexible", "测试人", first17 + id_check_digit(first17)))],
        channel=Channel.objects.get(code="window"),
        jurisdiction=centre.jurisdiction,
        category=Category.objects.get(code="other"),
        claim="测试",
        summary="测试",
    )
    assert fresh.number == f"GW-{timezone.localdate().year}-{counter.last + 1:06d}"
    closed = Dispute.objects.filter(state=State.CLOSED, centre=centre).first()
    archived = dispute_archive(dispute=closed, actor=clerk)
    assert Dispute.objects.filter(archive_number=archived.archive_number).count() == 1


def test_without_time_machine_the_steps_and_sweeps_happen_at_their_moments(monkeypatch):
    # time-machine is a test dependency: a production install has none to import.
    monkeypatch.setitem(sys.modules, "time_machine", None)

    load_demo()

    now = timezone.now()
    entries = TimelineEntry.objects.select_related("dispute")
    assert all(e.dispute.received_at <= e.at <= now for e in entries)
    assert any(e.at < now - datetime.timedelta(days=14) for e in entries)
    for case in Dispute.objects.filter(state=State.ARCHIVED):
        assert case.closed_at <= case.archived_at < now - datetime.timedelta(hours=1)
    # The sweeps of the two months were replayed, each at its moment.
    sent = DeadlineNotice.objects.values_list("sent_at", flat=True)
    assert any(at < now - datetime.timedelta(days=3) for at in sent)
    assert Deadline.objects.filter(started_at__lt=now - datetime.timedelta(days=14)).exists()


def test_the_demo_code_does_not_use_time_machine():
    import demo

    paths = list(pathlib.Path(demo.__file__).parent.rglob("*.py"))
    assert len(paths) > 5
    for path in paths:
        assert "time_machine" not in path.read_text(encoding="utf-8"), path.name


class TestTheLoadedDemo(TestCase):
    """Tests that read the demo as ``load_demo()`` leaves it: loaded once for the class
    (Django's setUpTestData); what a test adds is rolled back after it."""

    @classmethod
    def setUpTestData(cls):
        cls.demo = load_demo().demo

    def test_the_sweep_replayed_issues_urging_notices_to_late_departments(self):
        notices = UrgingNotice.objects.select_related("deadline")
        assert notices.exists()
        for notice in notices:
            assert notice.deadline.department_id == notice.department_id
            assert notice.deadline.urging_step >= UrgingStep.NOTICE
            assert notice.issued_at > notice.deadline.due_at
        assert len({n.number for n in notices}) == notices.count()

    def test_every_state_has_a_demo_case_played_through_the_services(self):
        states = set(Dispute.objects.values_list("state", flat=True))
        assert states == set(State.values)
        now = timezone.now()
        for case in Dispute.objects.prefetch_related("timeline"):
            entries = list(case.timeline.all())
            assert entries[0].action == "disputes.case.registered"
            # Every state change left its timeline row, each at or after the one before.
            changes = [e for e in entries if e.to_state]
            assert changes[-1].to_state == case.state
            # Each by the user who acted; the sweep's urging ladder alone writes as the system.
            assert all(e.actor_id or e.action in SWEEP_ACTIONS for e in entries)
            moments = [e.at for e in entries]
            assert moments == sorted(moments)
            assert case.received_at <= moments[0] <= now
            assert now - case.received_at < datetime.timedelta(days=70)
        archived = Dispute.objects.filter(state=State.ARCHIVED)
        assert all(case.archive_number for case in archived)
        referred = Dispute.objects.get(state=State.REFERRED, centre__code="GW")
        assert Referral.objects.filter(dispute=referred).exists()
        group = Dispute.objects.get(is_group_dispute=True)
        assert group.parties.count() >= 5

    def test_the_demo_users_have_their_role_place_and_the_demo_password(self):
        for spec in DEMO_USERS:
            user = User.objects.get(username=spec.username)
            assert user.check_password(DEMO_PASSWORD)
            assert roles_of(user) == {spec.role}
            assert user.staff.full_name == spec.full_name
            if spec.centre:
                assert user.staff.centre.code == spec.centre
                assert user.groups.filter(pk=user.staff.centre.group_id).exists()
            if spec.department:
                assert user.staff.department.code == spec.department
        admin = User.objects.get(username="admin")
        assert admin.is_staff and admin.is_superuser
        assert Staff.objects.get(user__username="officer_tax").department.name == "芮城县税务局"

    def test_generated_cases_carry_the_fields_their_state_implies(self):
        demo = self.demo
        before = set(Dispute.objects.values_list("pk", flat=True))

        generate_cases(demo, 400, seed=3, batch_size=150)

        generated = Dispute.objects.exclude(pk__in=before).prefetch_related("timeline")
        assert generated.count() == 400
        # Written in bulk, past the signals, and still reached as the services would have it.
        assert reach.stale() == []
        assert {State.ARCHIVED, State.CLOSED, State.JOINT_HANDLING} <= set(
            generated.values_list("state", flat=True)
        )
        now = timezone.now()
        for case in generated:
            assert violations(case) == [], case.number
            # Its history on the timeline, as the transitions record it: registered, then each
            # step from the state the one before left it in, by someone, in order.
            entries = list(case.timeline.all())
            assert entries[0].action == "disputes.case.registered"
            assert entries[-1].to_state == case.state
            # Each by the user who acted; the sweep's urging ladder alone writes as the system.
            assert all(e.actor_id or e.action in SWEEP_ACTIONS for e in entries)
            assert [e.at for e in entries] == sorted(e.at for e in entries)
            assert all(b.from_state == a.to_state for a, b in itertools.pairwise(entries))
            assert case.received_at <= now
            assert case.registered_centre.code in ("GW", "FLD")
            if case.state in (State.REGISTERED, State.REFERRED):
                assert case.classification == ""
            if case.state in (State.JOINT_HANDLING, State.AWAITING_REPLY, State.REPLIED):
                assert case.classification in (Classification.GENERAL, Classification.MAJOR)
                assert case.lead_department_id is not None
                assert case.received_at <= case.classified_at <= now
            if case.state in (State.ESCALATED, State.SPECIAL_HANDLING):
                assert case.classification == Classification.MAJOR
                assert case.escalated_at is not None
            if case.state in (State.REPLIED, State.OBJECTED):
                assert case.reply_text and case.replied_at
            if case.state == State.OBJECTED:
                assert case.objection_route
            finished = (State.RESOLVED_ON_SPOT, State.CLOSED, State.WITHDRAWN, State.ARCHIVED)
            if case.state in finished:
                assert case.received_at <= case.closed_at <= now
            if case.state == State.RESOLVED_ON_SPOT:
                assert case.classification == Classification.SIMPLE
            if case.state == State.WITHDRAWN:
                assert case.withdrawal_reason
            if case.state == State.ARCHIVED:
                assert case.archive_number
                assert case.closed_at <= case.archived_at <= now
            else:
                assert case.archive_number == ""
            if case.state == State.JOINT_HANDLING:
                assert DepartmentTask.objects.filter(dispute=case, role="lead").exists()
        # The time limits their histories imply, read back as written, hold to the account
        # the cases played through the services are held to (the test below).
        assert _deadline_violations(generated, now) == []
        deadlines = Deadline.objects.filter(dispute__in=generated)
        statuses = set(deadlines.values_list("status", flat=True))
        assert {Deadline.Status.OPEN, Deadline.Status.MET, Deadline.Status.OVERDUE} <= statuses
        overdue = deadlines.filter(status=Deadline.Status.OVERDUE)
        assert overdue.filter(met_at__isnull=True).exists()  # still overdue, on the panel
        assert overdue.filter(met_at__isnull=False, days_late__gt=0).exists()  # closed late
        # Each overdue clock has its accountability record and the sweep's notice.
        assert Accountability.objects.filter(deadline__in=overdue).count() == overdue.count()
        marked = overdue.filter(overdue_at__isnull=False)
        notices = DeadlineNotice.objects.filter(deadline__in=marked, kind="overdue")
        assert notices.count() == marked.count()
        assert DeadlineNotice.objects.filter(deadline__in=deadlines, kind="reminder").exists()
        # Sub-tasks: answered with a signed opinion, or pending while the case awaits them.
        tasks = DepartmentTask.objects.filter(dispute__in=generated)
        assert set(tasks.values_list("status", flat=True)) >= {"answered", "pending"}
        staffed = set(
            Staff.objects.filter(user__username__startswith="officer_").values_list(
                "department_id", flat=True
            )
        )
        # Answered by the departments the demo has an officer for, each opinion signed, as
        # opinion_give() requires; the others' never are.
        answered = tasks.filter(status="answered").select_related("deadline")
        assert {t.department_id for t in answered} <= staffed
        for task in answered[:50]:
            assert task.finding and task.proposal and task.signed_by_id
            assert task.deadline.met_at == task.answered_at
        # And the pages show them: the case page of a case in each state opens.
        client = Client()
        client.force_login(self.demo.users["supervisor"])
        for state in (State.JOINT_HANDLING, State.CLOSED, State.ARCHIVED):  # present, above
            for case in generated.filter(state=state)[:5]:
                response = client.get(reverse("disputes:detail", args=[case.number]))
                assert response.status_code == 200, (state, case.number)

    def test_cases_received_minutes_ago_have_their_steps_between_receipt_and_now(self):
        before = set(Dispute.objects.values_list("pk", flat=True))

        generate_cases(self.demo, 80, seed=11, days=0)  # all received in the last 10 minutes

        now = timezone.now()
        generated = Dispute.objects.exclude(pk__in=before)
        assert generated.count() == 80
        for case in generated:
            for moment in (case.classified_at, case.replied_at, case.closed_at):
                assert moment is None or case.received_at <= moment <= now, case.number
        assert _deadline_violations(generated, now) == []

    def test_the_same_seed_generates_the_same_cases(self):
        demo = self.demo

        def generate(seed):
            with transaction.atomic():
                before = set(Dispute.objects.values_list("pk", flat=True))
                generate_cases(demo, 30, seed=seed)
                rows = list(
                    Dispute.objects.exclude(pk__in=before)
                    # A case's parties in the order they were added: rows joined to several
                    # parties come in no order of their own (PostgreSQL's changes run to run).
                    .order_by("number", "parties__pk")
                    .values_list("number", "state", "claim", "parties__payer__id_number")
                )
                transaction.set_rollback(True)
            return rows

        assert generate(7) == generate(7)
        assert generate(7) != generate(8)

    def test_a_demo_major_case_went_from_escalation_through_a_meeting_and_minutes_to_the_reply(
        self,
    ):
        from consultations.models import Meeting, Minutes

        minutes = Minutes.objects.filter(status=Minutes.Status.ISSUED).select_related("meeting")
        replied = [
            m
            for m in minutes
            if m.meeting.agenda.filter(
                dispute__state=State.REPLIED, dispute__escalated_at__isnull=False
            )
        ]
        assert replied, "no demo case replied after issued minutes"
        meeting = replied[0].meeting
        case = meeting.agenda.get().dispute
        assert meeting.invited_departments.count() >= 3
        assert meeting.attendances.filter(present=True).count() >= 2
        assert replied[0].number.startswith("会纪〔")
        path = list(case.timeline.order_by("at", "pk").values_list("action", flat=True))
        steps = [
            "disputes.case.escalated",
            "disputes.case.approved",
            "consultations.meeting.scheduled",
            "consultations.meeting.held",
            "disputes.case.decided",
            "disputes.case.replied",
        ]
        assert [a for a in path if a in steps] == steps
        # Every step timed: each one its own moment, in order, and a deadline for each stage.
        moments = [case.timeline.filter(action=a).values_list("at", flat=True).get() for a in steps]
        assert moments == sorted(moments) and len(set(moments)) == len(moments)
        assert case.timeline.filter(action="consultations.task.done").exists()
        stages = set(case.deadlines.values_list("stage", flat=True))
        assert {"leader_approval", "consultation_meeting", "decision_task", "report_back"} <= stages
        # The workbench has work: a meeting in preparation and minutes still in draft.
        assert Meeting.objects.filter(status=Meeting.Status.PLANNED).exists()
        assert Minutes.objects.filter(status=Minutes.Status.DRAFT).exists()

    def test_the_demo_office_supervises_one_open_case(self):
        from consultations.models import Supervision

        supervision = Supervision.objects.get(status=Supervision.Status.OPEN)
        assert supervision.dispute.is_open and supervision.office.code == "RC"
        assert supervision.number.startswith("RC-DB-")
        units = list(supervision.units.select_related("deadline", "department"))
        assert {u.department.code for u in units} >= {"hrss"} and len(units) == 2
        assert all(u.deadline.stage == "supervision" and u.deadline.is_running for u in units)
        assert supervision.dispute.timeline.filter(
            action="consultations.supervision.opened"
        ).exists()

    def test_a_demo_meeting_sent_a_long_idle_enterprise_to_the_court(self):
        from consultations.models import CourtEnforcement

        assert CourtEnforcement.objects.filter(dispute__is_large_arrears=True).exists()

    def test_every_demo_case_played_through_the_services_keeps_the_state_invariants(self):
        # What keeps disputes/invariants.py honest: the demo cases were made by the real
        # transitions, one at least in every state (see the test above), along every path the
        # scenarios take (transfer, referral and dispatch, simple, general, major, escalation,
        # objection, withdrawal, archiving from each finished state).
        cases = list(Dispute.objects.order_by("number"))
        assert {case.state for case in cases} == set(State.values)
        assert [(case.number, violations(case)) for case in cases if violations(case)] == []

    def test_every_demo_case_played_through_the_services_keeps_the_deadline_invariants(self):
        # What keeps routing/invariants.py honest, as the test above does disputes/invariants.
        cases = Dispute.objects.all()
        assert Deadline.objects.filter(dispute__in=cases).exists()
        assert _deadline_violations(cases, timezone.now()) == []

    def test_a_generated_case_whose_clock_outlives_its_stage_is_refused_with_its_batch(self):
        class Forgetful(Scheduler):
            """Leaves every classification clock running, whatever the case did next."""

            def schedule(self, **kwargs):
                plan = super().schedule(**kwargs)
                for clock in plan.clocks:
                    if clock.stage == Stage.CLASSIFICATION:
                        clock.status, clock.met_at, clock.overdue_at = "open", None, None
                return plan

        generator = CaseGenerator(self.demo, seed=5, days=365, now=timezone.now())
        plain = generator.scheduler
        generator.scheduler = Forgetful(
            working=plain.working,
            days=plain.days,
            now=plain.now,
            rng=plain.rng,
            answering=plain.answering,
        )
        before = _counts()

        with pytest.raises(OutOfStep, match="classification clock still runs"):
            generator.run(60, batch_size=60)

        assert _counts() == before

    def test_rows_written_past_the_orm_read_back_as_they_were_given(self):
        case = Dispute.objects.order_by("pk").first()
        note = "第一行\t制表\n第二行 \\ 反斜杠"
        at = timezone.now().replace(microsecond=123456)
        with transaction.atomic():
            (pk,) = reserve_ids(TimelineEntry, 1)
            table = Table.of(TimelineEntry)
            table.add(pk, case.pk, at, None, "demo.check", "", "", note, {"键": [1, None]})
            assert table.write() == 1
        entry = TimelineEntry.objects.get(pk=pk)
        assert (entry.at, entry.actor_id, entry.note, entry.data) == (
            at,
            None,
            note,
            {"键": [1, None]},
        )
        # The next key the database hands out is past the reserved one.
        later = TimelineEntry.objects.create(dispute=case, at=at, action="demo.check")
        assert later.pk > pk

    def test_a_generated_case_missing_a_field_its_state_implies_is_refused_with_its_batch(self):
        class Forgetful(CaseGenerator):
            """Forgets the written reply of every case it replies to."""

            def _apply(self, case, events, times, rule, category):
                co_ids = super()._apply(case, events, times, rule, category)
                case.reply_text = ""
                return co_ids

        before = _counts()
        generator = Forgetful(self.demo, seed=5, days=365, now=timezone.now())

        with pytest.raises(OutOfStep, match="reply_text is set if and only if replied_at is"):
            generator.run(60, batch_size=60)

        assert _counts() == before  # nothing of the batch was written


def _deadline_violations(cases, now) -> list[str]:
    tasks = DepartmentTask.objects.select_related("deadline")
    found = []
    for case in cases.prefetch_related("deadlines", Prefetch("department_tasks", tasks)):
        pairs = [(task.status, task.deadline) for task in case.department_tasks.all()]
        found += deadline_violations(case, case.deadlines.all(), pairs, now=now)
    return found


class TestTheDemoWithGeneratedCases(TestCase):
    """The demo with 300 generated cases, loaded once for the class."""

    @classmethod
    def setUpTestData(cls):
        load_demo(cases=300)

    def test_every_demo_payer_has_a_valid_identity_number_or_credit_code_and_phone(self):
        payers = list(Payer.objects.all())
        assert len(payers) > 300
        for payer in payers:
            if payer.is_employer:
                validate_credit_code(payer.id_number)
                assert payer.id_number.startswith("91140830")
            else:
                validate_resident_id(payer.id_number)
                # The county's code in force in the year of birth (142723 before 2000).
                assert payer.id_number.startswith(("140830", "142723"))
            validate_phone(payer.phone)
            try:
                payer.full_clean()
            except ValidationError as exc:  # pragma: no cover - the message names the payer
                pytest.fail(f"{payer.id_number}: {exc}")

    def test_demo_addresses_name_the_county_once(self):
        addresses = list(Payer.objects.values_list("address", flat=True))
        assert len(addresses) > 200
        assert [a for a in addresses if "芮城县芮城县" in a] == []
        assert all(a.startswith("山西省芮城县") for a in addresses), addresses[:5]
        people = Payer.objects.exclude(kind=Payer.Kind.EMPLOYER).values_list("address", flat=True)
        assert any("镇" in a for a in people)  # the town (and village) follow the county


def test_each_generated_history_is_played_by_the_transitions_to_its_state():
    check_histories({state: histories(state) for state in State.values})
    assert walk(("on_spot",)) == State.RESOLVED_ON_SPOT
    assert walk(("classify",)) == State.JOINT_HANDLING
    assert walk(("transfer", "classify_major")) == State.ESCALATED
    assert {h[-1] for _, h in histories(State.ARCHIVED)} == {"archive"}


def test_a_history_the_transitions_cannot_play_is_refused():
    # Closed without the reply: accept() does not fire while the case awaits it.
    with pytest.raises(OutOfStep, match="accept\\(\\) does not fire in state awaiting_reply"):
        check_histories({State.CLOSED: [(1, ("classify", "consolidate", "accept"))]})
    # A history that plays, but to another state than the one it is given for.
    with pytest.raises(OutOfStep, match=r"meant to end in closed, .* lead to replied"):
        check_histories({State.CLOSED: [(1, ("classify", "consolidate", "reply"))]})


def test_an_archived_case_without_its_archive_number_is_refused():
    now = timezone.now()
    moments = [now - datetime.timedelta(days=d) for d in (9, 8, 7)]
    case = Dispute(
        number="GW-2024-000001",
        state=State.ARCHIVED,
        classification=Classification.SIMPLE,
        handling_opinion="当场解释。",
        received_at=moments[0],
        classified_at=moments[1],
        closed_at=moments[1],
        archived_at=moments[2],
    )
    with pytest.raises(OutOfStep, match="GW-2024-000001: archived: archive_number set if"):
        check_cases([case])

    case.archive_number = "GW-DA-2024-0001"
    check_cases([case])


def test_the_deadline_invariants_know_the_opinion_states_of_the_sub_tasks():
    from consultations import handlers
    from routing import invariants

    assert set(invariants.OPINION_STATES) == set(handlers.OPINION_STATES)


def test_the_demo_mails_its_monthly_circular_to_the_leading_group_office(db):
    """The recipients of the monthly evaluation circular are data; the demo county has one,
    so the beat job has somewhere to send it (once, however often the demo is loaded)."""
    from django.core.management import call_command

    from demo.organisation import install_demo_organisation
    from reports.models import MonthlyReportRecipient

    call_command("load_reference_data", verbosity=0)
    demo = install_demo_organisation()
    install_demo_organisation()
    recipients = MonthlyReportRecipient.objects.filter(county=demo.county, active=True)
    assert list(recipients.values_list("email", flat=True)) == ["lingdaoxiaozu@ruicheng.invalid"]
