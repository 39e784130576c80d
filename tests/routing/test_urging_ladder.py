"""The sweep's urging ladder: a 《催办通知书》 on the first working day after a department's
limit passed unmet, a 通报 five working days after the notice; across the 2025 National Day
holiday (1–8 October off, Saturday 11 October an adjusted workday), under controlled time."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from consultations import services as consultation_services
from consultations.models import DepartmentTask
from disputes.models import CaseCounter, Notification, TimelineEntry
from disputes.selectors import visible_disputes
from routing import deadlines, urging
from routing.models import Deadline, LateCircular, Stage, UrgingNotice, UrgingStep
from tests import scenarios

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SH)


def sweep_at(text: str):
    with time_machine.travel(at(text), tick=False):
        return deadlines.sweep()


def kinds(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind).values_list("message", flat=True))


@pytest.fixture
def case(world, policies):
    """Classified on Wednesday 24 September 2025: the departments' opinions (5 working days,
    Sunday 28 September an adjusted workday) are due on Tuesday 30 September, the eve of the
    holiday."""
    with time_machine.travel(at("2025-09-24 10:00"), tick=False):
        return scenarios.joint_handling(world)


def opinions(d):
    return Deadline.objects.filter(dispute=d, stage=Stage.DEPARTMENT_OPINION).order_by("pk")


def test_the_opinions_fall_due_on_the_eve_of_the_holiday(case):
    assert {timezone_day(o.due_at) for o in opinions(case)} == {"2025-09-30"}


def timezone_day(moment) -> str:
    return moment.astimezone(SH).date().isoformat()


def test_no_notice_over_the_holiday_then_one_on_the_first_working_day_after_it(world, case):
    sweep_at("2025-10-01 09:00")  # overdue from the first minute of the holiday
    assert set(opinions(case).values_list("status", flat=True)) == {"overdue"}
    for day in ("2025-10-03 10:00", "2025-10-08 18:00"):
        assert sweep_at(day).notices == 0
    assert not UrgingNotice.objects.exists()

    result = sweep_at("2025-10-09 09:00")  # Thursday, the first working day after the holiday
    assert result.notices == 2
    notices = list(UrgingNotice.objects.order_by("department__code"))
    assert [n.department for n in notices] == [world.hr, world.tax]
    assert sorted(n.number for n in notices) == ["GA-CB-2025-0001", "GA-CB-2025-0002"]
    assert {n.days_late for n in notices} == {1}
    assert {n.centre for n in notices} == {world.centre_a}
    assert {o.circular_on for o in opinions(case)} == {datetime.date(2025, 10, 15)}
    assert len(kinds(world.officer_tax, "routing.urging_notice")) == 1
    assert len(kinds(world.officer_hr, "routing.urging_notice")) == 1
    # The owning centre's coordinator hears of both notices.
    assert len(kinds(world.coordinator, "routing.urging_notice")) == 2
    assert kinds(world.officer_medical, "routing.urging_notice") == []
    assert TimelineEntry.objects.filter(dispute=case, action=urging.NOTICE_ISSUED).count() == 2
    counter = CaseCounter.objects.get(centre=world.centre_a, year=2025, series="urging")
    assert counter.last == 2


def test_the_circular_comes_five_working_days_after_the_notice_counting_the_adjusted_saturday(
    world, case
):
    sweep_at("2025-10-09 09:00")
    # Friday 10, Saturday 11 (a workday), Monday 13, Tuesday 14: four working days only.
    assert sweep_at("2025-10-14 17:00").circulars == 0
    assert not visible_disputes(world.lgo).filter(pk=case.pk).exists()
    result = sweep_at("2025-10-15 09:00")  # the fifth
    assert result.circulars == 2
    # The office told of the case may read it from now on (one grant, one timeline row),
    # and so supervise it (督办).
    assert visible_disputes(world.lgo).filter(pk=case.pk).exists()
    assert case.timeline.filter(action="disputes.access.granted", actor=None).count() == 1
    circulars = LateCircular.objects.order_by("department__code")
    assert [c.department for c in circulars] == [world.hr, world.tax]
    # Due 30 September: 9, 10, 11, 13, 14 and 15 October are working days after it.
    assert {c.days_late for c in circulars} == {6}
    assert len(kinds(world.lgo, "routing.circular")) == 2
    assert kinds(world.officer_tax, "routing.circular") == []
    assert set(opinions(case).values_list("urging_step", flat=True)) == {UrgingStep.CIRCULAR}


def test_a_limit_met_after_its_notice_is_not_circulated(world, case):
    sweep_at("2025-10-09 09:00")
    task = DepartmentTask.objects.get(dispute=case, department=world.hr)
    with time_machine.travel(at("2025-10-10 10:00"), tick=False):
        consultation_services.opinion_give(
            task=task, actor=world.officer_hr, finding="已核实", basis="", proposal="补缴"
        )
    assert sweep_at("2025-10-15 09:00").circulars == 1
    assert list(LateCircular.objects.values_list("department", flat=True)) == [world.tax.pk]


def test_a_limit_met_before_the_notice_day_gets_none(world, case):
    sweep_at("2025-10-02 09:00")
    for task in DepartmentTask.objects.filter(dispute=case):
        officer = world.officer_tax if task.department == world.tax else world.officer_hr
        with time_machine.travel(at("2025-10-08 16:00"), tick=False):
            consultation_services.opinion_give(
                task=task, actor=officer, finding="已核实", basis="", proposal="补缴"
            )
    assert sweep_at("2025-10-09 09:00").notices == 0
    assert not UrgingNotice.objects.exists()


def test_a_centres_own_limit_is_not_urged(world, policies):
    with time_machine.travel(at("2025-09-29 10:00"), tick=False):
        d = scenarios.registered(world)  # classification: the centre's, due 30 September
    sweep_at("2025-10-09 09:00")
    assert Deadline.objects.get(dispute=d).status == "overdue"
    assert not UrgingNotice.objects.filter(dispute=d).exists()


def test_running_the_sweep_twice_issues_nothing_twice(world, case):
    first = sweep_at("2025-10-09 09:00")
    messages = Notification.objects.count()
    second = sweep_at("2025-10-09 09:05")
    assert (first.notices, second.notices) == (2, 0)
    assert Notification.objects.count() == messages
    sweep_at("2025-10-15 09:00")
    messages = Notification.objects.count()
    assert sweep_at("2025-10-15 11:00").circulars == 0
    assert LateCircular.objects.count() == 2
    assert Notification.objects.count() == messages
    assert CaseCounter.objects.get(series="urging").last == 2


def test_a_sweep_killed_after_its_first_chunk_is_completed_without_duplicates_or_gaps(
    world, policies, monkeypatch
):
    with time_machine.travel(at("2025-09-24 10:00"), tick=False):
        for _ in range(3):
            scenarios.joint_handling(world)  # six department opinions due 30 September
    sweep_at("2025-10-01 09:00")
    monkeypatch.setattr(deadlines, "CHUNK", 2)
    real = urging.issue_notice
    calls = {"n": 0}

    def dies_in_the_second_chunk(pk, now, cache=None):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker lost")
        return real(pk, now, cache)

    monkeypatch.setattr(urging, "issue_notice", dies_in_the_second_chunk)
    with pytest.raises(SystemExit):
        sweep_at("2025-10-09 09:00")
    # The first chunk stands; the second was rolled back whole, its number with it.
    assert UrgingNotice.objects.count() == 2
    assert CaseCounter.objects.get(series="urging").last == 2
    monkeypatch.setattr(urging, "issue_notice", real)
    assert sweep_at("2025-10-09 09:30").notices == 4
    numbers = sorted(UrgingNotice.objects.values_list("number", flat=True))
    assert numbers == [f"GA-CB-2025-{n:04d}" for n in range(1, 7)]  # no duplicate, no gap
    assert (
        Notification.objects.filter(kind="routing.urging_notice", user=world.coordinator).count()
        == 6
    )


def test_a_lost_race_for_a_notice_wastes_no_number(world, case):
    """Another sweep wrote the notice between our claim and our row: the unique key refuses
    ours and the number taken with it is given back."""
    sweep_at("2025-10-09 09:00")
    deadline = opinions(case).first()
    Deadline.objects.filter(pk=deadline.pk).update(urging_step=UrgingStep.NONE)
    assert not urging.issue_notice(deadline.pk, at("2025-10-09 10:00"))
    assert CaseCounter.objects.get(series="urging").last == 2
    assert UrgingNotice.objects.filter(deadline=deadline).count() == 1


def test_a_paused_case_is_not_urged_while_it_waits_on_the_payer(world, case):
    from routing.services import case_pause

    with time_machine.travel(at("2025-09-29 10:00"), tick=False):
        case_pause(dispute=case, actor=world.clerk, reason="等待材料")
    assert sweep_at("2025-10-09 09:00").notices == 0
