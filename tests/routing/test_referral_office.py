"""The government office receives the referrals of its own county, dispatches them, and
follows each case it received: the case page, its inbox link and the referral sheet."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from departments.models import Department, Role, Staff, role_group
from disputes import rules
from disputes.models import Notification
from disputes.selectors import visible_disputes
from disputes.services import dispute_reply
from routing import services as routing_services
from routing.models import Deadline, Stage
from tests import scenarios

pytestmark = pytest.mark.django_db


def other_county_office(w):
    """永济市政府办 and its 12345 officer. Its code sorts before 芮城县's office."""
    office = Department.objects.create(
        name="永济市政府办",
        code="a_government_office_yj",
        kind="government_office",
        jurisdiction=w.other_county,
    )
    user = get_user_model().objects.create_user("off_gov_yj", password="pw-Secret-123")
    user.groups.add(role_group(Role.OFFICER))
    Staff.objects.create(user=user, full_name="韩冰", department=office)
    return office, user


def dispatch(w, d):
    return routing_services.dispute_dispatch(
        dispute=d, actor=w.officer_gov, department=w.hr, hotline_ticket="12345-0001"
    )


def referral_sheet(d):
    return reverse("reports:document", kwargs={"number": d.number, "kind": "referral_sheet"})


def test_the_office_of_another_county_neither_sees_nor_dispatches_a_referred_case(client, world):
    _office, officer_yj = other_county_office(world)
    d = scenarios.referred(world)
    assert rules.can_dispatch(d, world.officer_gov)
    assert not rules.can_dispatch(d, officer_yj)
    assert not visible_disputes(officer_yj).exists()
    client.force_login(officer_yj)
    for url in (
        reverse("disputes:detail", args=[d.number]),
        reverse("routing:dispatch", args=[d.number]),
        referral_sheet(d),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("routing:dispatch", args=[d.number]), {"department": world.hr.pk}
    )
    assert response.status_code == 404
    listing = client.get(reverse("disputes:list"), {"q": d.number})
    assert listing.context["page"].paginator.count == 0
    assert client.get(reverse("reports:home")).context["page"].paginator.count == 0
    d.refresh_from_db()
    assert d.state == "referred"


def test_the_referral_deadline_goes_to_the_office_of_the_cases_county(world):
    other_county_office(world)
    d = scenarios.referred(world)
    deadline = Deadline.objects.get(dispute=d, stage=Stage.REFERRAL_DISPATCH)
    assert deadline.department == world.gov


def test_an_office_that_names_no_county_receives_no_referral(client, world):
    world.gov.jurisdiction = None
    world.gov.save()
    d = scenarios.referred(world)
    assert not rules.can_dispatch(d, world.officer_gov)
    client.force_login(world.officer_gov)
    assert client.get(reverse("disputes:detail", args=[d.number])).status_code == 404
    with pytest.raises(ValidationError) as refused:
        world.gov.full_clean()
    assert "jurisdiction" in refused.value.message_dict


def test_the_office_follows_the_case_it_dispatched_until_and_after_the_feedback(client, world):
    d = scenarios.referred(world)
    client.force_login(world.officer_gov)
    assert client.get(referral_sheet(d)).status_code == 200
    d = dispatch(world, d)
    page = client.get(reverse("disputes:detail", args=[d.number]))
    assert page.status_code == 200
    # Its inbox: the referral it was sent, whose link opens the case.
    note = Notification.objects.filter(user=world.officer_gov, dispute=d).first()
    assert note is not None
    inbox = client.get(reverse("reports:inbox")).content.decode()
    link = reverse("disputes:detail", args=[note.dispute.number])
    assert link in inbox
    assert client.get(link).status_code == 200
    # The referral sheet addressed to it, offered on the case page too; no other paper.
    response = client.get(referral_sheet(d))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert referral_sheet(d) in page.content.decode()
    receipt = reverse("reports:document", kwargs={"number": d.number, "kind": "receipt"})
    assert client.get(receipt).status_code == 403
    assert receipt not in page.content.decode()
    # It reads the numbers masked: it forwards the matter, it does not handle it.
    number = d.parties.get().payer.id_number
    assert number not in page.content.decode()
    # The feedback comes back and the centre replies: the office still reads its case.
    feedback_and_reply(world, d)
    assert client.get(reverse("disputes:detail", args=[d.number])).status_code == 200
    assert client.get(referral_sheet(d)).status_code == 200


def feedback_and_reply(w, d):
    from consultations import services as consultation_services
    from consultations.models import DepartmentTask

    task = DepartmentTask.objects.get(dispute=d, department=w.hr)
    consultation_services.opinion_give(
        task=task, actor=w.officer_hr, finding="经核实属实", basis="", proposal="按规定补缴"
    )
    consultation_services.dispute_consolidate(dispute=d, actor=w.coordinator, opinion="同意")
    dispute_reply(dispute=d, actor=w.clerk, text="答复")
