"""The reach rows follow every change of the relations they stand for (disputes.reach).

Each test plays a change through the services and then asks ``reach.stale()``: every case's
rows must be what its relations say. The lists' agreement with the rule as a whole is the
property test's (tests/security/test_visibility_property.py).
"""

import pytest
from django.urls import reverse

from consultations import services as consultation_services
from disputes import grants, reach
from disputes.models import CaseReach
from routing import services as routing_services
from tests import scenarios

pytestmark = pytest.mark.django_db


def units(d):
    return set(CaseReach.objects.filter(dispute=d).values_list("unit", flat=True))


def test_a_registered_case_is_reached_by_its_centre_and_its_clerk(world):
    d = world.make_dispute()
    assert units(d) == {f"centre:{world.centre_a.pk}", f"clerk:{world.clerk.pk}"}
    assert reach.stale() == []


def test_classifying_adds_the_lead_and_co_handling_departments(world):
    d = scenarios.joint_handling(world)
    assert {f"dept:{world.tax.pk}", f"dept:{world.hr.pk}"} <= units(d)
    assert reach.stale() == []


def test_a_share_and_its_withdrawal_add_and_remove_the_group(world):
    d = world.make_dispute()
    group = world.medical.group
    grants.access_grant(dispute=d, actor=world.coordinator, group=group, reason="请复核")
    assert f"group:{group.pk}" in units(d)
    grants.access_revoke(dispute=d, actor=world.coordinator, group=group, reason="已复核")
    assert f"group:{group.pk}" not in units(d)
    assert reach.stale() == []


def test_a_transfer_moves_the_case_to_the_other_centres_reach(world):
    d = world.make_dispute()
    routing_services.dispute_transfer(
        dispute=d, actor=world.clerk, centre=world.centre_b, reason="属地管辖"
    )
    assert f"centre:{world.centre_b.pk}" in units(d)
    assert f"centre:{world.centre_a.pk}" not in units(d)
    assert reach.stale() == []


def test_reassigning_the_lead_department_moves_the_reach(world):
    d = scenarios.joint_handling(world)
    consultation_services.task_reassign(
        dispute=d,
        actor=world.coordinator,
        from_department=world.tax,
        to_department=world.medical,
        reason="职责调整",
    )
    assert f"dept:{world.medical.pk}" in units(d)
    assert f"dept:{world.tax.pk}" not in units(d)
    assert reach.stale() == []


def test_meetings_decisions_and_the_court_leave_no_case_stale(world):
    scenarios.sent_to_court(world)
    scenarios.declined_by_hr(world)
    scenarios.objected(world)
    assert reach.stale() == []


def test_rows_gone_stale_are_found_and_rebuilt(world):
    d = world.make_dispute()
    CaseReach.objects.filter(dispute=d).delete()
    assert reach.stale() == [d.pk]
    assert reach.rebuild([d.pk]) == 2
    assert reach.stale() == []


def test_a_case_reached_only_through_a_deleted_row_drops_out_of_the_list(client, world):
    """The rows are what the list asks: without its centre's row, the coordinator no longer
    finds the case (which is why every writer keeps them)."""
    d = world.make_dispute()
    client.force_login(world.coordinator)
    assert d.number in client.get(reverse("disputes:list")).content.decode()
    CaseReach.objects.filter(dispute=d, unit=f"centre:{world.centre_a.pk}").delete()
    assert d.number not in client.get(reverse("disputes:list")).content.decode()
