"""Who sees what as relations change; explicit grants; masked numbers and the logs."""

import datetime
import inspect

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from consultations import services as consultation_services
from disputes import grants, reveals
from disputes.models import AccessLog, DisputeGroupObjectPermission
from disputes.selectors import visible_disputes
from routing import services as routing_services
from tests import scenarios
from tests.conftest import resident_id
from tests.files import pdf_upload

pytestmark = pytest.mark.django_db


def status(client, user, url, method="get", data=None):
    client.force_login(user)
    return (client.post(url, data or {}) if method == "post" else client.get(url)).status_code


def detail(d):
    return reverse("disputes:detail", args=[d.number])


def test_a_transfer_takes_the_old_centres_access_away_but_the_first_responder_keeps_reading(
    client, world
):
    d = scenarios.registered(world)
    grants.access_grant(
        dispute=d, actor=world.coordinator, group=world.centre_a.group, reason="留存"
    )
    routing_services.dispute_transfer(
        dispute=d, actor=world.clerk, centre=world.centre_b, reason="属地管理"
    )
    assert not DisputeGroupObjectPermission.objects.filter(content_object=d).exists()
    assert status(client, world.coordinator, detail(d)) == 404
    assert status(client, world.clerk, detail(d)) == 200  # first responder, read-only
    assert status(client, world.clerk, reverse("routing:classify", args=[d.number])) == 403
    assert status(client, world.clerk_b, reverse("routing:classify", args=[d.number])) == 200


def test_reassigning_a_department_takes_its_access_away(client, world):
    d = scenarios.joint_handling(world)
    assert status(client, world.officer_hr, detail(d)) == 200
    task = d.department_tasks.get(department=world.hr)
    consultation_services.task_decline(task=task, actor=world.officer_hr, reason="不属本部门职责")
    consultation_services.task_reassign(
        dispute=d,
        actor=world.coordinator,
        from_department=world.hr,
        to_department=world.medical,
        reason="属医保职责",
    )
    assert status(client, world.officer_hr, detail(d)) == 404
    assert status(client, world.officer_medical, detail(d)) == 200
    assert (
        status(client, world.officer_medical, reverse("consultations:opinion", args=[d.number]))
        == 200
    )


def test_escalation_brings_the_case_to_the_leading_group(client, world):
    d = scenarios.joint_handling(world)
    assert status(client, world.lgo, detail(d)) == 404
    assert status(client, world.leader, detail(d)) == 404
    consultation_services.dispute_escalate(dispute=d, actor=world.coordinator, reason="难以协调")
    assert status(client, world.lgo, detail(d)) == 200
    assert status(client, world.leader, detail(d)) == 200


def test_a_department_asked_to_review_one_case_reads_it_until_the_grant_is_withdrawn(client, world):
    d = scenarios.joint_handling(world)
    other = scenarios.joint_handling(world)
    assert status(client, world.officer_medical, detail(d)) == 404
    grants.access_grant(
        dispute=d, actor=world.coordinator, group=world.medical.group, reason="请医保局审阅"
    )
    assert status(client, world.officer_medical, detail(d)) == 200
    assert status(client, world.officer_medical, detail(other)) == 404
    assert (
        status(client, world.officer_medical, reverse("disputes:withdraw", args=[d.number])) == 403
    )
    assert d.timeline.filter(action="disputes.access.granted").count() == 1
    grants.access_revoke(dispute=d, actor=world.coordinator, group=world.medical.group)
    assert status(client, world.officer_medical, detail(d)) == 404


def test_grants_go_to_units_never_to_people(world):
    from departments.models import Role, role_group
    from disputes.exceptions import DisputeError

    d = scenarios.registered(world)
    with pytest.raises(DisputeError):
        grants.access_grant(
            dispute=d, actor=world.coordinator, group=role_group(Role.OFFICER), reason="x"
        )


def test_a_staff_member_moved_to_another_centre_loses_the_old_centres_grants(client, world):
    d = scenarios.registered(world, centre=world.centre_b, actor=world.clerk_b)
    grants.access_grant(
        dispute=d, actor=_coordinator_b(world), group=world.centre_a.group, reason="协查"
    )
    assert status(client, world.coordinator, detail(d)) == 200
    staff = world.coordinator.staff
    staff.centre = world.lgo_centre
    staff.save()
    world.coordinator._staff_cache = None
    assert status(client, world.coordinator, detail(d)) == 404


def _coordinator_b(world):
    from django.contrib.auth import get_user_model

    from departments.models import Role, Staff, role_group

    user = get_user_model().objects.create_user("coord_b", password="pw-Secret-123")
    user.groups.add(role_group(Role.COORDINATOR))
    Staff.objects.create(user=user, full_name="冯涛", centre=world.centre_b)
    return user


def test_the_cyberspace_office_sees_only_flagged_cases_and_never_the_numbers(client, world):
    flagged = scenarios.registered(world, is_public_opinion_risk=True)
    plain = scenarios.registered(world)
    assert status(client, world.cyber, detail(plain)) == 404
    client.force_login(world.cyber)
    page = client.get(detail(flagged)).content.decode()
    number = flagged.parties.get().payer.id_number
    assert number not in page and number[-4:] not in page
    assert "13912345678" not in page and "139****5678" not in page
    assert (
        status(
            client,
            world.cyber,
            reverse("disputes:reveal", args=[flagged.number]),
            "post",
            {"payer": flagged.parties.get().payer_id, "reason": "x"},
        )
        == 403
    )


