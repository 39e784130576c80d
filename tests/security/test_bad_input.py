"""Inputs that once gave a server error: each gets a clear answer and changes nothing.

NUL characters only fail on PostgreSQL (it refuses them in strings); run this file there too.
"""

import importlib

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import NoReverseMatch, reverse

from disputes.models import AccessLog, Dispute, Notification, TimelineEntry
from tests import scenarios
from tests.security.test_matrix import MATRIX

NUL = "a\x00b"


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def fresh_client():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize("bad_id", ["abc", "1.5", NUL, "99999999999999999999999", "-1"])
def test_the_inbox_refuses_an_id_that_is_not_one_of_its_messages(world, fresh_client, bad_id):
    note = Notification.objects.create(user=world.clerk, kind="k", message="m")
    fresh_client.force_login(world.clerk)
    response = fresh_client.post(reverse("reports:inbox"), {"id": bad_id}, follow=True)
    assert response.status_code == 200
    assert "这条消息不在您的收件箱中。" in messages_of(response)
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.django_db
def test_the_inbox_marks_one_message_or_all_as_read(world, client):
    one, other = (Notification.objects.create(user=world.clerk, kind="k", message=m) for m in "ab")
    client.force_login(world.clerk)
    client.post(reverse("reports:inbox"), {"id": one.pk})
    assert Notification.objects.filter(read_at__isnull=True).get() == other
    client.post(reverse("reports:inbox"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_payer", "message"),
    [
        ("abc", "该缴费人不是本案当事人。"),
        ("", "该缴费人不是本案当事人。"),
        ("99999999999999999999999", "该缴费人不是本案当事人。"),
        ("[]", "该缴费人不是本案当事人。"),
        (NUL, "文本中不能含有空字符（NUL）。"),
    ],
)
def test_the_number_reveal_refuses_a_payer_that_is_no_party_with_a_message(
    world, fresh_client, bad_payer, message
):
    d = scenarios.joint_handling(world)
    fresh_client.force_login(world.supervisor)
    response = fresh_client.post(
        reverse("disputes:reveal", args=[d.number]),
        {"payer": bad_payer, "reason": "核对身份"},
        follow=True,
    )
    assert response.status_code == 200
    assert message in messages_of(response)
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.REVEAL).exists()


@pytest.mark.django_db
def test_the_number_reveal_refuses_a_reason_with_a_nul_character(world, fresh_client):
    d = scenarios.joint_handling(world)
    fresh_client.force_login(world.supervisor)
    response = fresh_client.post(
        reverse("disputes:reveal", args=[d.number]),
        {"payer": d.parties.get().payer_id, "reason": NUL},
        follow=True,
    )
    assert response.status_code == 200
    assert "文本中不能含有空字符（NUL）。" in messages_of(response)
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.REVEAL).exists()


@pytest.mark.django_db
def test_the_court_report_page_of_a_case_never_sent_to_court_is_not_found(world, fresh_client):
    d = scenarios.joint_handling(world)
    for persona in ["clerk", "coordinator", "officer_tax", "supervisor", "lgo", "leader"]:
        fresh_client.force_login(getattr(world, persona))
        response = fresh_client.get(reverse("consultations:court_report", args=[d.number]))
        assert response.status_code == 404, persona


@pytest.mark.django_db
def test_the_court_report_page_of_a_case_whose_court_reported_is_not_found(world, client):
    from consultations.models import CourtEnforcement
    from consultations.services import court_report

    d = scenarios.sent_to_court(world)
    court_report(
        enforcement=CourtEnforcement.objects.get(dispute=d), actor=world.lgo, report="已执行"
    )
    client.force_login(world.lgo)
    assert client.get(reverse("consultations:court_report", args=[d.number])).status_code == 404


@pytest.mark.django_db
def test_a_decision_posting_a_thousand_task_forms_builds_no_more_than_the_cap(world, client):
    from consultations.forms import MAX_TASKS

    d = scenarios.meeting_held(world)
    meeting = scenarios.meeting_of(d)
    item = meeting.agenda.get(dispute=d)
    client.force_login(world.lgo)
    data = {
        "decision": "决定",
        "outcome": "settled",
        "task-TOTAL_FORMS": "1000",
        "task-INITIAL_FORMS": "0",
    }
    response = client.post(
        reverse("consultations:decision", kwargs={"pk": meeting.pk, "item_pk": item.pk}), data
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) <= MAX_TASKS
    assert formset.non_form_errors()
    item.refresh_from_db()
    assert item.decision == ""


PROJECT_FORM_MODULES = ["disputes.forms", "routing.forms", "consultations.forms"]


def test_every_formset_of_the_project_is_capped():
    formsets = {
        f"{module}.{name}": value
        for module in PROJECT_FORM_MODULES
        for name, value in vars(importlib.import_module(module)).items()
        if isinstance(value, type)
        and issubclass(value, forms.BaseFormSet)
        and value.__name__ != "BaseFormSet"
        and hasattr(value, "form")
    }
    assert formsets  # the payers of an intake, the tasks of a decision
    assert {
        name: (f.absolute_max == f.max_num, f.validate_max) for name, f in formsets.items()
    } == {name: (True, True) for name in formsets}


