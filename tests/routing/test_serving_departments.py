"""A case goes only to the departments serving its area: one county's clerk or government
office never sends a case to another county's department, through the form or around it."""

import pytest
from django.urls import reverse

from departments.models import Department
from disputes.exceptions import DisputeError
from routing import services as routing_services
from routing.models import RoutingRule
from tests import scenarios
from tests.areas import second_county

pytestmark = pytest.mark.django_db


def choices(response, field):
    return set(response.context["form"].fields[field].queryset)


def test_the_serving_selector_keeps_the_cases_county_and_the_installation_wide(world):
    other = second_county(world)
    world.tax.jurisdiction = world.county
    world.tax.save()
    town_office = Department.objects.create(
        name="古魏镇司法所", code="justice_gw", kind="justice", jurisdiction=world.town_a
    )
    Department.objects.create(name="已撤销部门", code="gone", kind="finance", active=False)
    serving_village = set(Department.objects.serving(world.village_a))
    assert serving_village == {world.tax, world.hr, world.medical, world.gov, town_office}
    # The other town of the same county is not served by 古魏镇's office.
    assert set(Department.objects.serving(world.town_b)) == {
        world.tax,
        world.hr,
        world.medical,
        world.gov,
    }
    assert set(Department.objects.serving(world.other_county)) == {
        other.tax,
        other.court,
        world.hr,
        world.medical,
    }
    for department in Department.objects.all():
        for area in (world.village_a, world.town_b, world.other_county):
            assert department.serves(area) == (
                department in set(Department.objects.serving(area))
            ), (department, area)


def test_the_classify_form_offers_only_departments_serving_the_case(client, world):
    other = second_county(world)
    d = world.make_dispute()
    client.force_login(world.clerk)
    response = client.get(reverse("routing:classify", args=[d.number]))
    assert response.status_code == 200
    for field in ("lead_department", "co_departments"):
        offered = choices(response, field)
        assert world.tax in offered and world.hr in offered
        assert other.tax not in offered and other.court not in offered
    assert other.tax.name not in response.content.decode()


def test_a_crafted_classify_post_with_another_countys_department_changes_nothing(client, world):
    other = second_county(world)
    d = world.make_dispute()
    client.force_login(world.clerk)
    for data in (
        {"lead_department": other.tax.pk},
        {"lead_department": world.tax.pk, "co_departments": [other.tax.pk]},
    ):
        response = client.post(
            reverse("routing:classify", args=[d.number]),
            {"expected_state": d.state, "classification": "general", **data},
        )
        assert response.status_code == 200
        assert response.context["form"].errors
        assert "有效" in response.content.decode()  # Django's "select a valid choice", in Chinese
        d.refresh_from_db()
        assert d.state == "registered"
        assert d.lead_department_id is None and not d.co_departments.exists()


def test_the_classify_service_refuses_another_countys_department(world):
    other = second_county(world)
    d = world.make_dispute()
    for lead, co in ((other.tax, []), (world.tax, [other.court])):
        with pytest.raises(DisputeError) as refused:
            routing_services.dispute_classify(
                dispute=d,
                actor=world.clerk,
                classification="general",
                lead_department=lead,
                co_departments=co,
            )
        assert "不负责" in str(refused.value.message)
        assert "古魏镇" in str(refused.value.message)
        d.refresh_from_db()
        assert d.state == "registered" and d.lead_department_id is None


def test_the_dispatch_form_offers_only_departments_serving_the_case(client, world):
    other = second_county(world)
    d = scenarios.referred(world)
    client.force_login(world.officer_gov)
    response = client.get(reverse("routing:dispatch", args=[d.number]))
    assert response.status_code == 200
    offered = choices(response, "department")
    assert world.hr in offered and other.tax not in offered
    response = client.post(
        reverse("routing:dispatch", args=[d.number]),
        {"expected_state": d.state, "department": other.tax.pk, "hotline_ticket": "12345-1"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    d.refresh_from_db()
    assert d.state == "referred" and d.lead_department_id is None


def test_the_dispatch_service_refuses_another_countys_department(world):
    other = second_county(world)
    d = scenarios.referred(world)
    with pytest.raises(DisputeError) as refused:
        routing_services.dispute_dispatch(dispute=d, actor=world.officer_gov, department=other.tax)
    assert "不负责" in str(refused.value.message)
    d.refresh_from_db()
    assert d.state == "referred" and d.lead_department_id is None
    assert d.referral.dispatched_to_id is None


def test_the_proposal_names_the_cases_own_countys_department(world):
    other = second_county(world)
    world.tax.jurisdiction = world.county
    world.tax.save()
    # An installation-wide rule written with 永济市's tax bureau in mind.
    rule = RoutingRule.objects.create(category=world.category, lead_department=other.tax)
    rule.co_departments.set([world.hr, other.court])
    proposal = routing_services.routing_propose(world.make_dispute())
    assert proposal.rule == rule
    assert proposal.lead_department == world.tax
    # 芮城县 has no court among the departments: the court is not proposed at all.
    assert proposal.co_departments == [world.hr]


def test_a_rule_whose_lead_has_no_counterpart_in_the_cases_county_does_not_apply(world):
    other = second_county(world)
    general = RoutingRule.objects.create(category=world.category, lead_department=world.hr)
    RoutingRule.objects.create(
        category=world.category, insurance_type=world.pension, lead_department=other.court
    )
    proposal = routing_services.routing_propose(world.make_dispute(insurance_types=[world.pension]))
    assert proposal.rule == general
    assert proposal.lead_department == world.hr


def test_the_classify_page_proposes_the_cases_own_countys_department(client, world):
    other = second_county(world)
    world.tax.jurisdiction = world.county
    world.tax.save()
    RoutingRule.objects.create(category=world.category, lead_department=other.tax)
    d = world.make_dispute()
    client.force_login(world.clerk)
    response = client.get(reverse("routing:classify", args=[d.number]))
    assert response.context["form"].initial["lead_department"] == world.tax
