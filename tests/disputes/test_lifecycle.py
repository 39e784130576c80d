"""The three paths (simple, general, major), transfer and referral, through the service layer."""

import datetime

import pytest

from consultations import services as consultation_services
from consultations.models import DepartmentTask
from disputes import services
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.invariants import violations
from disputes.models import Classification, State
from routing import services as routing_services
from routing.models import Referral, Transfer
from tests import scenarios

pytestmark = pytest.mark.django_db


def actions(dispute):
    return list(dispute.timeline.values_list("action", "from_state", "to_state"))


def give_all_opinions(w, dispute):
    for task in DepartmentTask.objects.filter(dispute=dispute):
        officer = {w.tax.pk: w.officer_tax, w.hr.pk: w.officer_hr}[task.department_id]
        consultation_services.opinion_give(
            task=task,
            actor=officer,
            finding="经核实……",
            basis="《社会保险法》第六十条",
            proposal="按实际工资补缴。",
        )


def test_registration_numbers_the_case_per_centre_and_year_and_records_the_first_responder(world):
    first = world.make_dispute()
    second = world.make_dispute()
    other = world.make_dispute(actor=world.clerk_b, centre=world.centre_b)
    year = first.received_at.astimezone().year
    assert first.number == f"GA-{year}-000001"
    assert second.number == f"GA-{year}-000002"
    assert other.number == f"GB-{year}-000001"
    assert first.first_responder == world.clerk
    assert first.state == State.REGISTERED
    assert actions(first) == [("disputes.case.registered", "", "registered")]
    assert first.parties.get().is_representative


def test_a_simple_case_is_settled_on_the_spot_and_archived(world):
    d = world.make_dispute()
    d = routing_services.dispute_classify(
        dispute=d,
        actor=world.clerk,
        classification=Classification.SIMPLE,
        note="当场查询缴费记录并解释。",
    )
    assert d.state == State.RESOLVED_ON_SPOT
    assert d.handling_opinion == "当场查询缴费记录并解释。"
    assert violations(d) == []
    d = services.dispute_archive(dispute=d, actor=world.clerk)
    assert d.state == State.ARCHIVED
    assert violations(d) == []
    assert d.archive_number.startswith("GA-DA-")
    assert [a[0] for a in actions(d)] == [
        "disputes.case.registered",
        "disputes.case.classified",
        "disputes.case.archived",
    ]


def test_a_general_case_runs_through_joint_handling_to_the_archive(world):
    d = world.make_dispute()
    d = routing_services.dispute_classify(
        dispute=d,
        actor=world.clerk,
        classification=Classification.GENERAL,
        lead_department=world.tax,
        co_departments=[world.hr],
    )
    assert d.state == State.JOINT_HANDLING
    tasks = DepartmentTask.objects.filter(dispute=d)
    assert {(t.department_id, t.role, t.status) for t in tasks} == {
        (world.tax.pk, "lead", "pending"),
        (world.hr.pk, "co", "pending"),
    }
    give_all_opinions(world, d)
    d = consultation_services.dispute_consolidate(
        dispute=d, actor=world.coordinator, opinion="经税务、人社联合核实，单位应按实际工资补缴。"
    )
    assert d.state == State.AWAITING_REPLY
    assert violations(d) == []
    d = services.dispute_reply(dispute=d, actor=world.coordinator, text="答复：……")
    assert violations(d) == []
    d = services.dispute_accept(dispute=d, actor=world.clerk)
    assert d.state == State.CLOSED and d.closed_at is not None
    assert violations(d) == []
    d = services.dispute_archive(dispute=d, actor=world.clerk)
    assert violations(d) == []
    assert [a[2] for a in actions(d) if a[1] != a[2]] == [
        "registered",
        "joint_handling",
        "awaiting_reply",
        "replied",
        "closed",
        "archived",
    ]
    assert d.timeline.filter(action="consultations.opinion.given").count() == 2