def test_a_grid_mediator_sees_the_cases_they_reported(client, world):
    from disputes.services import PartyData, PayerData, dispute_register

    reported = dispute_register(
        actor=world.mediator,
        centre=world.centre_a,
        reported_by=world.mediator,
        parties=[
            PartyData(
                payer=PayerData(
                    kind="resident", name="赵大爷", id_number=resident_id(77, "19500101")
                )
            )
        ],
        channel=world.window,
        jurisdiction=world.village_a,
        category=world.category,
        claim="c",
        summary="s",
    )
    other = scenarios.registered(world)
    assert status(client, world.mediator, detail(reported)) == 200
    assert status(client, world.mediator, detail(other)) == 404


def test_handlers_read_numbers_in_full_and_others_masked(client, world):
    d = scenarios.joint_handling(world)
    number = d.parties.get().payer.id_number
    masked = number[:4] + "*" * 10 + number[-4:]
    client.force_login(world.officer_hr)
    assert number in client.get(detail(d)).content.decode()
    client.force_login(world.supervisor)
    page = client.get(detail(d)).content.decode()
    assert number not in page and masked in page and "139****5678" in page
    client.force_login(world.coordinator)
    listing = client.get(reverse("disputes:list")).content.decode()
    assert number not in listing and masked in listing


def test_a_reveal_is_logged_with_the_reason_and_lasts_a_few_minutes(client, world):
    d = scenarios.joint_handling(world)
    payer = d.parties.get().payer
    client.force_login(world.supervisor)
    response = client.post(
        reverse("disputes:reveal", args=[d.number]), {"payer": payer.pk, "reason": "核查投诉"}
    )
    assert response.status_code == 302
    assert payer.id_number in client.get(detail(d)).content.decode()
    entry = AccessLog.objects.get(kind="reveal")
    assert (entry.user, entry.dispute, entry.reason) == (world.supervisor, d, "核查投诉")
    log_page = client.get(reverse("reports:access_log")).content.decode()
    assert "核查投诉" in log_page and d.number in log_page
    with time_machine.travel(datetime.timedelta(minutes=reveals.REVEAL_MINUTES + 1)):
        client.force_login(world.supervisor)  # the session would have expired otherwise
        assert payer.id_number not in client.get(detail(d)).content.decode()


def test_a_reveal_is_a_service_of_the_user_that_says_until_when(world):
    """The service takes no request: it logs the reveal and returns its expiry; the case page
    remembers that in the session."""
    d = scenarios.joint_handling(world)
    payer = d.parties.get().payer
    with time_machine.travel(timezone.now(), tick=False):
        until = reveals.reveal(user=world.supervisor, dispute=d, payer=payer, reason="核查投诉")
        assert until == timezone.now() + datetime.timedelta(minutes=reveals.REVEAL_MINUTES)
    entry = AccessLog.objects.get(kind="reveal")
    assert (entry.user, entry.dispute, entry.detail) == (world.supervisor, d, payer.name)


def test_no_access_service_takes_the_http_request():
    from disputes import access_log, limits

    for module in (grants, access_log, reveals, limits):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__:
                assert "request" not in inspect.signature(function).parameters, name


def test_a_reveal_needs_a_reason(client, world):
    d = scenarios.joint_handling(world)
    client.force_login(world.supervisor)
    client.post(
        reverse("disputes:reveal", args=[d.number]),
        {"payer": d.parties.get().payer_id, "reason": " "},
    )
    assert not AccessLog.objects.filter(kind="reveal").exists()
    assert d.parties.get().payer.id_number not in client.get(detail(d)).content.decode()


def test_views_downloads_and_exports_are_logged(client, world):
    from disputes.services import attachment_add

    d = scenarios.registered(world)
    attachment = attachment_add(
        dispute=d,
        actor=world.clerk,
        upload=pdf_upload("a.pdf"),
    )
    client.force_login(world.clerk)
    client.get(detail(d))
    client.get(reverse("disputes:attachment_download", args=[d.number, attachment.pk]))
    export = client.get(reverse("disputes:export"))
    body = export.getvalue().decode("utf-8-sig")
    assert d.number in body and d.parties.get().payer.id_number not in body
    kinds = sorted(AccessLog.objects.values_list("kind", flat=True))
    assert kinds == ["download", "export", "view"]


def test_the_logs_cannot_be_edited_or_deleted_in_the_admin(client, world, admin_user):
    d = scenarios.registered(world)
    client.force_login(world.clerk)
    client.get(detail(d))
    entry = AccessLog.objects.get()
    client.force_login(admin_user)
    change = reverse("admin:disputes_accesslog_change", args=[entry.pk])
    delete = reverse("admin:disputes_accesslog_delete", args=[entry.pk])
    assert client.post(change, {"reason": "x"}).status_code in (302, 403)
    assert client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.reason == ""
    timeline = d.timeline.first()
    assert (
        client.post(
            reverse("admin:disputes_timelineentry_delete", args=[timeline.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_lists_are_filtered_in_the_database_not_in_python(world, django_assert_num_queries):
    scenarios.joint_handling(world)
    with django_assert_num_queries(3):  # staff, roles, then one query for the count
        visible_disputes(world.officer_hr).count()
