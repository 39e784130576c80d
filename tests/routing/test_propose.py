"""Routing rules propose the departments; the most specific rule wins."""

import pytest

from routing.models import RoutingRule
from routing.services import dispute_transfer, routing_propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(world):
    general = RoutingRule.objects.create(category=world.category, lead_department=world.tax)
    general.co_departments.set([world.hr])
    pension = RoutingRule.objects.create(
        category=world.category,
        insurance_type=world.pension,
        lead_department=world.hr,
        suggested_classification="general",
    )
    pension.co_departments.set([world.tax])
    medical = RoutingRule.objects.create(
        category=world.category, insurance_type=world.medical_ins, lead_department=world.medical
    )
    return {"general": general, "pension": pension, "medical": medical}


def test_a_rule_naming_the_insurance_type_beats_a_general_one(world, rules):
    d = world.make_dispute(insurance_types=[world.pension])
    proposal = routing_propose(d)
    assert proposal.rule == rules["pension"]
    assert proposal.lead_department == world.hr
    assert proposal.co_departments == [world.tax]
    assert proposal.classification == "general"


def test_without_insurance_types_the_general_rule_applies(world, rules):
    d = world.make_dispute(insurance_types=[])
    assert routing_propose(d).rule == rules["general"]


def test_two_equally_specific_rules_join_their_departments(world, rules):
    world.medical_ins.sort_order = 5
    world.medical_ins.save()
    d = world.make_dispute(insurance_types=[world.pension, world.medical_ins])
    proposal = routing_propose(d)
    assert proposal.lead_department == world.hr
    assert set(proposal.co_departments) == {world.tax, world.medical}


def test_a_county_rule_beats_an_installation_wide_one(world, rules):
    local = RoutingRule.objects.create(
        category=world.category,
        insurance_type=world.pension,
        county=world.county,
        lead_department=world.tax,
    )
    d = world.make_dispute(insurance_types=[world.pension])
    assert routing_propose(d).rule == local
    other = RoutingRule.objects.create(
        category=world.category_refund, county=world.other_county, lead_department=world.gov
    )
    d2 = world.make_dispute(category=world.category_refund)
    assert routing_propose(d2).rule is None
    assert other.pk


def test_a_group_dispute_is_proposed_as_major(world, rules):
    d = world.make_dispute(is_group_dispute=True)
    assert routing_propose(d).classification == "major"


def test_no_rule_gives_an_empty_proposal(world):
    d = world.make_dispute()
    proposal = routing_propose(d)
    assert proposal.lead_department is None and proposal.co_departments == []


def test_a_transfer_keeps_a_village_that_lies_in_the_receiving_centres_area(world):
    from departments.models import Jurisdiction

    village_b = Jurisdiction.objects.create(
        name="西村", code="140830101001", level="village", parent=world.town_b
    )
    d = world.make_dispute(jurisdiction=village_b)
    d = dispute_transfer(dispute=d, actor=world.clerk, centre=world.centre_b, reason="属地")
    assert d.jurisdiction == village_b
    d2 = world.make_dispute(jurisdiction=world.village_a)
    d2 = dispute_transfer(dispute=d2, actor=world.clerk, centre=world.centre_b, reason="属地")
    assert d2.jurisdiction == world.town_b
