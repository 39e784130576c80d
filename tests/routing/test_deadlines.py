"""Deadlines opened and closed by the case's life, reminders and overdue marking by the sweep,
extension and pausing; time is controlled, never slept on."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from consultations import services as consultation_services
from consultations.models import DepartmentTask
from disputes.models import Notification
from routing import deadlines
from routing import services as routing_services
from routing.models import (
    Accountability,
    CalendarDay,
    CalendarYear,
    Deadline,
    DeadlineNotice,
    DeadlinePolicy,
    Stage,
)
from tests import scenarios

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SH)


def local(moment):
    return moment.astimezone(SH).strftime("%Y-%m-%d %H:%M")


def inbox(user, kind=None):
    qs = Notification.objects.filter(user=user)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.values_list("message", flat=True))


def test_registration_opens_the_classification_limit_due_at_the_end_of_the_next_working_day(
    world, policies
):
    with time_machine.travel(at("2025-01-24 10:00"), tick=False):  # a Friday
        d = scenarios.registered(world)
    deadline = Deadline.objects.get(dispute=d)
    assert deadline.stage == Stage.CLASSIFICATION and deadline.centre == world.centre_a
    assert local(deadline.due_at) == "2025-01-26 23:59"  # Sunday 26th is an adjusted workday
    assert local(deadline.remind_at) == "2025-01-24 10:00"  # the working day before: at once
    assert deadline.status == "open" and not deadline.provisional


def test_classifying_closes_it_and_opens_the_departments_limits(world, policies):
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        d = scenarios.joint_handling(world)
    classification = Deadline.objects.get(dispute=d, stage=Stage.CLASSIFICATION)
    assert classification.status == "met"
    opinions = Deadline.objects.filter(dispute=d, stage=Stage.DEPARTMENT_OPINION)
    assert {o.department for o in opinions} == {world.tax, world.hr}
    assert {local(o.due_at) for o in opinions} == {"2025-03-17 23:59"}  # 5 working days
    reply = Deadline.objects.get(dispute=d, stage=Stage.GENERAL_REPLY)
    assert reply.department == world.tax and local(reply.due_at) == "2025-03-31 23:59"
    assert DepartmentTask.objects.filter(dispute=d, deadline__isnull=False).count() == 2


def test_the_policy_table_sets_the_limit(world, policies):
    DeadlinePolicy.objects.filter(stage=Stage.DEPARTMENT_OPINION).update(working_days=2)
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        d = scenarios.joint_handling(world)
    due = Deadline.objects.filter(dispute=d, stage=Stage.DEPARTMENT_OPINION).first().due_at
    assert local(due) == "2025-03-12 23:59"


def test_a_category_specific_policy_wins_for_its_category(world, policies):
    special = DeadlinePolicy.objects.create(
        stage=Stage.DEPARTMENT_OPINION, name="数据核实", working_days=3
    )
    special.categories.set([world.category_refund])
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        d = scenarios.joint_handling(world, category=world.category_refund)
        other = scenarios.joint_handling(world)
    assert local(d.deadlines.filter(stage="department_opinion").first().due_at) == (
        "2025-03-13 23:59"
    )
    assert local(other.deadlines.filter(stage="department_opinion").first().due_at) == (
        "2025-03-17 23:59"
    )


def test_reminder_the_working_day_before_then_overdue_with_an_accountability_record(
    world, policies
):
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        d = scenarios.joint_handling(world)
    hr_deadline = Deadline.objects.get(dispute=d, department=world.hr)
    # Due Monday 17th: the reminder is due on Friday 14th at 09:00.
    with time_machine.travel(at("2025-03-14 08:59"), tick=False):
        assert deadlines.sweep().reminders == 0
    with time_machine.travel(at("2025-03-14 09:00"), tick=False):
        result = deadlines.sweep()
    assert result.reminders >= 2  # both departments' opinions (and nothing twice)
    assert len(inbox(world.officer_hr, "deadline.reminder")) == 1
    assert inbox(world.officer_medical) == []
    with time_machine.travel(at("2025-03-17 23:59"), tick=False):
        assert deadlines.sweep().overdue == 0
    with time_machine.travel(at("2025-03-18 00:05"), tick=False):
        assert deadlines.sweep().overdue == 2
    hr_deadline.refresh_from_db()
    assert hr_deadline.status == "overdue"
    assert len(inbox(world.officer_hr, "deadline.overdue")) == 1
    assert len(inbox(world.coordinator, "deadline.overdue")) == 2
    assert inbox(world.lgo) == []  # a general case: the leading group is not disturbed
    record = Accountability.objects.get(deadline=hr_deadline)
    assert (record.department, record.stage) == (world.hr, Stage.DEPARTMENT_OPINION)
    # Answered three working days late: the record says so.
    task = DepartmentTask.objects.get(dispute=d, department=world.hr)
    with time_machine.travel(at("2025-03-20 15:00"), tick=False):
        consultation_services.opinion_give(
            task=task, actor=world.officer_hr, finding="f", basis="", proposal="p"
        )
    hr_deadline.refresh_from_db()
    record.refresh_from_db()
    assert (hr_deadline.status, hr_deadline.days_late, record.days_late) == ("overdue", 3, 3)


def test_an_overdue_major_case_reaches_the_leading_group_office(world, policies):
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        d = scenarios.escalated(world)
    approval = Deadline.objects.get(dispute=d, stage=Stage.LEADER_APPROVAL)
    assert approval.centre == world.lgo_centre
    with time_machine.travel(at("2025-03-14 00:01"), tick=False):
        deadlines.sweep()
    assert len(inbox(world.lgo, "deadline.overdue")) == 1


def test_the_sweep_is_idempotent(world, policies):
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        for _ in range(3):
            scenarios.joint_handling(world)
    with time_machine.travel(at("2025-04-30 10:00"), tick=False):
        first = deadlines.sweep()
        notices = DeadlineNotice.objects.count()
        messages = Notification.objects.count()
        second = deadlines.sweep()
    assert first.overdue > 0 and (second.reminders, second.overdue) == (0, 0)
    assert DeadlineNotice.objects.count() == notices
    assert Notification.objects.count() == messages


def test_a_sweep_killed_midway_is_completed_by_the_next_one(world, policies):
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        for _ in range(4):
            scenarios.joint_handling(world)
    due = list(Deadline.objects.running().values_list("pk", flat=True))
    with time_machine.travel(at("2025-04-30 10:00"), tick=False):
        now = datetime.datetime.now(tz=SH)
        for pk in due[: len(due) // 2]:  # the worker died after these
            deadlines._mark_overdue(pk, now)
        deadlines.sweep()
        deadlines.sweep()
    assert Deadline.objects.running().count() == 0
    assert DeadlineNotice.objects.filter(kind="overdue").count() == len(due)
    assert Accountability.objects.count() == len(due)


def test_an_extension_moves_the_due_moment_once_granted(world, policies):
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        d = scenarios.joint_handling(world)
        deadline = Deadline.objects.get(dispute=d, department=world.hr)
        request = routing_services.extension_request(
            deadline=deadline, actor=world.officer_hr, working_days=3, reason="需调取工资台账"
        )
        with pytest.raises(Exception):  # noqa: B017 - only the responsible department asks
            routing_services.extension_request(
                deadline=deadline, actor=world.officer_tax, working_days=3, reason="x"
            )
        routing_services.extension_decide(
            request=request, actor=world.coordinator, grant=True, comment="同意"
        )
    deadline.refresh_from_db()
    assert deadline.status == "extended"
    assert local(deadline.due_at) == "2025-03-20 23:59"
    assert [a for a in d.timeline.values_list("action", flat=True) if "extension" in a] == [
        "routing.extension.requested",
        "routing.extension.granted",
    ]
    assert len(inbox(world.officer_hr, "extension.decided")) == 1


def test_pausing_stops_the_clocks_and_resuming_moves_them_on(world, policies):
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        d = scenarios.joint_handling(world)
    with time_machine.travel(at("2025-03-11 10:00"), tick=False):
        routing_services.case_pause(dispute=d, actor=world.clerk, reason="等待缴费人补充工资流水")
    with time_machine.travel(at("2025-03-25 10:00"), tick=False):
        assert deadlines.sweep().overdue == 0  # paused: nothing is late
    with time_machine.travel(at("2025-03-13 16:00"), tick=False):
        routing_services.case_resume(dispute=d, actor=world.clerk)
    deadline = Deadline.objects.get(dispute=d, department=world.hr)
    assert deadline.paused_at is None
    assert local(deadline.due_at) == "2025-03-19 23:59"  # two working days later
    assert [a for a in d.timeline.values_list("action", flat=True) if "clock" in a] == [
        "routing.clock.paused",
        "routing.clock.resumed",
    ]


def test_a_withdrawn_case_cancels_its_clocks_and_starts_the_archiving_one(world, policies):
    from disputes import services

    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        d = scenarios.joint_handling(world)
        services.dispute_withdraw(dispute=d, actor=world.clerk, reason="撤回")
    statuses = dict(d.deadlines.exclude(stage=Stage.ARCHIVING).values_list("pk", "status"))
    by_stage = dict(d.deadlines.values_list("stage", "status"))
    assert by_stage[Stage.CLASSIFICATION] == "met"
    assert by_stage[Stage.GENERAL_REPLY] == "cancelled"
    assert set(statuses.values()) == {"met", "cancelled"}
    assert d.deadlines.get(stage=Stage.ARCHIVING).status == "open"


def test_a_deadline_reaching_into_an_unknown_year_is_provisional_until_it_is_entered(
    world, policies
):
    with time_machine.travel(at("2026-12-28 10:00"), tick=False):
        d = scenarios.joint_handling(world)
        deadline = Deadline.objects.get(dispute=d, department=world.hr)
        assert deadline.provisional
        assert 2027 in deadlines.provisional_years()
        CalendarDay.objects.create(date=datetime.date(2027, 1, 1), is_workday=False, reason="元旦")
        CalendarYear.objects.create(year=2027, notice="国办发明电")
        assert deadlines.recompute_provisional() >= 1
    deadline.refresh_from_db()
    assert not deadline.provisional
    assert local(deadline.due_at) == "2027-01-05 23:59"  # 29, 30, 31 Dec, 4, 5 Jan


def test_the_management_command_runs_the_sweep(world, policies, capsys):
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        scenarios.joint_handling(world)
    with time_machine.travel(at("2025-04-30 10:00"), tick=False):
        call_command("check_deadlines")
    assert Deadline.objects.filter(status="overdue").exists()
    assert capsys.readouterr().out.strip()


def test_the_celery_task_runs_the_sweep_eagerly(world, policies, settings):
    from routing.tasks import sweep_deadlines

    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        scenarios.joint_handling(world)
    with time_machine.travel(at("2025-04-30 10:00"), tick=False):
        sweep_deadlines.delay()
    assert Deadline.objects.filter(status="overdue").count() >= 3


def test_a_step_finished_late_before_any_sweep_still_leaves_an_accountability_record(
    world, policies
):
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        d = scenarios.registered(world)
    with time_machine.travel(at("2025-03-13 11:00"), tick=False):  # due end of the 11th
        routing_services.dispute_classify(
            dispute=d, actor=world.clerk, classification="simple", note="已解释"
        )
    deadline = Deadline.objects.get(dispute=d, stage=Stage.CLASSIFICATION)
    assert (deadline.status, deadline.days_late) == ("overdue", 2)
    assert Accountability.objects.get(deadline=deadline).days_late == 2


def test_an_extension_granted_after_the_deadline_passed_runs_again_and_may_be_late_again(
    world, policies
):
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        d = scenarios.joint_handling(world)
    deadline = Deadline.objects.get(dispute=d, department=world.hr)
    with time_machine.travel(at("2025-03-18 08:00"), tick=False):
        deadlines.sweep()
        request = routing_services.extension_request(
            deadline=deadline, actor=world.officer_hr, working_days=2, reason="补充材料"
        )
        routing_services.extension_decide(request=request, actor=world.coordinator, grant=True)
    deadline.refresh_from_db()
    assert deadline.status == "extended" and local(deadline.due_at) == "2025-03-19 23:59"
    with time_machine.travel(at("2025-03-21 08:00"), tick=False):
        assert deadlines.sweep().overdue >= 1
    deadline.refresh_from_db()
    assert deadline.status == "overdue"
    assert Accountability.objects.filter(deadline=deadline).count() == 1
    assert DeadlineNotice.objects.filter(deadline=deadline, kind="overdue").count() == 2


@pytest.mark.parametrize("how", ["close", "withdraw"])
def test_leaving_the_open_states_ends_the_pause_and_the_archiving_clock_runs(world, policies, how):
    from disputes import services
    from routing.models import CasePause

    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        d = scenarios.replied(world)
    with time_machine.travel(at("2025-03-11 10:00"), tick=False):
        routing_services.case_pause(dispute=d, actor=world.clerk, reason="等待缴费人确认")
    with time_machine.travel(at("2025-03-13 10:00"), tick=False):
        if how == "close":
            services.dispute_accept(dispute=d, actor=world.clerk)
        else:
            services.dispute_withdraw(dispute=d, actor=world.clerk, reason="缴费人撤回")
    pause = CasePause.objects.get(dispute=d)
    assert pause.ended_at is not None
    archiving = d.deadlines.get(stage=Stage.ARCHIVING)
    assert archiving.paused_at is None and archiving.status == "open"
    assert not d.deadlines.filter(paused_at__isnull=False).exists()
    assert "routing.clock.resumed" in d.timeline.values_list("action", flat=True)
    # The archiving clock is enforced: five working days after closing it is overdue.
    with time_machine.travel(at("2025-03-25 10:00"), tick=False):
        assert deadlines.sweep().overdue >= 1
    assert d.deadlines.get(stage=Stage.ARCHIVING).status == "overdue"


def test_a_department_without_officer_leaves_its_notices_to_the_owning_centres_coordinator(
    world, policies, caplog
):
    from departments.models import Department

    civil = Department.objects.create(name="芮城县民政局", code="civil", kind="finance")
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        d = world.make_dispute()
        routing_services.dispute_classify(
            dispute=d, actor=world.clerk, classification="general", lead_department=civil
        )
    # The new work is announced to the coordinator, not to nobody.
    assert any(d.number in m for m in inbox(world.coordinator, "deadline.opened"))
    deadline = Deadline.objects.get(dispute=d, department=civil, stage=Stage.DEPARTMENT_OPINION)
    with time_machine.travel(deadline.remind_at, tick=False), caplog.at_level("WARNING"):
        assert deadlines.sweep().reminders >= 1
    assert any("部门出具意见" in m for m in inbox(world.coordinator, "deadline.reminder"))
    assert "芮城县民政局" in caplog.text and "no officer" in caplog.text
    assert inbox(world.clerk, "deadline.reminder") == []  # the coordinator, not the window


def test_the_migration_ends_the_pauses_that_finished_cases_kept(world, policies):
    import importlib

    from django.apps import apps

    from disputes.models import Dispute
    from routing.models import CasePause

    migration = importlib.import_module("routing.migrations.0005_end_pauses_of_finished_cases")
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        d = scenarios.replied(world)
        routing_services.case_pause(dispute=d, actor=world.clerk, reason="等待缴费人确认")
        still_open = scenarios.replied(world)
        routing_services.case_pause(dispute=still_open, actor=world.clerk, reason="等待材料")
    # As the code before the fix left it: closed, the pause and the clocks still standing.
    Dispute.objects.filter(pk=d.pk).update(state="closed")
    with time_machine.travel(at("2025-03-12 10:00"), tick=False):
        migration.end_pauses_of_finished_cases(apps, None)
    assert CasePause.objects.get(dispute=d).ended_at is not None
    assert not d.deadlines.filter(paused_at__isnull=False).exists()
    assert CasePause.objects.get(dispute=still_open).ended_at is None  # still waiting
