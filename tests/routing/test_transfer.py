"""Transfer to another centre and dispatch of a referral: who hears of the new work, what the
form proposes, and one time limit for one piece of work."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services as consultation_services
from consultations.models import DepartmentTask
from departments.models import Centre, Jurisdiction
from disputes.models import Notification
from routing import services as routing_services
from routing.models import Deadline, Stage
from tests import scenarios

pytestmark = pytest.mark.django_db


def test_a_transfer_tells_the_receiving_centres_clerks(world, policies):
    d = world.make_dispute()
    routing_services.dispute_transfer(
        dispute=d, actor=world.clerk, centre=world.centre_b, reason="属风陵渡镇管辖"
    )
    received = Notification.objects.filter(user=world.clerk_b, dispute=d)
    assert received.count() == 1
    assert d.number in received.get().message
    # The centre that sent it needs no message about what it just did.
    assert not Notification.objects.filter(user=world.clerk, dispute=d).exists()
    assert not Notification.objects.filter(user=world.coordinator, dispute=d).exists()


def test_the_transfer_form_proposes_the_centre_of_the_cases_own_area(world, client):
    village_b = Jurisdiction.objects.create(
        name="西村", code="140830101001", level="village", parent=world.town_b
    )
    d = world.make_dispute(jurisdiction=village_b)  # registered at centre A, lies in B's area
    client.force_login(world.clerk)
    form = client.get(reverse("routing:transfer", args=[d.number])).context["form"]
    assert form.initial["centre"] == world.centre_b
    assert routing_services.competent_centre(d) == world.centre_b


def test_no_centre_is_proposed_when_the_case_lies_in_the_centres_own_area(world):
    d = world.make_dispute(jurisdiction=world.village_a)
    assert routing_services.competent_centre(d) is None
    Centre.objects.filter(pk=world.centre_b.pk).update(active=False)
    elsewhere = world.make_dispute(jurisdiction=world.town_b)
    assert routing_services.competent_centre(elsewhere) is None  # its centre is closed


def test_a_dispatched_referral_gives_the_department_one_time_limit(world, policies):
    d = scenarios.referred(world)
    report_back_by = timezone.localdate() + datetime.timedelta(days=3)
    d = routing_services.dispute_dispatch(dispute=d, actor=world.officer_gov, department=world.tax)

    running = Deadline.objects.running().filter(dispute=d, department=world.tax)
    assert running.count() == 1, list(running.values_list("stage", flat=True))
    deadline = running.get()
    assert deadline.stage == Stage.REFERRAL_FEEDBACK
    assert timezone.localtime(deadline.due_at).date() == report_back_by
    task = DepartmentTask.objects.get(dispute=d, department=world.tax)
    assert task.deadline == deadline

    consultation_services.opinion_give(
        task=task, actor=world.officer_tax, finding="已核实", basis="", proposal="补缴"
    )
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.MET
