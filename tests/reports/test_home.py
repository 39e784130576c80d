"""The work queue on the home page, and the query budgets of the list and case pages."""

import pytest
from django.urls import reverse

from consultations import services as consultation_services
from consultations.models import DepartmentTask
from routing import services as routing_services

pytestmark = pytest.mark.django_db


def numbers_in(response):
    return {d.number for d in response.context["page"]}


def test_a_clerk_sees_the_registered_cases_of_their_centre_oldest_first(client, world):
    a1 = world.make_dispute()
    a2 = world.make_dispute()
    world.make_dispute(actor=world.clerk_b, centre=world.centre_b)
    client.force_login(world.clerk)
    response = client.get(reverse("reports:home"))
    assert [d.number for d in response.context["page"]] == [a1.number, a2.number]


def test_an_officer_sees_only_cases_awaiting_their_departments_opinion(client, world):
    d = world.make_dispute()
    routing_services.dispute_classify(
        dispute=d,
        actor=world.clerk,
        classification="general",
        lead_department=world.tax,
        co_departments=[world.hr],
    )
    world.make_dispute()  # registered, not assigned to anyone yet
    client.force_login(world.officer_hr)
    assert numbers_in(client.get(reverse("reports:home"))) == {d.number}
    consultation_services.opinion_give(
        task=DepartmentTask.objects.get(dispute=d, department=world.hr),
        actor=world.officer_hr,
        finding="f",
        basis="",
        proposal="p",
    )
    assert numbers_in(client.get(reverse("reports:home"))) == set()
    client.force_login(world.officer_medical)
    assert numbers_in(client.get(reverse("reports:home"))) == set()


def test_the_lead_officer_sees_the_case_once_every_opinion_is_in(client, world):
    d = world.make_dispute()
    routing_services.dispute_classify(
        dispute=d,
        actor=world.clerk,
        classification="general",
        lead_department=world.tax,
        co_departments=[world.hr],
    )
    for task in DepartmentTask.objects.filter(dispute=d):
        officer = world.officer_tax if task.department == world.tax else world.officer_hr
        consultation_services.opinion_give(
            task=task, actor=officer, finding="f", basis="", proposal="p"
        )
    client.force_login(world.officer_tax)
    assert numbers_in(client.get(reverse("reports:home"))) == {d.number}


def test_the_leader_sees_escalated_cases_awaiting_approval(client, world):
    d = world.make_dispute()
    routing_services.dispute_classify(
        dispute=d,
        actor=world.clerk,
        classification="major",
        lead_department=world.tax,
        note="群体性争议",
    )
    world.make_dispute()
    client.force_login(world.leader)
    assert numbers_in(client.get(reverse("reports:home"))) == {d.number}


def test_the_queue_filters_by_state_and_category(client, world):
    d1 = world.make_dispute()
    world.make_dispute(category=world.category_refund)
    client.force_login(world.clerk)
    response = client.get(reverse("reports:home"), {"category": world.category.pk})
    assert numbers_in(response) == {d1.number}
    response = client.get(reverse("reports:home"), {"state": "closed"})
    assert numbers_in(response) == set()


def test_an_outsider_has_an_empty_queue(client, world):
    world.make_dispute()
    client.force_login(world.outsider)
    response = client.get(reverse("reports:home"))
    assert response.status_code == 200 and numbers_in(response) == set()


def test_the_queue_costs_the_same_queries_for_few_and_many_cases(
    client, world, django_assert_max_num_queries
):
    for _ in range(3):
        world.make_dispute()
    client.force_login(world.clerk)
    # session read, user, staff (with centre etc.), roles, count (capped), categories and
    # centres for the filter form, the page's keys then its cases (the offset walks an index
    # without the rows' joins), their parties with payers, overdue time limits, unread
    # notifications (the session is not saved: it was renewed at the log-in)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("reports:home"))
    for _ in range(20):
        world.make_dispute()
    with django_assert_max_num_queries(12) as many:
        client.get(reverse("reports:home"))
    assert len(few.captured_queries) == len(many.captured_queries)


def test_the_case_list_has_a_query_budget(client, world, django_assert_max_num_queries):
    for _ in range(15):
        world.make_dispute()
    client.force_login(world.supervisor)
    # the same queries as the queue above, less the overdue time limits
    with django_assert_max_num_queries(11):
        response = client.get(reverse("disputes:list"))
    assert len(response.context["page"]) == 15


def test_the_case_page_has_a_query_budget(client, world, django_assert_max_num_queries):
    d = world.make_dispute()
    routing_services.dispute_classify(
        dispute=d,
        actor=world.clerk,
        classification="general",
        lead_department=world.tax,
        co_departments=[world.hr, world.medical],
    )
    client.force_login(world.coordinator)
    # session, user, staff, roles, the case, parties, insurance types, co-departments, tasks,
    # attachments, linked cases, timeline, the access log row, the action checks, the time
    # limits section (deadlines, extension requests, pause, calendar), the documents section
    # (referral, department sheets, meetings with minutes), the consolidation's condition (every
    # opinion in or overdue), what the leading group has on the case (one query of EXISTS for
    # the consultations section and actions), unread notifications
    with django_assert_max_num_queries(30):
        response = client.get(reverse("disputes:detail", args=[d.number]))
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["supervisor", "cyber", "mediator"])
def test_roles_that_only_follow_cases_are_not_told_the_cases_await_them(client, world, persona):
    world.make_dispute(is_public_opinion_risk=True)
    client.force_login(getattr(world, persona))
    page = client.get(reverse("reports:home")).content.decode()
    assert "我关注的在办案件" in page
    assert "待我办理的案件" not in page


@pytest.mark.parametrize("persona", ["clerk", "officer_tax", "leader", "lgo"])
def test_roles_with_work_of_their_own_read_cases_awaiting_them(client, world, persona):
    client.force_login(getattr(world, persona))
    page = client.get(reverse("reports:home")).content.decode()
    assert "待我办理的案件" in page and "我关注的在办案件" not in page
