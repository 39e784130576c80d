"""Joint handling: opinions with attachments, consolidation once every opinion is in or overdue,
refusal and reassignment, the clue to the discipline commission, escalation."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consultations import selectors
from consultations import services as consultation_services
from consultations.models import DepartmentTask, DisciplineReferral
from departments.models import Department, Role, Staff, role_group
from disputes.actions import actions_for
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.models import Notification, State
from disputes.selectors import visible_disputes
from routing.models import Deadline
from tests import scenarios
from tests.files import pdf_bytes

pytestmark = pytest.mark.django_db


def task_of(d, department):
    return DepartmentTask.objects.get(dispute=d, department=department)


def action_keys(d, user):
    return [a.key for a in actions_for(d, user)]


def pdf(name="核定表.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), "application/pdf")


def test_an_opinion_carries_its_attachments_into_the_case_file(world):
    d = scenarios.joint_handling(world)

    consultation_services.opinion_give(
        task=task_of(d, world.hr),
        actor=world.officer_hr,
        finding="劳动关系成立",
        basis="《社会保险法》第五十八条",
        proposal="单位补缴",
        amount_confirmed=8800,
        attachments=[pdf("劳动关系认定.pdf")],
    )

    task = task_of(d, world.hr)
    assert [a.name for a in task.attachments.all()] == ["劳动关系认定.pdf"]
    assert d.attachments.get().name == "劳动关系认定.pdf"
    entry = d.timeline.get(action="consultations.opinion.given")
    assert entry.data == {"department": world.hr.name, "files": ["劳动关系认定.pdf"]}
    assert task.signed_by == world.officer_hr


def test_it_refuses_to_consolidate_while_an_opinion_is_awaited_in_time(world):
    d = scenarios.joint_handling(world)
    consultation_services.opinion_give(
        task=task_of(d, world.tax), actor=world.officer_tax, finding="f", basis="", proposal="p"
    )

    with pytest.raises(DisputeError, match=world.hr.name):
        consultation_services.dispute_consolidate(dispute=d, actor=world.coordinator, opinion="o")
    assert "consolidate" not in action_keys(d, world.coordinator)
    d.refresh_from_db()
    assert d.state == State.JOINT_HANDLING


def test_all_opinions_in_lets_the_lead_consolidate(world):
    d = scenarios.all_opinions_in(world)

    assert "consolidate" in action_keys(d, world.coordinator)
    d = consultation_services.dispute_consolidate(
        dispute=d, actor=world.officer_tax, opinion="总处理意见"
    )

    assert d.state == State.AWAITING_REPLY and d.handling_opinion == "总处理意见"
    entry = d.timeline.get(action="disputes.case.consolidated")
    assert entry.data == {}


def test_an_overdue_opinion_no_longer_holds_up_consolidation_and_is_marked(world):
    d = scenarios.joint_handling(world)
    consultation_services.opinion_give(
        task=task_of(d, world.tax), actor=world.officer_tax, finding="f", basis="", proposal="p"
    )
    due = task_of(d, world.hr).deadline.due_at

    with time_machine.travel(due + datetime.timedelta(minutes=1), tick=False):
        d.refresh_from_db()
        assert "consolidate" in action_keys(d, world.coordinator)
        side_by_side = {t.department_id: t.overdue for t in selectors.opinions_side_by_side(d)}
        assert side_by_side == {world.tax.pk: False, world.hr.pk: True}
        d = consultation_services.dispute_consolidate(
            dispute=d, actor=world.coordinator, opinion="人社局逾期未复，按已有意见汇总"
        )

    assert d.state == State.AWAITING_REPLY
    assert d.timeline.get(action="disputes.case.consolidated").data == {"overdue": [world.hr.name]}
    # The late department's task is withdrawn with the stage; its deadline stays on record.
    assert task_of(d, world.hr).status == DepartmentTask.Status.WITHDRAWN


def test_a_paused_deadline_is_not_overdue_for_consolidation(world):
    d = scenarios.joint_handling(world)
    deadline = task_of(d, world.hr).deadline
    Deadline.objects.filter(pk=deadline.pk).update(paused_at=timezone.now())
    consultation_services.opinion_give(
        task=task_of(d, world.tax), actor=world.officer_tax, finding="f", basis="", proposal="p"
    )

    with (
        time_machine.travel(deadline.due_at + datetime.timedelta(days=1), tick=False),
        pytest.raises(DisputeError),
    ):
        consultation_services.dispute_consolidate(dispute=d, actor=world.coordinator, opinion="o")


def test_a_department_declines_and_the_coordinator_reassigns_it(world):
    d = scenarios.declined_by_hr(world)
    assert task_of(d, world.hr).status == DepartmentTask.Status.DECLINED
    assert d.deadlines.filter(stage="pass_on", status="open").exists()

    d = consultation_services.task_reassign(
        dispute=d,
        actor=world.coordinator,
        from_department=world.hr,
        to_department=world.medical,
        reason="属医保局职责",
    )

    assert set(d.co_departments.all()) == {world.medical}
    new = task_of(d, world.medical)
    assert new.status == DepartmentTask.Status.PENDING and new.role == "co"
    assert d in visible_disputes(world.officer_medical)
    assert d not in visible_disputes(world.officer_hr)
    assert [e.action for e in d.timeline.filter(action__startswith="consultations.task")] == [
        "consultations.task.declined",
        "consultations.task.reassigned",
    ]


def test_passing_a_decline_on_meets_its_limit_and_gives_the_new_department_its_own(world):
    with time_machine.travel(
        datetime.datetime(2025, 3, 3, 9, tzinfo=timezone.get_current_timezone())
    ):
        d = scenarios.declined_by_hr(world)
    with time_machine.travel(
        datetime.datetime(2025, 3, 4, 10, tzinfo=timezone.get_current_timezone())
    ):
        consultation_services.task_reassign(
            dispute=d,
            actor=world.coordinator,
            from_department=world.hr,
            to_department=world.medical,
            reason="属医保局职责",
        )

    passing = d.deadlines.get(stage="pass_on")
    assert passing.status == Deadline.Status.MET and passing.met_at is not None
    new = task_of(d, world.medical)
    assert new.deadline is not None and new.deadline.stage == "department_opinion"
    assert new.deadline.department == world.medical and new.deadline.status == "open"
    # Five working days from Tuesday 4 March 2025: Tuesday 11 March.
    assert timezone.localtime(new.deadline.due_at).date() == datetime.date(2025, 3, 11)
    assert Notification.objects.filter(user=world.officer_medical, dispute=d).exists()


def test_only_the_coordinator_reassigns(world):
    d = scenarios.declined_by_hr(world)
    with pytest.raises(ActionNotPermitted):
        consultation_services.task_reassign(
            dispute=d,
            actor=world.officer_tax,
            from_department=world.hr,
            to_department=world.medical,
            reason="r",
        )


@pytest.fixture
def commission(world):
    dept = Department.objects.create(name="芮城县纪委监委", code="discipline", kind="discipline")
    officer = world.outsider
    officer.groups.add(role_group(Role.OFFICER))
    Staff.objects.filter(user=officer).update(department=dept)
    Staff.objects.get(user=officer).sync_unit_groups()
    return dept, officer


def test_a_refusal_without_good_reason_goes_to_the_discipline_commission(world, commission):
    _dept, commission_officer = commission
    d = scenarios.declined_by_hr(world)
    assert "discipline" in action_keys(d, world.coordinator)
    assert d not in visible_disputes(commission_officer)

    referral = consultation_services.discipline_refer(
        task=task_of(d, world.hr), actor=world.coordinator, reason="职责明确仍推诿"
    )

    assert referral.department == world.hr and referral.decided_by == world.coordinator
    entry = d.timeline.get(action="consultations.discipline.referred")
    assert entry.actor == world.coordinator and entry.note == "职责明确仍推诿"
    assert entry.data == {"department": world.hr.name}
    # The commission may now read the case, and hears of it.
    assert d in visible_disputes(commission_officer)
    assert Notification.objects.filter(
        user=commission_officer, kind="consultations.discipline", dispute=d
    ).exists()
    # Once per refusal.
    fresh = type(d).objects.get(pk=d.pk)
    assert "discipline" not in action_keys(fresh, world.coordinator)
    with pytest.raises(DisputeError):
        consultation_services.discipline_refer(
            task=task_of(d, world.hr), actor=world.coordinator, reason="again"
        )


def test_the_clue_survives_the_reassignment_of_the_refusing_department(world, commission):
    d = scenarios.declined_by_hr(world)
    consultation_services.task_reassign(
        dispute=d,
        actor=world.coordinator,
        from_department=world.hr,
        to_department=world.medical,
        reason="改由医保局办理",
    )
    declined = DepartmentTask.objects.get(dispute=d, department=world.hr)

    consultation_services.discipline_refer(task=declined, actor=world.coordinator, reason="推诿")

    assert DisciplineReferral.objects.filter(dispute=d, department=world.hr).count() == 1


def test_a_department_that_answers_in_time_cannot_be_reported(world, commission):
    d = scenarios.all_opinions_in(world)
    with pytest.raises(DisputeError):
        consultation_services.discipline_refer(
            task=task_of(d, world.hr), actor=world.coordinator, reason="r"
        )
    assert not DisciplineReferral.objects.exists()


def test_only_the_coordinator_passes_a_clue_on(world, commission):
    d = scenarios.declined_by_hr(world)
    with pytest.raises(ActionNotPermitted):
        consultation_services.discipline_refer(
            task=task_of(d, world.hr), actor=world.officer_tax, reason="r"
        )
    with pytest.raises(ActionNotPermitted):
        consultation_services.discipline_refer(
            task=task_of(d, world.hr), actor=world.lgo, reason="r"
        )


def test_a_department_silent_past_its_deadline_can_be_reported(world, commission):
    d = scenarios.joint_handling(world)
    due = task_of(d, world.hr).deadline.due_at
    with time_machine.travel(due + datetime.timedelta(hours=1), tick=False):
        referral = consultation_services.discipline_refer(
            task=task_of(d, world.hr), actor=world.coordinator, reason="逾期不出具意见"
        )
    assert referral.task.status == DepartmentTask.Status.PENDING


def test_an_escalation_is_approved_by_the_leader_with_a_comment(world):
    d = scenarios.escalated(world)
    d = consultation_services.dispute_approve(dispute=d, actor=world.leader, comment="同意专案")
    assert d.state == State.SPECIAL_HANDLING
    entry = d.timeline.get(action="disputes.case.approved")
    assert entry.actor == world.leader and entry.note == "同意专案"
    assert d.deadlines.filter(stage="consultation_meeting", status="open").exists()


def test_an_escalation_is_returned_with_a_comment(world):
    d = scenarios.escalated(world)
    with pytest.raises(DisputeError):
        consultation_services.dispute_return(dispute=d, actor=world.leader, comment=" ")
    d = consultation_services.dispute_return(dispute=d, actor=world.leader, comment="请专班再协调")
    assert d.state == State.JOINT_HANDLING
    assert d.timeline.get(action="disputes.case.returned").note == "请专班再协调"