def _case_urls(number):
    """Every URL of the matrix that names a case, with ``number`` in its place."""
    urls = []
    for name, (method, scenario, _extra, _data, _expected) in MATRIX.items():
        if scenario is None or name.startswith("api:"):
            # The API answers a system's key, not a session (tests/api; Schemathesis).
            continue
        for kwargs in (
            {},
            {"kind": "receipt"},
            {"kind": "receipt", "part": "x"},
            {"pk": 1},
            {"group_id": 1},
        ):
            try:
                urls.append((name, method, reverse(name, kwargs={"number": "N", **kwargs})))
                break
            except NoReverseMatch:
                continue
    return [(name, method, url.replace("/N/", f"/{number}/", 1)) for name, method, url in urls]


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["GA\x00-2026-000001", "%00", "G" * 33])
def test_a_case_number_that_cannot_be_one_matches_no_page(world, fresh_client, number):
    scenarios.registered(world)
    fresh_client.force_login(world.coordinator)
    answers = {
        name: getattr(fresh_client, method)(url).status_code
        for name, method, url in _case_urls(number)
    }
    assert answers and set(answers.values()) == {404}, answers


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "persona", "params"),
    [
        ("reports:documents", "supervisor", {"number": NUL}),
        ("reports:documents", "supervisor", {"kind": NUL}),
        ("disputes:payer_lookup", "clerk", {"id_number": NUL}),
        ("disputes:list", "clerk", {"q": NUL}),
        ("reports:access_log", "supervisor", {"kind": NUL}),
    ],
)
def test_a_nul_character_in_a_filter_gets_no_server_error(
    world, fresh_client, name, persona, params
):
    scenarios.registered(world)
    fresh_client.force_login(getattr(world, persona))
    assert fresh_client.get(reverse(name), params).status_code == 200


@pytest.mark.django_db
def test_an_extension_decision_with_a_nul_comment_or_no_decision_decides_nothing(
    world, fresh_client
):
    from routing.services import extension_request

    d = scenarios.joint_handling(world)
    deadline = d.deadlines.get(stage="department_opinion", department__code="hrss")
    ext = extension_request(deadline=deadline, actor=world.officer_hr, working_days=2, reason="r")
    fresh_client.force_login(world.coordinator)
    url = reverse("routing:extension_decide", kwargs={"pk": ext.pk})
    for data in ({"decision": "refuse", "comment": NUL}, {"comment": "好"}, {"decision": NUL}):
        response = fresh_client.post(url, data, follow=True)
        assert response.status_code == 200, data
        assert messages_of(response), data
    ext.refresh_from_db()
    assert ext.status == ext.Status.PENDING


@pytest.mark.django_db
def test_an_attendance_note_with_a_nul_character_keeps_the_meeting_planned(world, fresh_client):
    d = scenarios.meeting_planned(world)
    meeting = scenarios.meeting_of(d)
    rows = list(meeting.attendances.values_list("pk", flat=True))
    timeline = TimelineEntry.objects.filter(dispute=d).count()
    fresh_client.force_login(world.lgo)
    data = {f"present-{pk}": "on" for pk in rows} | {f"note-{rows[0]}": NUL}
    url = reverse("consultations:attendance", kwargs={"pk": meeting.pk})
    response = fresh_client.post(url, data)
    assert response.status_code == 200
    assert messages_of(response)
    meeting.refresh_from_db()
    assert meeting.status == meeting.Status.PLANNED
    assert Dispute.objects.get(pk=d.pk).state == d.state
    assert TimelineEntry.objects.filter(dispute=d).count() == timeline


TOO_BIG = "9223372036854775808"  # one past the largest 64-bit integer


@pytest.mark.django_db
def test_a_meeting_inviting_a_department_id_past_64_bits_is_refused_as_a_form_error(
    world, fresh_client
):
    from consultations.models import Meeting

    fresh_client.force_login(world.lgo)
    response = fresh_client.post(
        reverse("consultations:meeting_create"),
        {
            "kind": "major",
            "title": "会商",
            "held_at": "2026-12-09T09:00",
            "place": "会议室",
            "host": world.leader.pk,
            "departments": [world.tax.pk, TOO_BIG],
            "people": [TOO_BIG],
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"departments", "people"}
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_a_classification_naming_a_co_department_id_past_64_bits_is_refused(world, fresh_client):
    d = scenarios.registered(world)
    fresh_client.force_login(world.clerk)
    response = fresh_client.post(
        reverse("routing:classify", args=[d.number]),
        {"classification": "general", "lead_department": world.tax.pk, "co_departments": TOO_BIG},
    )
    assert response.status_code == 200
    assert "co_departments" in response.context["form"].errors
    d.refresh_from_db()
    assert d.state == "registered"


@pytest.mark.django_db
def test_an_over_long_username_is_refused_by_the_login_form(world, fresh_client):
    from axes.models import AccessAttempt

    response = fresh_client.post(
        reverse("accounts:login"), {"username": "王" * 300, "password": "pw-Secret-123"}
    )
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not AccessAttempt.objects.filter(username__startswith="王王").exists()