def test_it_refuses_consolidation_before_every_department_has_answered(world):
    d = world.make_dispute()
    routing_services.dispute_classify(
        dispute=d,
        actor=world.clerk,
        classification="general",
        lead_department=world.tax,
        co_departments=[world.hr],
    )
    task = DepartmentTask.objects.get(dispute=d, department=world.tax)
    consultation_services.opinion_give(
        task=task, actor=world.officer_tax, finding="事实", basis="", proposal="建议"
    )
    with pytest.raises(DisputeError) as info:
        consultation_services.dispute_consolidate(dispute=d, actor=world.coordinator, opinion="x")
    assert "芮城县人社局" in str(info.value.message)
    d.refresh_from_db()
    assert d.state == State.JOINT_HANDLING


def test_only_the_departments_own_officer_gives_its_opinion(world):
    d = world.make_dispute()
    routing_services.dispute_classify(
        dispute=d,
        actor=world.clerk,
        classification="general",
        lead_department=world.tax,
    )
    task = DepartmentTask.objects.get(dispute=d)
    with pytest.raises(ActionNotPermitted):
        consultation_services.opinion_give(
            task=task, actor=world.officer_hr, finding="x", basis="", proposal="y"
        )
    consultation_services.opinion_give(
        task=task, actor=world.officer_tax, finding="x", basis="", proposal="y"
    )
    with pytest.raises(DisputeError):
        consultation_services.opinion_give(
            task=task, actor=world.officer_tax, finding="x", basis="", proposal="y"
        )


def test_a_major_case_goes_through_the_leader_to_special_handling(world):
    d = world.make_dispute(is_group_dispute=True)
    d = routing_services.dispute_classify(
        dispute=d,
        actor=world.coordinator,
        classification="major",
        lead_department=world.tax,
        co_departments=[world.hr],
        note="涉及职工30余人，欠费金额大。",
    )
    assert d.state == State.ESCALATED and d.escalated_at is not None
    assert violations(d) == []
    with pytest.raises(ActionNotPermitted):
        consultation_services.dispute_approve(dispute=d, actor=world.lgo)
    d = consultation_services.dispute_approve(dispute=d, actor=world.leader, comment="同意专案办理")
    assert d.state == State.SPECIAL_HANDLING
    assert violations(d) == []
    d = scenarios.decided_by_minutes(world, dispute=d)
    assert d.state == State.AWAITING_REPLY
    assert violations(d) == []
    assert d.handling_opinion == "会商决定：单位限期补缴，税务局负责追缴。"
    d = services.dispute_reply(dispute=d, actor=world.clerk, text="答复")
    d = services.dispute_object(dispute=d, actor=world.clerk, route="arbitration")
    assert d.state == State.OBJECTED and d.objection_route == "arbitration"
    assert violations(d) == []
    d = services.dispute_record_outcome(dispute=d, actor=world.clerk, outcome="仲裁维持处理意见。")
    assert d.state == State.CLOSED
    assert violations(d) == []


def test_a_general_case_the_task_force_cannot_settle_is_escalated_and_may_be_returned(world):
    d = world.make_dispute()
    routing_services.dispute_classify(
        dispute=d,
        actor=world.clerk,
        classification="general",
        lead_department=world.tax,
    )
    with pytest.raises(ActionNotPermitted):
        consultation_services.dispute_escalate(dispute=d, actor=world.clerk, reason="难以协调")
    d = consultation_services.dispute_escalate(
        dispute=d, actor=world.coordinator, reason="部门意见分歧，难以协调。"
    )
    assert d.state == State.ESCALATED and d.classification == Classification.MAJOR
    assert violations(d) == []
    d = consultation_services.dispute_return(
        dispute=d, actor=world.leader, comment="请工作专班继续协调。"
    )
    assert d.state == State.JOINT_HANDLING
    # Returned: general again, and still marked as once escalated.
    assert violations(d) == []
    # The lead department keeps its one live task; nothing is duplicated.
    assert DepartmentTask.objects.filter(dispute=d).count() == 1


