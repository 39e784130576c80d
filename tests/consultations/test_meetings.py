"""The leading group's consultation meetings and minutes, through the services."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from consultations import services as consultation_services
from consultations.models import (
    AgendaItem,
    CourtEnforcement,
    DecisionTask,
    IssuedMinutesError,
    Meeting,
    Minutes,
    PolicyIssue,
)
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.models import Notification, State
from disputes.selectors import visible_disputes
from routing.models import Deadline, Stage
from tests import scenarios

pytestmark = pytest.mark.django_db

TaskData = consultation_services.TaskData


def inbox(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind))


def prepare(world, *cases, kind="major", departments=None, held_at=None, people=()):
    meeting = consultation_services.meeting_create(
        actor=world.lgo,
        kind=kind,
        title="专题会商会议",
        held_at=held_at or timezone.now() - datetime.timedelta(hours=2),
        place="县税务局会议室",
        host=world.leader,
        departments=departments if departments is not None else [world.tax, world.hr],
        people=people,
    )
    for case in cases:
        consultation_services.agenda_add(meeting=meeting, actor=world.lgo, dispute=case)
    return meeting


def hold(world, meeting):
    return consultation_services.meeting_record_held(
        meeting=meeting,
        actor=world.lgo,
        present={a.pk: True for a in meeting.attendances.all()},
    )


def decide(world, meeting, case, outcome="settled", tasks=()):
    return consultation_services.item_decide(
        item=meeting.agenda.get(dispute=case),
        actor=world.lgo,
        decision=f"{case.number}：单位限期补缴。",
        outcome=outcome,
        tasks=list(tasks),
    )


def sign_and_issue(world, meeting, body="会议纪要正文"):
    consultation_services.minutes_save(meeting=meeting, actor=world.lgo, body=body)
    consultation_services.minutes_submit(meeting=meeting, actor=world.lgo, sign_off_by=world.leader)
    consultation_services.minutes_sign_off(meeting=meeting, actor=world.leader, approve=True)
    return consultation_services.minutes_issue(meeting=meeting, actor=world.lgo)


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


# -- preparing ---------------------------------------------------------------------------


def test_the_office_prepares_a_meeting_and_the_invited_hear_of_it(world):
    meeting = prepare(world, departments=[world.tax, world.hr, world.medical])

    assert meeting.office == world.lgo_centre and meeting.status == Meeting.Status.PLANNED
    assert set(meeting.invited_departments.all()) == {world.tax, world.hr, world.medical}
    # The host, and the invited departments' officers (who attend for their department).
    assert {(a.name, a.department) for a in meeting.attendances.all()} == {
        ("吴刚", None),
        ("赵军", world.tax),
        ("刘洋", world.hr),
        ("陈静", world.medical),
    }
    for officer in (world.officer_tax, world.officer_hr, world.officer_medical, world.leader):
        assert len(inbox(officer, "consultations.meeting.invited")) == 1
    assert inbox(world.officer_gov, "consultations.meeting.invited") == []


def test_only_the_leading_group_office_prepares_meetings(world):
    for user in (world.leader, world.coordinator, world.officer_tax, world.supervisor):
        with pytest.raises(ActionNotPermitted):
            consultation_services.meeting_create(
                actor=user,
                kind="major",
                title="t",
                held_at=timezone.now(),
                place="p",
                host=world.leader,
            )


def test_a_major_consultation_takes_only_cases_the_leader_approved(world):
    escalated = scenarios.escalated(world)
    meeting = prepare(world)

    with pytest.raises(DisputeError, match=r"special handling|专案"):
        consultation_services.agenda_add(meeting=meeting, actor=world.lgo, dispute=escalated)
    general = prepare(world, kind="general")
    consultation_services.agenda_add(meeting=general, actor=world.lgo, dispute=escalated)
    assert general.agenda.count() == 1


def test_a_case_the_office_cannot_see_is_not_put_on_the_agenda(world):
    unseen = scenarios.joint_handling(world)  # never escalated: not the leading group's
    meeting = prepare(world, kind="general")
    with pytest.raises(DisputeError):
        consultation_services.agenda_add(meeting=meeting, actor=world.lgo, dispute=unseen)


def test_the_invited_departments_may_read_the_cases_on_the_agenda(world):
    d = scenarios.special_handling(world)
    assert d not in visible_disputes(world.officer_medical)

    prepare(world, d, departments=[world.tax, world.hr, world.medical])

    assert d in visible_disputes(world.officer_medical)
    assert d not in visible_disputes(world.officer_gov)
    entry = d.timeline.get(action="consultations.meeting.scheduled")
    assert entry.actor == world.lgo and entry.note == "专题会商会议"


def test_a_department_invited_later_also_reads_the_agenda(world):
    d = scenarios.special_handling(world)
    meeting = prepare(world, d)
    consultation_services.meeting_update(
        meeting=meeting,
        actor=world.lgo,
        title=meeting.title,
        held_at=meeting.held_at,
        place=meeting.place,
        host=world.leader,
        departments=[world.tax, world.hr, world.medical],
    )
    assert d in visible_disputes(world.officer_medical)
    assert len(inbox(world.officer_medical, "consultations.meeting.invited")) == 1


def test_the_attendance_list_follows_the_invited_departments(world):
    meeting = prepare(world, departments=[world.tax, world.hr], people=[world.officer_medical])

    def names():
        return {a.name for a in meeting.attendances.all()}

    assert names() == {"吴刚", "赵军", "刘洋", "陈静"}
    consultation_services.meeting_update(
        meeting=meeting,
        actor=world.lgo,
        title=meeting.title,
        held_at=meeting.held_at,
        place=meeting.place,
        host=world.leader,
        departments=[world.tax, world.medical],
        people=[world.officer_medical],
    )
    # HR no longer comes; medical, now invited as a department too, is listed once.
    assert sorted(a.name for a in meeting.attendances.all()) == sorted(["吴刚", "赵军", "陈静"])


# -- holding it ----------------------------------------------------------------------------


def test_holding_the_meeting_records_attendance_and_meets_the_consultation_time_limit(world):
    d = scenarios.special_handling(world)
    meeting = prepare(world, d)
    absent = consultation_services.attendance_add(
        meeting=meeting, actor=world.lgo, name="王法官", position="执行局局长"
    )
    host = meeting.attendances.get(user=world.leader)
    assert d.deadlines.get(stage=Stage.CONSULTATION_MEETING).status == Deadline.Status.OPEN

    consultation_services.meeting_record_held(
        meeting=meeting, actor=world.lgo, present={host.pk: True}, notes={absent.pk: "请假"}
    )

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    absent.refresh_from_db()
    assert absent.present is False and absent.note == "请假"
    assert d.deadlines.get(stage=Stage.CONSULTATION_MEETING).status == Deadline.Status.MET
    held = d.timeline.get(action="consultations.meeting.held")
    assert held.data["present"] == ["吴刚"]
    assert Minutes.objects.get(meeting=meeting).status == Minutes.Status.DRAFT


def test_a_meeting_cannot_be_recorded_as_held_before_its_time(world):
    d = scenarios.special_handling(world)
    meeting = prepare(world, d, held_at=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(DisputeError):
        hold(world, meeting)


def test_a_meeting_over_two_cases_decides_each_with_tasks(world):
    first = scenarios.special_handling(world)
    second = scenarios.special_handling(world)
    meeting = prepare(world, first, second, departments=[world.tax, world.hr, world.medical])
    hold(world, meeting)

    decide(
        world,
        meeting,
        first,
        tasks=[
            TaskData("送达责令限期缴纳通知书", world.tax, in_days(10), world.officer_tax),
            TaskData("核定职工待遇", world.hr, in_days(15)),
        ],
    )
    decide(world, meeting, second, outcome="further", tasks=[
        TaskData("补充调查用工情况", world.medical, in_days(7), world.officer_medical),
    ])  # fmt: skip

    tasks = DecisionTask.objects.filter(item__meeting=meeting).order_by("due_date")
    assert [(t.item.dispute, t.department, t.due_date) for t in tasks] == [
        (second, world.medical, in_days(7)),
        (first, world.tax, in_days(10)),
        (first, world.hr, in_days(15)),
    ]
    # Not yet binding: the tasks start with the issued minutes.
    assert all(t.deadline is None for t in tasks)


def test_a_task_owner_must_work_at_the_department_named(world):
    d = scenarios.special_handling(world)
    meeting = prepare(world, d)
    hold(world, meeting)
    with pytest.raises(DisputeError):
        decide(world, meeting, d, tasks=[TaskData("x", world.hr, in_days(3), world.officer_tax)])


def test_decisions_wait_for_the_meeting_to_be_held(world):
    d = scenarios.special_handling(world)
    meeting = prepare(world, d)
    with pytest.raises(DisputeError):
        decide(world, meeting, d)


# -- the minutes ---------------------------------------------------------------------------


def test_minutes_are_not_sent_for_sign_off_before_every_case_is_decided(world):
    first = scenarios.special_handling(world)
    second = scenarios.special_handling(world)
    meeting = prepare(world, first, second)
    hold(world, meeting)
    decide(world, meeting, first)
    consultation_services.minutes_save(meeting=meeting, actor=world.lgo, body="正文")

    with pytest.raises(DisputeError, match=second.number):
        consultation_services.minutes_submit(
            meeting=meeting, actor=world.lgo, sign_off_by=world.leader
        )


def test_the_minutes_are_signed_off_only_by_the_host_or_leader_they_were_sent_to(world):
    d = scenarios.minutes_under_review(world)
    meeting = scenarios.meeting_of(d)
    assert len(inbox(world.leader, "consultations.minutes.sign_off")) == 1

    with pytest.raises(ActionNotPermitted):
        consultation_services.minutes_sign_off(meeting=meeting, actor=world.lgo, approve=True)
    with pytest.raises(DisputeError):
        consultation_services.minutes_submit(
            meeting=meeting, actor=world.lgo, sign_off_by=world.supervisor
        )


def test_a_signer_returns_the_minutes_with_a_comment_and_they_are_a_draft_again(world):
    d = scenarios.minutes_under_review(world)
    meeting = scenarios.meeting_of(d)
    with pytest.raises(DisputeError):
        consultation_services.minutes_sign_off(meeting=meeting, actor=world.leader, approve=False)

    minutes = consultation_services.minutes_sign_off(
        meeting=meeting, actor=world.leader, approve=False, comment="补充参会人员"
    )

    assert minutes.status == Minutes.Status.DRAFT and minutes.review_comment == "补充参会人员"
    assert len(inbox(world.lgo, "consultations.minutes.reviewed")) == 1


def test_minutes_cannot_be_issued_before_they_are_signed_off(world):
    d = scenarios.minutes_under_review(world)
    with pytest.raises(DisputeError):
        consultation_services.minutes_issue(meeting=scenarios.meeting_of(d), actor=world.lgo)


def test_issued_minutes_are_numbered_and_move_the_case_on_to_the_reply(world):
    d = scenarios.minutes_signed(world)
    meeting = scenarios.meeting_of(d)

    with time_machine.travel(timezone.now(), tick=False):
        minutes = consultation_services.minutes_issue(meeting=meeting, actor=world.lgo)
        issued_at = timezone.now()

    year = timezone.localdate().year
    assert minutes.number == f"会纪〔{year}〕1号"
    assert minutes.status == Minutes.Status.ISSUED and minutes.issued_at == issued_at
    d.refresh_from_db()
    assert d.state == State.AWAITING_REPLY
    assert d.handling_opinion == "会商决定：单位限期补缴，税务局负责追缴。"
    decided = d.timeline.get(action="disputes.case.decided")
    assert decided.actor == world.lgo
    assert (decided.from_state, decided.to_state) == (State.SPECIAL_HANDLING, State.AWAITING_REPLY)
    assert decided.data["minutes"] == minutes.number
    assert decided.note.startswith(minutes.number) and d.handling_opinion in decided.note
    # The reply's clock starts; the meeting's task has its deadline, for its owner.
    assert d.deadlines.filter(stage=Stage.REPORT_BACK, status="open").exists()
    task = DecisionTask.objects.get(item__dispute=d)
    assert task.deadline.stage == Stage.DECISION_TASK
    assert task.deadline.department == world.tax and task.deadline.assignee == world.officer_tax
    assert timezone.localtime(task.deadline.due_at).date() == task.due_date
    assert len(inbox(world.officer_tax, "consultations.task.assigned")) == 1


def test_minutes_numbers_run_per_office_and_year(world):
    numbers = []
    for _ in range(2):
        d = scenarios.minutes_signed(world)
        numbers.append(
            consultation_services.minutes_issue(
                meeting=scenarios.meeting_of(d), actor=world.lgo
            ).number
        )
    year = timezone.localdate().year
    assert numbers == [f"会纪〔{year}〕1号", f"会纪〔{year}〕2号"]

    next_year = datetime.datetime(year + 1, 1, 5, 10, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(next_year, tick=False):
        d = scenarios.minutes_signed(world)
        minutes = consultation_services.minutes_issue(
            meeting=scenarios.meeting_of(d), actor=world.lgo
        )
    assert minutes.number == f"会纪〔{year + 1}〕1号"


def test_issued_minutes_are_immutable(world):
    d = scenarios.decided_by_minutes(world)
    meeting = scenarios.meeting_of(d)
    minutes = Minutes.objects.get(meeting=meeting)

    minutes.body = "改写"
    with pytest.raises(IssuedMinutesError):
        minutes.save()
    with pytest.raises(IssuedMinutesError):
        minutes.delete()
    with pytest.raises(DisputeError):
        consultation_services.minutes_save(meeting=meeting, actor=world.lgo, body="改写")
    with pytest.raises(DisputeError):
        consultation_services.minutes_issue(meeting=meeting, actor=world.lgo)
    with pytest.raises(DisputeError):
        decide(world, meeting, d, outcome="further")
    assert Minutes.objects.get(pk=minutes.pk).body == "会议听取了案件汇报。"
    assert AgendaItem.objects.get(meeting=meeting).outcome == "settled"


def test_further_handling_keeps_the_case_in_special_handling_for_another_meeting(world):
    d = scenarios.special_handling(world)
    first = prepare(world, d)
    hold(world, first)
    decide(world, first, d, outcome="further")
    sign_and_issue(world, first)

    d.refresh_from_db()
    assert d.state == State.SPECIAL_HANDLING
    recorded = d.timeline.get(action="consultations.meeting.decided")
    assert recorded.data["outcome"] == str(AgendaItem.Outcome.FURTHER.label)

    second = prepare(world, d)
    hold(world, second)
    decide(world, second, d)
    sign_and_issue(world, second)

    d.refresh_from_db()
    assert d.state == State.AWAITING_REPLY
    assert d.agenda_items.count() == 2


def test_a_general_consultation_records_its_decision_for_the_lead_to_consolidate(world):
    d = scenarios.escalated(world)
    d = consultation_services.dispute_return(dispute=d, actor=world.leader, comment="再协调")
    meeting = consultation_services.meeting_create(
        actor=world.lgo,
        kind="general",
        title="部门联席会商",
        held_at=timezone.now() - datetime.timedelta(hours=1),
        place="会议室",
        host=world.lgo,
        departments=[world.tax, world.hr],
    )
    consultation_services.agenda_add(meeting=meeting, actor=world.lgo, dispute=d)
    hold(world, meeting)
    decide(world, meeting, d)
    consultation_services.minutes_save(meeting=meeting, actor=world.lgo, body="正文")
    # The host signs off when no leader sits.
    consultation_services.minutes_submit(meeting=meeting, actor=world.lgo, sign_off_by=world.lgo)
    consultation_services.minutes_sign_off(meeting=meeting, actor=world.lgo, approve=True)
    consultation_services.minutes_issue(meeting=meeting, actor=world.lgo)

    d.refresh_from_db()
    assert d.state == State.JOINT_HANDLING
    assert d.timeline.filter(action="consultations.meeting.decided").exists()


def test_a_done_task_meets_its_deadline_and_shows_on_the_timeline(world):
    d = scenarios.decided_by_minutes(world)
    task = DecisionTask.objects.get(item__dispute=d)

    with pytest.raises(ActionNotPermitted):
        consultation_services.decision_task_complete(task=task, actor=world.officer_hr, result="r")
    consultation_services.decision_task_complete(
        task=task, actor=world.officer_tax, result="已送达通知书"
    )

    task.refresh_from_db()
    assert task.status == DecisionTask.Status.DONE and task.done_by == world.officer_tax
    assert task.deadline.status == Deadline.Status.MET
    assert d.timeline.get(action="consultations.task.done").note == "已送达通知书"


def test_a_task_not_done_in_time_is_overdue(world):
    d = scenarios.decided_by_minutes(world)
    task = DecisionTask.objects.get(item__dispute=d)
    late = task.deadline.due_at + datetime.timedelta(days=3)

    with time_machine.travel(late, tick=False):
        consultation_services.decision_task_complete(task=task, actor=world.lgo, result="补办")

    task.refresh_from_db()
    assert task.deadline.status == Deadline.Status.OVERDUE and task.deadline.days_late >= 1


def test_a_meeting_sends_a_long_idle_enterprise_to_the_court_and_follows_it(world):
    d = scenarios.sent_to_court(world)

    enforcement = CourtEnforcement.objects.get(dispute=d)
    assert enforcement.court == world.court and enforcement.amount == d.amount
    assert enforcement.status == CourtEnforcement.Status.PENDING
    assert enforcement.deadline.stage == Stage.COURT_ENFORCEMENT
    assert enforcement.deadline.department == world.court
    assert d.timeline.filter(action="consultations.court.sent").exists()
    d.refresh_from_db()
    assert d.state == State.AWAITING_REPLY

    consultation_services.court_report(
        enforcement=enforcement, actor=world.lgo, report="已立案执行，扣划存款12万元。"
    )

    enforcement.refresh_from_db()
    assert enforcement.status == CourtEnforcement.Status.REPORTED
    assert enforcement.deadline.status == Deadline.Status.MET
    assert d.timeline.get(action="consultations.court.reported").actor == world.lgo
    with pytest.raises(DisputeError):
        consultation_services.court_report(enforcement=enforcement, actor=world.lgo, report="x")


def test_a_policy_question_becomes_an_issue_linked_to_the_cases_that_raised_it(world):
    first = scenarios.special_handling(world)
    second = scenarios.special_handling(world)
    outside = scenarios.special_handling(world)
    meeting = prepare(world, first, second)
    hold(world, meeting)

    with pytest.raises(DisputeError):
        consultation_services.policy_issue_raise(
            meeting=meeting, actor=world.lgo, kind="policy", title="t", description="d",
            disputes=[outside],
        )  # fmt: skip
    issue = consultation_services.policy_issue_raise(
        meeting=meeting,
        actor=world.lgo,
        kind="widespread",
        title="灵活就业人员缴费基数下限",
        description="多起争议涉及同一问题，建议统一口径。",
        disputes=[first, second],
    )

    assert set(issue.disputes.all()) == {first, second} and issue.office == world.lgo_centre
    assert PolicyIssue.objects.get().meeting == meeting
    assert first.timeline.filter(action="consultations.issue.raised").exists()


def test_a_cancelled_meeting_tells_the_invited_and_the_cases(world):
    d = scenarios.special_handling(world)
    meeting = prepare(world, d)
    consultation_services.meeting_cancel(meeting=meeting, actor=world.lgo, reason="改期召开")

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert d.timeline.get(action="consultations.meeting.cancelled").note == "改期召开"
    assert len(inbox(world.officer_hr, "consultations.meeting.changed")) == 1
    with pytest.raises(DisputeError):
        hold(world, meeting)


def test_a_case_sent_to_the_court_is_archived_only_once_the_court_reports(world, client):
    from disputes import services
    from disputes.actions import actions_for

    d = scenarios.sent_to_court(world)
    services.dispute_reply(dispute=d, actor=world.clerk, text="答复")
    d = services.dispute_accept(dispute=d, actor=world.clerk)
    assert d.state == State.CLOSED

    assert "archive" not in [a.key for a in actions_for(d, world.clerk)]
    with pytest.raises(DisputeError, match=world.court.name):
        services.dispute_archive(dispute=d, actor=world.clerk)
    client.force_login(world.clerk)
    response = client.get(f"/cases/{d.number}/archive/", follow=True)
    assert world.court.name in response.content.decode()
    d.refresh_from_db()
    assert d.state == State.CLOSED

    consultation_services.court_report(
        enforcement=CourtEnforcement.objects.get(dispute=d), actor=world.lgo, report="执行完毕"
    )
    # The meeting's own task must be done too before the file is complete.
    consultation_services.decision_task_complete(
        task=DecisionTask.objects.get(item__dispute=d), actor=world.officer_tax, result="已送达"
    )
    assert "archive" in [a.key for a in actions_for(d, world.clerk)]
    assert services.dispute_archive(dispute=d, actor=world.clerk).state == State.ARCHIVED


def test_cancelling_a_meeting_withdraws_the_view_it_gave(world):
    d = scenarios.special_handling(world)
    meeting = prepare(world, d, departments=[world.tax, world.medical])
    assert d in visible_disputes(world.officer_medical)

    consultation_services.meeting_cancel(meeting=meeting, actor=world.lgo, reason="改期")

    assert d not in visible_disputes(world.officer_medical)
    assert d in visible_disputes(world.officer_tax)  # the lead department's own case


def test_a_department_invited_to_another_meeting_on_the_case_keeps_it(world):
    d = scenarios.special_handling(world)
    first = prepare(world, d, departments=[world.medical])
    prepare(world, d, departments=[world.medical])

    consultation_services.meeting_cancel(meeting=first, actor=world.lgo, reason="合并召开")

    assert d in visible_disputes(world.officer_medical)


def test_taking_a_case_off_the_agenda_or_a_department_off_the_list_withdraws_the_view(world):
    d = scenarios.special_handling(world)
    other = scenarios.special_handling(world)
    meeting = prepare(world, d, other, departments=[world.medical, world.gov])

    consultation_services.agenda_remove(item=meeting.agenda.get(dispute=d), actor=world.lgo)
    assert d not in visible_disputes(world.officer_medical)
    assert other in visible_disputes(world.officer_medical)

    consultation_services.meeting_update(
        meeting=meeting,
        actor=world.lgo,
        title=meeting.title,
        held_at=meeting.held_at,
        place=meeting.place,
        host=world.leader,
        departments=[world.gov],
    )
    assert other not in visible_disputes(world.officer_medical)
    assert other in visible_disputes(world.officer_gov)


def test_a_major_case_is_archived_only_once_the_meetings_tasks_are_done(world, client):
    from disputes import services
    from disputes.actions import actions_for

    d = scenarios.decided_by_minutes(world)
    services.dispute_reply(dispute=d, actor=world.clerk, text="答复")
    d = services.dispute_accept(dispute=d, actor=world.clerk)
    task = DecisionTask.objects.get(item__dispute=d)
    assert task.status == DecisionTask.Status.OPEN

    assert "archive" not in [a.key for a in actions_for(d, world.clerk)]
    with pytest.raises(DisputeError, match="向单位送达责令限期缴纳通知书") as refused:
        services.dispute_archive(dispute=d, actor=world.clerk)
    assert world.tax.name in str(refused.value)
    client.force_login(world.clerk)
    response = client.get(f"/cases/{d.number}/archive/", follow=True)
    assert world.tax.name in response.content.decode()
    d.refresh_from_db()
    assert d.state == State.CLOSED

    consultation_services.decision_task_complete(
        task=task, actor=world.officer_tax, result="已送达"
    )
    assert "archive" in [a.key for a in actions_for(d, world.clerk)]
    assert services.dispute_archive(dispute=d, actor=world.clerk).state == State.ARCHIVED
