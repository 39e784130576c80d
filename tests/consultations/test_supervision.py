"""Supervision (督办) by the leading-group office, through the services."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from consultations import services
from consultations.models import SupervisedUnit, Supervision, SupervisionReport
from disputes import services as case_services
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.models import Notification, TimelineEntry
from disputes.selectors import visible_disputes
from routing.deadlines import sweep
from routing.models import Accountability, Deadline, Stage
from tests import scenarios

pytestmark = pytest.mark.django_db


def supervise(world, dispute, *, departments=None, due_date=None, actor=None):
    return services.supervision_open(
        dispute=dispute,
        actor=actor or world.lgo,
        matter="督促税务局、人社局核实缴费基数并答复职工。",
        requirement="请于期限内报告办理情况，逾期将予以通报。",
        departments=departments if departments is not None else [world.tax, world.hr],
        due_date=due_date,
    )


def unit_deadline(supervision, department) -> Deadline:
    return SupervisedUnit.objects.get(supervision=supervision, department=department).deadline


def actions(dispute, code):
    return list(TimelineEntry.objects.filter(dispute=dispute, action=code))


def test_the_office_opens_a_numbered_supervision_with_a_deadline_per_unit(world, policies):
    d = scenarios.escalated(world)
    due = timezone.localdate() + datetime.timedelta(days=14)
    s = supervise(world, d, due_date=due)
    year = timezone.localdate().year
    assert s.number == f"RC-DB-{year}-0001"
    assert s.office == world.lgo_centre and s.is_open and s.due_date == due
    assert set(s.departments.all()) == {world.tax, world.hr}
    for department in (world.tax, world.hr):
        deadline = unit_deadline(s, department)
        assert deadline.stage == Stage.SUPERVISION and deadline.department == department
        assert timezone.localtime(deadline.due_at).date() == due and deadline.is_running
    entry = actions(d, "consultations.supervision.opened")[0]
    assert entry.actor == world.lgo and entry.data["number"] == s.number
    # Each supervised unit's officers hear of it, once, under the supervision's own kind.
    for officer in (world.officer_tax, world.officer_hr):
        notices = Notification.objects.filter(user=officer, dispute=d)
        assert [n.kind for n in notices.filter(kind="consultations.supervision.opened")] == [
            "consultations.supervision.opened"
        ]
        assert not notices.filter(kind="deadline.opened", message__contains="督办").exists()
    assert not Notification.objects.filter(
        user=world.officer_medical, kind="consultations.supervision.opened"
    ).exists()
    # The next supervision of the office counts on.
    services.supervision_close(supervision=s, actor=world.lgo, conclusion="已办结")
    assert supervise(world, d).number == f"RC-DB-{year}-0002"


def test_without_a_date_the_policy_sets_it(world, policies):
    d = scenarios.escalated(world)
    s = supervise(world, d)
    deadline = unit_deadline(s, world.tax)
    assert deadline.working_days == 10
    assert s.due_date == timezone.localtime(deadline.due_at).date()


def test_a_supervised_department_sees_the_case(world, policies):
    d = scenarios.escalated(world)
    assert not visible_disputes(world.officer_medical).filter(pk=d.pk).exists()
    supervise(world, d, departments=[world.medical])
    assert visible_disputes(world.officer_medical).filter(pk=d.pk).exists()


def test_it_refuses_a_closed_case(world, policies):
    d = scenarios.escalated(world)
    case_services.dispute_withdraw(dispute=d, actor=world.clerk, reason="申请人撤回")
    with pytest.raises(DisputeError) as refused:
        supervise(world, d)
    assert "已撤回" in refused.value.message and "不督办" in refused.value.message
    assert not Supervision.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator", "leader", "supervisor", "officer_tax"])
def test_it_refuses_anyone_but_the_office(world, policies, persona):
    d = scenarios.escalated(world)
    with pytest.raises(ActionNotPermitted) as refused:
        supervise(world, d, actor=getattr(world, persona))
    assert refused.value.message == "只有案件所在县（区）的领导小组办公室可以督办。"
    assert not Supervision.objects.exists()


def test_it_refuses_a_second_open_supervision_and_bad_input(world, policies):
    d = scenarios.escalated(world)
    with pytest.raises(DisputeError) as refused:
        supervise(world, d, departments=[])
    assert refused.value.message == "请至少选择一个被督办单位。"
    with pytest.raises(DisputeError) as refused:
        supervise(world, d, due_date=timezone.localdate() - datetime.timedelta(days=1))
    assert refused.value.message == "报告期限不能早于今天。"
    supervise(world, d)
    with pytest.raises(DisputeError) as refused:
        supervise(world, d)
    assert refused.value.message == f"案件{d.number}已在督办中。"
    assert Supervision.objects.count() == 1


def test_the_units_report_and_a_final_report_closes_their_deadline(world, policies):
    d = scenarios.escalated(world)
    s = supervise(world, d)
    services.supervision_report(supervision=s, actor=world.officer_tax, text="已约谈单位。")
    assert unit_deadline(s, world.tax).is_running
    services.supervision_report(
        supervision=s, actor=world.officer_tax, text="单位已补缴，已答复职工。", final=True
    )
    tax = unit_deadline(s, world.tax)
    assert tax.status == Deadline.Status.MET and tax.met_at is not None
    assert unit_deadline(s, world.hr).is_running  # the other unit still owes its report
    assert [(r.department, r.final) for r in SupervisionReport.objects.order_by("pk")] == [
        (world.tax, False),
        (world.tax, True),
    ]
    assert len(actions(d, "consultations.supervision.reported")) == 2
    # Done reporting: the unit reports no more.
    with pytest.raises(ActionNotPermitted):
        services.supervision_report(supervision=s, actor=world.officer_tax, text="补充")
    # A department that is not supervised reports nothing.
    with pytest.raises(ActionNotPermitted) as refused:
        services.supervision_report(supervision=s, actor=world.officer_medical, text="x")
    assert refused.value.message == "只有尚未最终报告的被督办单位承办人可以报告办理情况。"
    with pytest.raises(DisputeError) as refused:
        services.supervision_report(supervision=s, actor=world.officer_hr, text="  ")
    assert refused.value.message == "请填写本单位的办理情况。"


def test_a_late_final_report_is_recorded_for_accountability(world, policies):
    d = scenarios.escalated(world)
    s = supervise(world, d, due_date=timezone.localdate())
    later = timezone.now() + datetime.timedelta(days=8)
    with time_machine.travel(later, tick=False):
        sweep()
        assert unit_deadline(s, world.tax).status == Deadline.Status.OVERDUE
        services.supervision_report(
            supervision=s, actor=world.officer_tax, text="已办理。", final=True
        )
    tax = unit_deadline(s, world.tax)
    assert tax.status == Deadline.Status.OVERDUE and tax.met_at is not None and tax.days_late
    assert Accountability.objects.filter(deadline=tax, stage=Stage.SUPERVISION).exists()


def test_the_office_concludes_it_and_settles_what_the_units_still_owe(world, policies):
    """A unit within its time is no longer asked (cancelled: neither met nor late); a unit
    already late stays late (closed with its days late, its accountability record kept)."""
    d = scenarios.escalated(world)
    late = supervise(world, d, departments=[world.tax], due_date=timezone.localdate())
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8), tick=False):
        sweep()
        services.supervision_close(supervision=late, actor=world.lgo, conclusion="已通报。")
        tax = unit_deadline(late, world.tax)
        assert tax.status == Deadline.Status.OVERDUE and tax.met_at is not None
        assert Accountability.objects.filter(deadline=tax).exists()
        s = supervise(world, d)
        services.supervision_report(
            supervision=s, actor=world.officer_tax, text="已办结。", final=True
        )
        closed = services.supervision_close(
            supervision=s, actor=world.lgo, conclusion="税务局已办结，人社局不再报告。"
        )
    assert closed.status == Supervision.Status.CLOSED and closed.closed_by == world.lgo
    assert closed.conclusion == "税务局已办结，人社局不再报告。"
    assert unit_deadline(s, world.tax).status == Deadline.Status.MET
    hr = unit_deadline(s, world.hr)
    assert (
        hr.status == Deadline.Status.CANCELLED
        and not Accountability.objects.filter(deadline=hr).exists()
    )
    assert len(actions(d, "consultations.supervision.closed")) == 2
    with pytest.raises(DisputeError) as refused:
        services.supervision_close(supervision=s, actor=world.lgo, conclusion="再次")
    assert refused.value.message == "该督办已办结。"
    with pytest.raises(DisputeError) as refused:
        services.supervision_report(supervision=s, actor=world.officer_hr, text="补充")
    assert refused.value.message == "该督办已办结，不再接收报告。"


def test_only_the_office_concludes_and_with_a_conclusion(world, policies):
    d = scenarios.escalated(world)
    s = supervise(world, d)
    with pytest.raises(ActionNotPermitted) as refused:
        services.supervision_close(supervision=s, actor=world.leader, conclusion="结束")
    assert refused.value.message == "只有发起督办的领导小组办公室可以办结督办。"
    with pytest.raises(DisputeError) as refused:
        services.supervision_close(supervision=s, actor=world.lgo, conclusion=" ")
    assert refused.value.message == "请填写督办结论。"
    assert Supervision.objects.get().is_open


def test_a_supervised_case_is_archived_only_once_the_office_concludes(world, policies):
    d = scenarios.supervised(world)
    case_services.dispute_withdraw(dispute=d, actor=world.clerk, reason="申请人撤回")
    with pytest.raises(DisputeError) as refused:
        case_services.dispute_archive(dispute=d, actor=world.clerk, note="归档")
    s = scenarios.supervision_of(d)
    assert refused.value.message == f"暂不能归档：领导小组办公室尚未办结督办{s.number}。"
    # Withdrawing the case cancelled what the units still owed.
    assert not Deadline.objects.filter(stage=Stage.SUPERVISION, status__in=Deadline.RUNNING)
    services.supervision_close(supervision=s, actor=world.lgo, conclusion="案件已撤回，督办终结。")
    archived = case_services.dispute_archive(dispute=d, actor=world.clerk, note="归档")
    assert archived.state == "archived"
