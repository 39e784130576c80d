"""The follow-up visit (回访), the payer's rating and the redo (重办), through the services."""

import datetime

import pytest
from django.utils import timezone

from consultations import services as consultation_services
from consultations.models import DepartmentTask
from consultations.selectors import workbench
from disputes import followup, services
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.invariants import violations
from disputes.models import FollowUp, Notification, Satisfaction, State
from routing.invariants import deadline_violations
from routing.models import Deadline, Stage
from tests import scenarios

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _policies(db):
    scenarios.default_policies()


def clocks(dispute, stage):
    return list(Deadline.objects.filter(dispute=dispute, stage=stage).order_by("started_at", "pk"))


def consistent(dispute):
    dispute.refresh_from_db()
    tasks = [(t.status, t.deadline) for t in DepartmentTask.objects.filter(dispute=dispute)]
    assert violations(dispute) == []
    assert deadline_violations(dispute, dispute.deadlines.all(), tasks, now=timezone.now()) == []


def visit(w, d, satisfaction, remarks="", actor=None):
    return followup.record_follow_up(
        dispute=d,
        actor=actor or w.clerk,
        method=FollowUp.Method.PHONE,
        contact="张三",
        satisfaction=satisfaction,
        remarks=remarks,
    )


def answer_again(w, d):
    for task in DepartmentTask.objects.filter(dispute=d, status=DepartmentTask.Status.PENDING):
        officer = w.officer_tax if task.department_id == w.tax.pk else w.officer_hr
        consultation_services.opinion_give(
            task=task, actor=officer, finding="再次核实", basis="", proposal="补缴差额"
        )
    d = consultation_services.dispute_consolidate(
        dispute=d, actor=w.coordinator, opinion="重新汇总的意见"
    )
    return services.dispute_reply(dispute=d, actor=w.clerk, text="重新答复")


def test_the_reply_opens_the_follow_up_limit_and_the_visit_meets_it(world):
    d = scenarios.replied(world)
    (clock,) = clocks(d, Stage.FOLLOW_UP)
    assert clock.is_running and clock.centre == d.centre and clock.working_days == 3
    visit(world, d, Satisfaction.SATISFIED)
    clock.refresh_from_db()
    assert clock.status == Deadline.Status.MET
    d.refresh_from_db()
    assert d.satisfaction == Satisfaction.SATISFIED
    d = services.dispute_accept(dispute=d, actor=world.clerk)
    assert d.state == State.CLOSED
    consistent(d)


def test_redo_end_to_end_keeps_one_number_and_the_history(world):
    d = scenarios.replied(world)
    number, first_reply = d.number, d.reply_text
    visit(world, d, Satisfaction.DISSATISFIED, remarks="补缴金额计算有误")
    d.refresh_from_db()
    # The clerk cannot close it as accepted; the coordinator is told to decide.
    with pytest.raises(DisputeError, match="缴费人对答复不满意"):
        services.dispute_accept(dispute=d, actor=world.clerk)
    assert Notification.objects.filter(
        user=world.coordinator, kind="disputes.case.dissatisfied", dispute=d
    ).exists()
    with pytest.raises(ActionNotPermitted):
        followup.dispute_redo(dispute=d, actor=world.clerk, reason="重新核算")

    d = followup.dispute_redo(dispute=d, actor=world.coordinator, reason="重新核算补缴金额")
    assert d.state == State.JOINT_HANDLING and d.number == number
    assert d.redo_count == 1 and d.reply_round == 2
    assert d.reply_text == "" and d.satisfaction == ""
    entry = d.timeline.get(action="disputes.case.redone")
    assert (entry.from_state, entry.to_state) == (State.REPLIED, State.JOINT_HANDLING)
    assert entry.data["previous_reply"] == first_reply and entry.data["round"] == 2
    assert entry.note == "重新核算补缴金额"
    # The follow-up limit ends with the decision; the redo has its own, owed by the lead.
    assert clocks(d, Stage.FOLLOW_UP)[0].status == Deadline.Status.MET
    (redo,) = clocks(d, Stage.REDO)
    assert redo.is_running and redo.department == world.tax and redo.working_days == 10
    # The same departments are asked again, in a second round; the first opinions stay.
    tasks = DepartmentTask.objects.filter(dispute=d)
    assert sorted(tasks.filter(round=2).values_list("department_id", "status")) == sorted(
        [(world.tax.pk, "pending"), (world.hr.pk, "pending")]
    )
    assert set(tasks.filter(round=1).values_list("status", flat=True)) == {"answered"}
    assert Notification.objects.filter(
        user=world.officer_hr, kind="deadline.opened", dispute=d
    ).exists()
    consistent(d)

    d = answer_again(world, d)
    assert d.state == State.REPLIED and d.reply_text == "重新答复"
    redo = clocks(d, Stage.REDO)[0]
    assert redo.status == Deadline.Status.MET
    assert len(clocks(d, Stage.FOLLOW_UP)) == 2
    consistent(d)

    followup.rate_online(dispute=d, satisfaction=Satisfaction.SATISFIED)
    d.refresh_from_db()
    assert d.satisfaction == Satisfaction.SATISFIED
    assert clocks(d, Stage.FOLLOW_UP)[1].status == Deadline.Status.MET
    d = services.dispute_accept(dispute=d, actor=world.clerk)
    assert d.state == State.CLOSED
    consistent(d)
    actions = list(d.timeline.values_list("action", flat=True))
    assert actions.count("disputes.case.replied") == 2
    assert actions.index("disputes.case.redone") < actions.index("disputes.case.rated_online")
    # Once closed, the payer's rating can no longer change.
    with pytest.raises(DisputeError):
        followup.rate_online(dispute=d, satisfaction=Satisfaction.DISSATISFIED, remarks="x")