def test_transfer_hands_the_case_to_the_other_centre_and_keeps_it_registered(world):
    d = world.make_dispute()
    d = routing_services.dispute_transfer(
        dispute=d, actor=world.clerk, centre=world.centre_b, reason="事项所在地属风陵渡镇。"
    )
    assert d.state == State.REGISTERED
    assert violations(d) == []
    assert d.centre == world.centre_b and d.jurisdiction == world.town_b
    assert d.number.startswith("GA-")  # the number stays with the case
    assert Transfer.objects.get(dispute=d).from_centre == world.centre_a
    with pytest.raises(ActionNotPermitted):
        routing_services.dispute_classify(
            dispute=d, actor=world.clerk, classification="simple", note="x"
        )
    routing_services.dispute_classify(
        dispute=d, actor=world.clerk_b, classification="simple", note="已解释"
    )


def test_a_referred_case_is_dispatched_by_the_government_office(world, today):
    import datetime

    d = world.make_dispute()
    d = routing_services.dispute_refer(
        dispute=d,
        actor=world.clerk,
        summary="职责不清的退费争议",
        opinion="请政府办按职责转交。",
        report_back_by=today + datetime.timedelta(days=5),
    )
    assert d.state == State.REFERRED
    assert violations(d) == []
    with pytest.raises(ActionNotPermitted):
        routing_services.dispute_dispatch(dispute=d, actor=world.officer_tax, department=world.hr)
    d = routing_services.dispute_dispatch(
        dispute=d, actor=world.officer_gov, department=world.hr, hotline_ticket="12345-0001"
    )
    assert d.state == State.JOINT_HANDLING and d.lead_department == world.hr
    assert violations(d) == []  # classified general by the dispatch, with no classified_at
    referral = Referral.objects.get(dispute=d)
    assert referral.dispatched_to == world.hr and referral.hotline_ticket == "12345-0001"
    assert DepartmentTask.objects.get(dispute=d).department == world.hr


@pytest.mark.parametrize(
    "state_path",
    [[], ["general"], ["general", "escalate"], ["general", "escalate", "approve"]],
)
def test_a_case_can_be_withdrawn_from_any_open_state_and_then_archived(world, state_path):
    d = world.make_dispute()
    if state_path:
        routing_services.dispute_classify(
            dispute=d, actor=world.clerk, classification="general", lead_department=world.tax
        )
    if "escalate" in state_path:
        consultation_services.dispute_escalate(dispute=d, actor=world.coordinator, reason="r")
    if "approve" in state_path:
        consultation_services.dispute_approve(dispute=d, actor=world.leader)
    d = services.dispute_withdraw(dispute=d, actor=world.clerk, reason="缴费人主动撤回。")
    assert d.state == State.WITHDRAWN
    assert violations(d) == []
    d = services.dispute_archive(dispute=d, actor=world.clerk)
    assert d.state == State.ARCHIVED
    assert violations(d) == []


def test_it_refuses_a_transition_the_state_does_not_allow_with_a_clear_message(world):
    d = world.make_dispute()
    with pytest.raises(DisputeError) as info:
        services.dispute_reply(dispute=d, actor=world.clerk, text="答复")
    assert d.get_state_display() in str(info.value.message)
    d.refresh_from_db()
    assert d.state == State.REGISTERED
    assert d.timeline.count() == 1


def test_it_refuses_an_action_on_a_case_that_changed_since_the_user_looked(world):
    d = world.make_dispute()
    routing_services.dispute_classify(
        dispute=d, actor=world.clerk, classification="simple", note="已解释"
    )
    with pytest.raises(DisputeError):
        services.dispute_withdraw(
            dispute=d, actor=world.coordinator, reason="x", expected_state=State.REGISTERED
        )


def test_the_state_field_cannot_be_written_directly(world):
    d = world.make_dispute()
    with pytest.raises(AttributeError):
        d.state = State.CLOSED


