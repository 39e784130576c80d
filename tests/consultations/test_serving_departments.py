"""Joint handling and the leading group's meetings reach only the departments serving the
case's (or the office's) county: the forms offer no other, the services refuse any other."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import selectors as consultation_selectors
from consultations import services as consultation_services
from consultations.models import Attendance, CourtEnforcement, DecisionTask, Meeting
from departments.models import Department
from disputes.exceptions import DisputeError
from disputes.models import DisputeGroupObjectPermission
from tests import scenarios
from tests.areas import second_county

pytestmark = pytest.mark.django_db


def offered(form, field):
    return set(form.fields[field].queryset)


def refused_for(other, exc):
    message = str(exc.value.message)
    assert other.tax.name in message and "不负责" in message, message


def test_the_reassign_form_offers_only_departments_serving_the_case(client, world):
    other = second_county(world)
    d = scenarios.declined_by_hr(world)
    client.force_login(world.coordinator)
    url = reverse("consultations:reassign", args=[d.number])
    form = client.get(url).context["form"]
    assert world.medical in offered(form, "to_department")
    assert other.tax not in offered(form, "to_department")
    response = client.post(
        url,
        {
            "expected_state": d.state,
            "from_department": world.hr.pk,
            "to_department": other.tax.pk,
            "reason": "属永济市税务局职责",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert set(d.co_departments.all()) == {world.hr}


def test_the_reassign_service_refuses_another_countys_department(world):
    other = second_county(world)
    d = scenarios.declined_by_hr(world)
    with pytest.raises(DisputeError) as refused:
        consultation_services.task_reassign(
            dispute=d,
            actor=world.coordinator,
            from_department=world.hr,
            to_department=other.tax,
            reason="r",
        )
    refused_for(other, refused)
    assert set(d.co_departments.all()) == {world.hr}
    assert not d.department_tasks.filter(department=other.tax).exists()


def meeting_post(world, departments):
    return {
        "kind": "major",
        "title": "专题会商会议",
        "held_at": (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "place": "县税务局三楼会议室",
        "host": world.leader.pk,
        "departments": [d.pk for d in departments],
    }


def test_the_meeting_form_invites_only_departments_serving_the_offices_county(client, world):
    other = second_county(world)
    client.force_login(world.lgo)
    url = reverse("consultations:meeting_create")
    form = client.get(url).context["form"]
    assert {world.tax, world.hr, world.medical, world.gov} <= offered(form, "departments")
    assert other.tax not in offered(form, "departments")
    response = client.post(url, meeting_post(world, [world.hr, other.tax]))
    assert response.status_code == 200 and response.context["form"].errors
    assert not Meeting.objects.exists()


def test_the_meeting_services_refuse_to_invite_another_countys_department(world):
    other = second_county(world)
    when = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(DisputeError) as refused:
        consultation_services.meeting_create(
            actor=world.lgo,
            kind="major",
            title="专题会商会议",
            held_at=when,
            place="会议室",
            host=world.leader,
            departments=[world.hr, other.tax],
        )
    refused_for(other, refused)
    assert not Meeting.objects.exists()

    d = scenarios.meeting_planned(world)
    meeting = scenarios.meeting_of(d)
    before = set(meeting.invited_departments.all())
    with pytest.raises(DisputeError) as refused:
        consultation_services.meeting_update(
            meeting=meeting,
            actor=world.lgo,
            title="改名的会议",
            held_at=meeting.held_at,
            place=meeting.place,
            host=world.leader,
            departments=[world.tax, other.tax],
        )
    refused_for(other, refused)
    meeting.refresh_from_db()
    assert meeting.title == "专案会商会议"
    assert set(meeting.invited_departments.all()) == before
    assert not DisputeGroupObjectPermission.objects.filter(group=other.tax.group).exists()


def test_the_meeting_edit_page_refuses_another_countys_department(client, world):
    other = second_county(world)
    d = scenarios.meeting_planned(world)
    meeting = scenarios.meeting_of(d)
    client.force_login(world.lgo)
    url = reverse("consultations:meeting_edit", args=[meeting.pk])
    assert other.tax not in offered(client.get(url).context["form"], "departments")
    data = meeting_post(world, [world.tax, other.tax])
    del data["kind"]
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["form"].errors
    assert other.tax not in set(meeting.invited_departments.all())


def test_an_attendee_is_of_a_department_serving_the_offices_county(client, world):
    other = second_county(world)
    d = scenarios.meeting_planned(world)
    meeting = scenarios.meeting_of(d)
    client.force_login(world.lgo)
    page = client.get(reverse("consultations:meeting", args=[meeting.pk]))
    assert other.tax not in offered(page.context["attendee_form"], "department")
    client.post(
        reverse("consultations:attendee_add", args=[meeting.pk]),
        {"name": "外县人员", "department": other.tax.pk},
    )
    assert not Attendance.objects.filter(name="外县人员").exists()
    with pytest.raises(DisputeError) as refused:
        consultation_services.attendance_add(
            meeting=meeting, actor=world.lgo, name="外县人员", department=other.tax
        )
    refused_for(other, refused)
    assert not Attendance.objects.filter(name="外县人员").exists()


def test_decision_tasks_go_only_to_departments_serving_the_case(client, world):
    other = second_county(world)
    d = scenarios.meeting_held(world)
    meeting = scenarios.meeting_of(d)
    item = meeting.agenda.get(dispute=d)
    url = reverse("consultations:decision", args=[meeting.pk, item.pk])
    client.force_login(world.lgo)
    formset = client.get(url).context["formset"]
    assert world.tax in offered(formset.forms[0], "department")
    assert other.tax not in offered(formset.forms[0], "department")
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client.post(
        url,
        {
            "decision": "由永济市税务局追缴。",
            "outcome": "settled",
            "task-TOTAL_FORMS": "1",
            "task-INITIAL_FORMS": "0",
            "task-0-description": "追缴",
            "task-0-department": other.tax.pk,
            "task-0-due_date": due,
        },
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.decision == "" and not DecisionTask.objects.exists()
    with pytest.raises(DisputeError) as refused:
        consultation_services.item_decide(
            item=item,
            actor=world.lgo,
            decision="由永济市税务局追缴。",
            outcome="settled",
            tasks=[
                consultation_services.TaskData(
                    description="追缴",
                    department=other.tax,
                    owner=None,
                    due_date=timezone.localdate() + datetime.timedelta(days=10),
                )
            ],
        )
    refused_for(other, refused)
    item.refresh_from_db()
    assert item.decision == "" and not DecisionTask.objects.exists()


def test_the_minutes_send_the_case_to_the_court_of_its_own_county(world):
    other = second_county(world)  # 永济市's court sorts first by code
    ours = Department.objects.create(
        name="芮城县人民法院", code="court", kind="court", jurisdiction=world.county
    )
    d = scenarios.decided_by_minutes(world, outcome="court")
    enforcement = CourtEnforcement.objects.get(dispute=d)
    assert enforcement.court == ours
    assert not DisputeGroupObjectPermission.objects.filter(group=other.court.group).exists()


def test_a_meeting_cannot_send_a_case_to_another_countys_court(world):
    second_county(world)  # the only court in the installation is 永济市's
    d = scenarios.meeting_held(world)
    meeting = scenarios.meeting_of(d)
    with pytest.raises(DisputeError):
        consultation_services.item_decide(
            item=meeting.agenda.get(dispute=d),
            actor=world.lgo,
            decision="移送法院强制执行。",
            outcome="court",
        )


def test_the_clue_goes_to_the_discipline_commission_of_the_cases_county(world):
    Department.objects.create(
        name="永济市纪委监委",
        code="a_discipline_yj",
        kind="discipline",
        jurisdiction=world.other_county,
    )
    ours = Department.objects.create(
        name="芮城县纪委监委", code="discipline", kind="discipline", jurisdiction=world.county
    )
    d = scenarios.declined_by_hr(world)
    consultation_services.discipline_refer(
        task=d.department_tasks.get(department=world.hr),
        actor=world.coordinator,
        reason="职责明确仍推诿",
    )
    granted = set(
        DisputeGroupObjectPermission.objects.filter(content_object=d).values_list(
            "group__department__code", flat=True
        )
    )
    assert "discipline" in granted and "a_discipline_yj" not in granted
    assert consultation_selectors.discipline_commission(d) == ours