def test_a_case_redone_twice_goes_to_the_leading_group_workbench(world):
    d = scenarios.replied(world)
    office = world.lgo_centre
    for round_ in (1, 2):
        visit(world, d, Satisfaction.DISSATISFIED, remarks=f"第{round_}次不满意")
        d = followup.dispute_redo(dispute=d, actor=world.coordinator, reason="再办")
        assert d.redo_count == round_
        if round_ == 1:
            assert d not in workbench(world.lgo, office).redone_again
            d = answer_again(world, d)
    bench = workbench(world.lgo, office)
    assert [c.pk for c in bench.redone_again] == [d.pk]
    assert Notification.objects.filter(
        user=world.lgo, kind="consultations.case.redone_again", dispute=d
    ).exists()
    assert DepartmentTask.objects.filter(dispute=d, round=3).count() == 2
    consistent(d)


def test_explain_and_close_needs_a_dissatisfied_payer_and_the_coordinator(world):
    d = scenarios.replied(world)
    with pytest.raises(DisputeError):
        followup.dispute_close_explained(dispute=d, actor=world.coordinator, explanation="解释")
    visit(world, d, Satisfaction.DISSATISFIED, remarks="不认可")
    with pytest.raises(DisputeError, match="请填写向缴费人所作的解释说明"):
        followup.dispute_close_explained(dispute=d, actor=world.coordinator, explanation="  ")
    with pytest.raises(ActionNotPermitted):
        followup.dispute_close_explained(dispute=d, actor=world.clerk, explanation="解释")
    d = followup.dispute_close_explained(
        dispute=d, actor=world.coordinator, explanation="政策依据已当面说明"
    )
    assert d.state == State.CLOSED and d.closing_explanation == "政策依据已当面说明"
    assert clocks(d, Stage.FOLLOW_UP)[0].status == Deadline.Status.MET
    consistent(d)


def test_a_redone_major_case_returns_to_special_handling(world):
    d = scenarios.decided_by_minutes(world)
    d = services.dispute_reply(dispute=d, actor=world.clerk, text="答复")
    visit(world, d, Satisfaction.DISSATISFIED, remarks="不服")
    d = followup.dispute_redo(dispute=d, actor=world.coordinator, reason="再议")
    assert d.state == State.SPECIAL_HANDLING
    assert clocks(d, Stage.REDO)[0].is_running
    assert DepartmentTask.objects.filter(dispute=d, round=2, status="pending").exists()
    consistent(d)


def test_bad_follow_ups_are_refused_with_a_reason(world):
    d = scenarios.awaiting_reply(world)
    with pytest.raises(DisputeError, match="回访在答复之后"):
        visit(world, d, Satisfaction.SATISFIED)
    d = services.dispute_reply(dispute=d, actor=world.clerk, text="答复")
    with pytest.raises(DisputeError):
        visit(world, d, Satisfaction.DISSATISFIED)  # no reason given
    with pytest.raises(DisputeError):
        visit(world, d, "delighted")
    with pytest.raises(DisputeError):
        followup.record_follow_up(
            dispute=d,
            actor=world.clerk,
            method=FollowUp.Method.PHONE,
            satisfaction=Satisfaction.SATISFIED,
            visited_at=timezone.now() + datetime.timedelta(hours=2),
        )
    with pytest.raises(ActionNotPermitted):
        visit(world, d, Satisfaction.SATISFIED, actor=world.officer_tax)
    assert not FollowUp.objects.filter(dispute=d).exists()
    assert not d.timeline.filter(action="disputes.case.followed_up").exists()


def test_the_online_rating_is_one_per_reply_and_changeable_until_closed(world):
    d = scenarios.awaiting_reply(world)
    with pytest.raises(DisputeError):
        followup.rate_online(dispute=d, satisfaction=Satisfaction.SATISFIED)
    d = services.dispute_reply(dispute=d, actor=world.clerk, text="答复")
    followup.rate_online(dispute=d, satisfaction=Satisfaction.DISSATISFIED, remarks="太慢")
    followup.rate_online(dispute=d, satisfaction=Satisfaction.BASICALLY)
    ratings = FollowUp.objects.filter(dispute=d, method=FollowUp.Method.ONLINE)
    assert ratings.count() == 1 and ratings.get().satisfaction == Satisfaction.BASICALLY
    d.refresh_from_db()
    assert d.satisfaction == Satisfaction.BASICALLY
    assert list(
        d.timeline.filter(action__startswith="disputes.case.rat").values_list("action", flat=True)
    ) == ["disputes.case.rated_online", "disputes.case.rating_changed"]


def test_a_visit_in_the_reply_s_own_minute_counts_but_not_one_before(world):
    d = scenarios.replied(world)
    minute = d.replied_at.replace(second=0, microsecond=0)
    with pytest.raises(DisputeError, match="回访时间不能早于所回访的答复时间"):
        followup.record_follow_up(
            dispute=d,
            actor=world.clerk,
            method=FollowUp.Method.VISIT,
            satisfaction=Satisfaction.SATISFIED,
            visited_at=minute - datetime.timedelta(seconds=1),
        )
    visit_ = followup.record_follow_up(
        dispute=d,
        actor=world.clerk,
        method=FollowUp.Method.VISIT,
        satisfaction=Satisfaction.SATISFIED,
        visited_at=minute,
    )
    assert visit_.round == 1 and visit_.recorded_by == world.clerk