def test_an_archived_case_accepts_no_further_transition(world):
    d = world.make_dispute()
    routing_services.dispute_classify(
        dispute=d, actor=world.clerk, classification="simple", note="已解释"
    )
    d = services.dispute_archive(dispute=d, actor=world.clerk)
    for call in (
        lambda: services.dispute_withdraw(dispute=d, actor=world.clerk, reason="x"),
        lambda: services.dispute_archive(dispute=d, actor=world.clerk),
    ):
        with pytest.raises(DisputeError):
            call()


def test_unanswered_department_tasks_are_closed_when_the_case_is_withdrawn(world):
    d = world.make_dispute()
    routing_services.dispute_classify(
        dispute=d,
        actor=world.clerk,
        classification="general",
        lead_department=world.tax,
        co_departments=[world.hr],
    )
    services.dispute_withdraw(dispute=d, actor=world.clerk, reason="撤回")
    assert set(DepartmentTask.objects.filter(dispute=d).values_list("status", flat=True)) == {
        "withdrawn"
    }


def test_departments_give_opinions_in_special_handling_of_a_major_case(world):
    d = world.make_dispute()
    routing_services.dispute_classify(
        dispute=d,
        actor=world.clerk,
        classification="major",
        lead_department=world.tax,
        co_departments=[world.hr],
        note="重大",
    )
    assert not DepartmentTask.objects.filter(dispute=d).exists()
    consultation_services.dispute_approve(dispute=d, actor=world.leader)
    task = DepartmentTask.objects.get(dispute=d, department=world.hr)
    consultation_services.opinion_give(
        task=task, actor=world.officer_hr, finding="f", basis="", proposal="p"
    )
    d = scenarios.decided_by_minutes(world, dispute=d)
    assert d.state == State.AWAITING_REPLY
    statuses = dict(DepartmentTask.objects.filter(dispute=d).values_list("department", "status"))
    assert statuses == {world.hr.pk: "answered", world.tax.pk: "withdrawn"}


def test_escalation_keeps_the_pending_opinions_open(world):
    d = world.make_dispute()
    routing_services.dispute_classify(
        dispute=d,
        actor=world.clerk,
        classification="general",
        lead_department=world.tax,
    )
    consultation_services.dispute_escalate(dispute=d, actor=world.coordinator, reason="r")
    task = DepartmentTask.objects.get(dispute=d)
    assert task.status == "pending"
    consultation_services.opinion_give(
        task=task, actor=world.officer_tax, finding="f", basis="", proposal="p"
    )


def test_a_service_given_a_moment_writes_everything_at_that_moment(world, now):
    # The demo gives its cases a history this way (at=), with no clock moved.
    from disputes.models import Notification
    from routing.models import Deadline

    received = now - datetime.timedelta(days=20, hours=3)
    registered_at = received + datetime.timedelta(minutes=10)
    classified_at = received + datetime.timedelta(days=1)
    d = world.make_dispute(received_at=received, at=registered_at)
    d = routing_services.dispute_classify(
        at=classified_at,
        dispute=d,
        actor=world.clerk,
        classification=Classification.GENERAL,
        lead_department=world.tax,
    )

    assert d.created_at == registered_at and d.classified_at == classified_at
    assert list(d.timeline.order_by("pk").values_list("at", flat=True)) == [
        registered_at,
        classified_at,
    ]
    task = DepartmentTask.objects.get(dispute=d)
    assert task.opened_at == classified_at
    deadlines = Deadline.objects.filter(dispute=d)
    assert {x.started_at for x in deadlines} == {received, classified_at}  # from receipt
    assert deadlines.get(stage="classification").met_at == classified_at
    notices = Notification.objects.filter(dispute=d)
    assert notices and {n.created_at for n in notices} <= {registered_at, classified_at}
    # Without at=, the present.
    later = services.dispute_withdraw(dispute=d, actor=world.clerk, reason="撤回")
    assert later.closed_at >= now
