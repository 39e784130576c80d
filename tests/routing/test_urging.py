"""催办 by hand: who urges a department on its open time limit, what it leaves behind, and the
mark on the officer's queue while the limit stays open."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations import services as consultation_services
from consultations.models import DepartmentTask
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.models import Notification, TimelineEntry
from routing import deadlines, rules, urging
from routing.models import Deadline, Stage, Urging
from tests import scenarios

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SH)


def opinion_of(d, department):
    return Deadline.objects.get(dispute=d, stage=Stage.DEPARTMENT_OPINION, department=department)


@pytest.fixture
def case(world, policies):
    return scenarios.joint_handling(world)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("coordinator", True),  # the owning centre's coordinator
        ("lgo", True),  # the leading-group office of the case's county
        ("supervisor", True),  # a supervisor whose area covers the case
        ("clerk", False),  # the owning centre's clerk handles, but does not oversee
        ("clerk_b", False),  # another centre's
        ("officer_tax", False),  # the departments themselves
        ("officer_hr", False),
        ("leader", False),
        ("cyber", False),
        ("mediator", False),
        ("outsider", False),
    ],
)
def test_who_oversees_the_case_urges(world, case, persona, allowed):
    assert rules.can_urge(case, getattr(world, persona)) is allowed


def test_a_supervisor_or_office_of_another_county_does_not_urge(world, case):
    from departments.models import Staff

    for persona in ("supervisor", "lgo"):
        Staff.objects.filter(user=getattr(world, persona)).update(jurisdiction=world.other_county)
        user = type(getattr(world, persona)).objects.get(pk=getattr(world, persona).pk)
        assert not rules.can_urge(case, user)


def test_urging_records_it_tells_the_department_and_goes_on_the_timeline(world, case):
    deadline = opinion_of(case, world.hr)
    made = urging.deadline_urge(deadline=deadline, actor=world.supervisor, note="请尽快出具意见")
    assert (made.department, made.by, made.note) == (world.hr, world.supervisor, "请尽快出具意见")
    entry = TimelineEntry.objects.get(dispute=case, action="routing.deadline.urged")
    assert entry.actor == world.supervisor and entry.note == "请尽快出具意见"
    told = Notification.objects.filter(kind="routing.urged")
    assert {n.user for n in told} == {world.officer_hr}
    assert "请尽快出具意见" in told.get().message and case.number in told.get().message


def test_a_closed_limit_is_refused_in_chinese(world, case):
    task = DepartmentTask.objects.get(dispute=case, department=world.hr)
    consultation_services.opinion_give(
        task=task, actor=world.officer_hr, finding="已核实", basis="", proposal="补缴"
    )
    with pytest.raises(DisputeError) as refused:
        urging.deadline_urge(deadline=opinion_of(case, world.hr), actor=world.coordinator, note="x")
    assert "无需催办" in str(refused.value.message)
    assert not Urging.objects.exists()


def test_an_overdue_limit_not_yet_met_may_still_be_urged(world, policies):
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        d = scenarios.joint_handling(world)
    with time_machine.travel(at("2025-03-20 10:00"), tick=False):
        deadlines.sweep()
        deadline = opinion_of(d, world.tax)
        assert deadline.status == "overdue"
        urging.deadline_urge(deadline=deadline, actor=world.coordinator, note="已超期，请即办")
    assert Urging.objects.filter(deadline=deadline).exists()


def test_someone_not_overseeing_is_refused_by_the_service(world, case):
    with pytest.raises(ActionNotPermitted):
        urging.deadline_urge(deadline=opinion_of(case, world.hr), actor=world.clerk, note="x")


def test_the_action_page_offers_the_open_department_limits_and_urges(client, world, case):
    client.force_login(world.coordinator)
    url = reverse("routing:urge", args=[case.number])
    page = client.get(url)
    assert page.status_code == 200
    offered = set(page.context["form"].fields["deadline"].queryset)
    assert offered == set(Deadline.objects.filter(dispute=case, department__isnull=False))
    deadline = opinion_of(case, world.tax)
    done = client.post(url, {"deadline": deadline.pk, "note": "请于明日前反馈"})
    assert done.status_code == 302
    assert Urging.objects.get().deadline == deadline
    detail = client.get(reverse("disputes:detail", args=[case.number]))
    assert "请于明日前反馈" in detail.content.decode()
    assert 'id="urgings"' in detail.content.decode()


def test_a_limit_of_another_case_cannot_be_posted(client, world, case, policies):
    other = scenarios.joint_handling(world)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("routing:urge", args=[case.number]),
        {"deadline": opinion_of(other, world.tax).pk, "note": "x"},
    )
    assert response.status_code == 200 and response.context["form"].errors["deadline"]
    assert not Urging.objects.exists()


def test_an_empty_note_is_refused(client, world, case):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("routing:urge", args=[case.number]),
        {"deadline": opinion_of(case, world.tax).pk, "note": "  "},
    )
    assert response.status_code == 200 and not Urging.objects.exists()


def test_the_officers_queue_marks_the_case_while_the_urged_limit_is_open(client, world, case):
    urging.deadline_urge(deadline=opinion_of(case, world.hr), actor=world.coordinator, note="催")
    other = scenarios.joint_handling(world)  # not urged
    client.force_login(world.officer_hr)
    tasks = client.get(reverse("consultations:tasks"))
    marked = {t.dispute_id: t.urged for t in tasks.context["page"]}
    assert marked == {case.pk: True, other.pk: False}
    home = client.get(reverse("reports:home"))
    assert {d.pk: d.urged for d in home.context["page"]}.get(case.pk) is True
    # The tax bureau was not urged: its queue carries no mark.
    client.force_login(world.officer_tax)
    tax = client.get(reverse("consultations:tasks"))
    assert not any(t.urged for t in tax.context["page"])
    # Once the opinion is given the limit is met: the mark goes.
    task = DepartmentTask.objects.get(dispute=case, department=world.hr)
    consultation_services.opinion_give(
        task=task, actor=world.officer_hr, finding="已核实", basis="", proposal="补缴"
    )
    client.force_login(world.officer_hr)
    again = client.get(reverse("consultations:tasks"))
    assert not any(t.urged for t in again.context["page"])


def test_the_queue_mark_costs_one_query_whatever_the_rows(client, world, policies):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("consultations:tasks")).status_code == 200
        return len(ctx.captured_queries)

    first = scenarios.joint_handling(world)
    urging.deadline_urge(deadline=opinion_of(first, world.hr), actor=world.coordinator, note="催")
    client.force_login(world.officer_hr)
    few = queries()
    for _ in range(6):
        d = scenarios.joint_handling(world)
        urging.deadline_urge(deadline=opinion_of(d, world.hr), actor=world.coordinator, note="催")
    assert queries() == few


def test_the_action_is_offered_only_while_a_department_limit_is_open(world, case):
    from disputes.actions import actions_for

    assert "urge" in {a.key for a in actions_for(case, world.coordinator)}
    assert "urge" not in {a.key for a in actions_for(case, world.clerk)}
    registered = scenarios.registered(world)  # only the centre's classification limit
    assert "urge" not in {a.key for a in actions_for(registered, world.coordinator)}
