"""The consultations pages: what they show, what their forms do (permissions: the matrix)."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations import services as consultation_services
from consultations.models import (
    CourtEnforcement,
    DecisionTask,
    DepartmentTask,
    Meeting,
    Minutes,
)
from disputes.models import State
from tests import scenarios
from tests.files import pdf_upload

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def meeting_url(name, d, **kw):
    return reverse(f"consultations:{name}", kwargs={"pk": scenarios.meeting_of(d).pk, **kw})


# -- joint handling ------------------------------------------------------------------------


def test_the_opinion_form_takes_attachments(client, world):
    d = scenarios.joint_handling(world)
    login(client, world.officer_hr)

    response = client.post(
        reverse("consultations:opinion", args=[d.number]),
        {
            "expected_state": d.state,
            "finding": "劳动关系成立",
            "basis": "",
            "proposal": "补缴",
            "amount_confirmed": "8800.00",
            "attachments": [pdf_upload("认定书.pdf")],
        },
    )

    assert response.status_code == 302
    task = DepartmentTask.objects.get(dispute=d, department=world.hr)
    assert task.status == "answered" and task.attachments.get().name == "认定书.pdf"


def test_the_consolidation_view_shows_the_opinions_side_by_side_and_marks_the_overdue(
    client, world
):
    d = scenarios.joint_handling(world)
    consultation_services.opinion_give(
        task=DepartmentTask.objects.get(dispute=d, department=world.tax),
        actor=world.officer_tax,
        finding="经核实欠费属实",
        basis="",
        proposal="限期补缴",
    )
    due = DepartmentTask.objects.get(dispute=d, department=world.hr).deadline.due_at

    with time_machine.travel(due + datetime.timedelta(hours=1), tick=False):
        login(client, world.coordinator)  # sessions expire with inactivity: log in then
        response = client.get(reverse("consultations:consolidate", args=[d.number]))

    assert response.status_code == 200
    page = text(response)
    assert "经核实欠费属实" in page and "限期补缴" in page
    assert page.count("已超期") == 1 and "逾期未出具意见" in page


def test_the_decline_page_records_the_refusal(client, world):
    d = scenarios.joint_handling(world)
    login(client, world.officer_hr)
    response = client.post(
        reverse("consultations:decline", args=[d.number]),
        {"expected_state": d.state, "reason": "不属本部门职责"},
    )
    assert response.status_code == 302
    assert DepartmentTask.objects.get(dispute=d, department=world.hr).status == "declined"


def test_the_decline_and_discipline_pages_explain_themselves_in_chinese(client, world):
    d = scenarios.joint_handling(world)
    login(client, world.officer_hr)
    page = text(client.get(reverse("consultations:decline", args=[d.number])))
    assert "不属于本部门职责的理由" in page and "the coordinator passes it on" not in page
    d = scenarios.declined_by_hr(world)
    login(client, world.coordinator)
    page = text(client.get(reverse("consultations:discipline", args=[d.number])))
    assert "移送纪检监察机关" in page and "discipline commission" not in page


def test_the_reassign_page_moves_the_part_to_another_department(client, world):
    d = scenarios.declined_by_hr(world)
    login(client, world.coordinator)
    response = client.post(
        reverse("consultations:reassign", args=[d.number]),
        {
            "expected_state": d.state,
            "from_department": world.hr.pk,
            "to_department": world.medical.pk,
            "reason": "属医保局职责",
        },
    )
    assert response.status_code == 302
    assert set(d.co_departments.all()) == {world.medical}


def test_the_discipline_page_passes_the_clue_on(client, world):
    d = scenarios.declined_by_hr(world)
    task = DepartmentTask.objects.get(dispute=d, department=world.hr)
    login(client, world.coordinator)
    page = client.get(reverse("consultations:discipline", args=[d.number]))
    assert world.hr.name in text(page)

    response = client.post(
        reverse("consultations:discipline", args=[d.number]),
        {"expected_state": d.state, "task": task.pk, "reason": "职责明确仍推诿"},
    )

    assert response.status_code == 302
    detail = text(client.get(reverse("disputes:detail", args=[d.number])))
    assert "已向纪委监委移交线索" in detail and "职责明确仍推诿" in detail


# -- the leading group ---------------------------------------------------------------------


def test_the_workbench_shows_what_waits_on_the_leading_group(client, world):
    escalated = scenarios.escalated(world)
    special = scenarios.special_handling(world)
    planned = scenarios.meeting_planned(world)
    drafted = scenarios.meeting_decided(world)
    login(client, world.lgo)

    response = client.get(reverse("consultations:workbench"))

    assert response.status_code == 200
    bench = response.context["bench"]
    assert [d.number for d in bench.awaiting_approval] == [escalated.number]
    assert {d.number for d in bench.special_handling} == {
        special.number,
        planned.number,
        drafted.number,
    }
    on_agenda = {d.number: d.on_agenda for d in bench.special_handling}
    assert on_agenda == {special.number: False, planned.number: True, drafted.number: True}
    assert [m.pk for m in bench.meetings_to_prepare] == [scenarios.meeting_of(planned).pk]
    assert [m.meeting_id for m in bench.minutes_to_finish] == [scenarios.meeting_of(drafted).pk]
    page = text(response)
    assert "领导小组工作台" in page and escalated.number in page


def test_the_workbench_lists_overdue_time_limits_and_tasks_and_the_court(client, world):
    d = scenarios.sent_to_court(world)
    task = DecisionTask.objects.get(item__dispute=d)

    with time_machine.travel(task.deadline.due_at + datetime.timedelta(days=2), tick=False):
        login(client, world.lgo)
        bench = client.get(reverse("consultations:workbench")).context["bench"]

    assert [t.pk for t in bench.overdue_tasks] == [task.pk]
    assert [c.dispute_id for c in bench.court_pending] == [d.pk]


def test_the_leader_finds_the_minutes_to_sign_on_the_workbench(client, world):
    d = scenarios.minutes_under_review(world)
    login(client, world.leader)
    bench = client.get(reverse("consultations:workbench")).context["bench"]
    assert [m.meeting_id for m in bench.minutes_to_sign] == [scenarios.meeting_of(d).pk]


def test_the_workbench_costs_the_same_for_one_case_as_for_many(client, world):
    scenarios.meeting_decided(world)
    login(client, world.lgo)
    url = reverse("consultations:workbench")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        scenarios.meeting_decided(world)
        scenarios.escalated(world)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)


def test_the_office_runs_a_meeting_from_the_pages_to_issued_minutes(client, world):
    first = scenarios.special_handling(world)
    second = scenarios.special_handling(world)
    login(client, world.lgo)
    held_at = timezone.localtime() - datetime.timedelta(hours=1)

    response = client.post(
        reverse("consultations:meeting_create"),
        {
            "kind": "major",
            "title": "欠费争议专题会商会议",
            "held_at": held_at.strftime("%Y-%m-%dT%H:%M"),
            "place": "县税务局三楼会议室",
            "host": world.leader.pk,
            "departments": [world.tax.pk, world.hr.pk, world.medical.pk],
        },
    )
    meeting = Meeting.objects.get()
    assert response.url == reverse("consultations:meeting", args=[meeting.pk])
    for case in (first, second):
        client.post(reverse("consultations:agenda_add", args=[meeting.pk]), {"dispute": case.pk})
    assert meeting.agenda.count() == 2
    client.post(reverse("consultations:attendee_add", args=[meeting.pk]), {"name": "王法官"})
    rows = list(meeting.attendances.all())
    client.post(
        reverse("consultations:attendance", args=[meeting.pk]),
        {f"present-{r.pk}": "on" for r in rows},
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD

    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    for case, outcome in ((first, "settled"), (second, "further")):
        item = meeting.agenda.get(dispute=case)
        response = client.post(
            reverse("consultations:decision", args=[meeting.pk, item.pk]),
            {
                "decision": f"{case.number}：由税务局限期追缴。",
                "outcome": outcome,
                "task-TOTAL_FORMS": "2",
                "task-INITIAL_FORMS": "0",
                "task-0-description": "送达责令限期缴纳通知书",
                "task-0-department": world.tax.pk,
                "task-0-owner": world.officer_tax.pk,
                "task-0-due_date": due,
            },
        )
        assert response.status_code == 302, response.context and response.context["form"].errors
    assert DecisionTask.objects.filter(item__meeting=meeting).count() == 2

    client.post(reverse("consultations:minutes", args=[meeting.pk]), {"body": "会议听取了汇报。"})
    client.post(
        reverse("consultations:minutes_submit", args=[meeting.pk]), {"sign_off_by": world.leader.pk}
    )
    login(client, world.leader)
    assert "sign_form" in client.get(reverse("consultations:minutes", args=[meeting.pk])).context
    client.post(reverse("consultations:minutes_sign", args=[meeting.pk]), {"decision": "sign"})
    login(client, world.lgo)
    client.post(reverse("consultations:minutes_issue", args=[meeting.pk]))

    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.status == Minutes.Status.ISSUED
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == State.AWAITING_REPLY
    assert second.state == State.SPECIAL_HANDLING
    page = client.get(reverse("consultations:minutes", args=[meeting.pk]))
    assert page.context["form"] is None and minutes.number in text(page)
    assert "已印发的会议纪要不能再修改" in text(page)
    # A late attempt to edit the issued minutes is refused.
    assert (
        client.post(
            reverse("consultations:minutes", args=[meeting.pk]), {"body": "改写"}
        ).status_code
        == 403
    )
    assert Minutes.objects.get(pk=minutes.pk).body == "会议听取了汇报。"


def test_an_invited_department_reads_the_meeting_without_its_forms(client, world):
    d = scenarios.meeting_planned(world)
    login(client, world.officer_medical)

    response = client.get(meeting_url("meeting", d))

    assert response.status_code == 200
    assert "agenda_form" not in response.context and not response.context["runs"]
    assert d.number in text(response)
    # ...and the case on the agenda itself.
    assert client.get(reverse("disputes:detail", args=[d.number])).status_code == 200


def test_the_case_page_shows_the_meeting_its_decision_and_tasks(client, world):
    d = scenarios.decided_by_minutes(world)
    number = Minutes.objects.get(meeting=scenarios.meeting_of(d)).number
    login(client, world.coordinator)

    page = text(client.get(reverse("disputes:detail", args=[d.number])))

    assert "会商会议与领导小组" in page and number in page
    assert "会商决定：单位限期补缴" in page and "向单位送达责令限期缴纳通知书" in page


def test_an_officer_reports_a_meeting_task_done_from_the_task_list(client, world):
    d = scenarios.decided_by_minutes(world)
    task = DecisionTask.objects.get(item__dispute=d)
    login(client, world.officer_tax)
    listing = client.get(reverse("consultations:tasks"))
    assert task.description in text(listing)

    client.post(
        reverse("consultations:decision_task_done", args=[task.pk]),
        {"result": "已送达", "next": reverse("consultations:tasks")},
    )

    task.refresh_from_db()
    assert task.status == DecisionTask.Status.DONE and task.result == "已送达"


@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/", "//evil.example/tasks/", "/\\evil.example/"]
)
def test_reporting_a_task_done_never_sends_the_officer_to_another_site(client, world, elsewhere):
    d = scenarios.decided_by_minutes(world)
    task = DecisionTask.objects.get(item__dispute=d)
    login(client, world.officer_tax)

    response = client.post(
        reverse("consultations:decision_task_done", args=[task.pk]),
        {"result": "已送达", "next": elsewhere},
    )

    assert response.status_code == 302
    assert response.url == reverse("disputes:detail", args=[d.number])


def test_reporting_a_task_done_goes_back_to_the_page_it_came_from(client, world):
    d = scenarios.decided_by_minutes(world)
    task = DecisionTask.objects.get(item__dispute=d)
    login(client, world.officer_tax)
    response = client.post(
        reverse("consultations:decision_task_done", args=[task.pk]),
        {"result": "已送达", "next": reverse("consultations:tasks")},
    )
    assert response.status_code == 302 and response.url == reverse("consultations:tasks")


def test_the_court_report_page_ends_the_follow_up(client, world):
    d = scenarios.sent_to_court(world)
    login(client, world.lgo)
    response = client.post(
        reverse("consultations:court_report", args=[d.number]),
        {"expected_state": d.state, "report": "已立案执行。"},
    )
    assert response.status_code == 302
    assert CourtEnforcement.objects.get(dispute=d).status == CourtEnforcement.Status.REPORTED


def test_the_case_page_no_longer_offers_a_manual_decision(client, world):
    d = scenarios.special_handling(world)
    login(client, world.lgo)
    actions = [a.key for a in client.get(reverse("disputes:detail", args=[d.number])).context[
        "actions"
    ]]  # fmt: skip
    assert "decide" not in actions


def test_the_consolidation_page_says_whose_opinion_is_awaited(client, world):
    d = scenarios.joint_handling(world)
    login(client, world.coordinator)

    response = client.get(reverse("consultations:consolidate", args=[d.number]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("disputes:detail", args=[d.number])
    messages = [str(m) for m in response.context["messages"]]
    assert any(world.hr.name in m and world.tax.name in m for m in messages), messages
