"""Every case action page: shown to who may act, refused to who may not, validated, performed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services as consultation_services
from consultations.models import DepartmentTask
from disputes import services
from disputes.models import State
from routing import services as routing_services
from tests.scenarios import online_channel

pytestmark = pytest.mark.django_db


def to_joint_handling(w, d):
    return routing_services.dispute_classify(
        dispute=d,
        actor=w.clerk,
        classification="general",
        lead_department=w.tax,
        co_departments=[w.hr],
    )


def to_awaiting_reply(w, d):
    to_joint_handling(w, d)
    for task in DepartmentTask.objects.filter(dispute=d):
        officer = w.officer_tax if task.department == w.tax else w.officer_hr
        consultation_services.opinion_give(
            task=task, actor=officer, finding="f", basis="", proposal="p"
        )
    return consultation_services.dispute_consolidate(dispute=d, actor=w.coordinator, opinion="o")


def to_escalated(w, d):
    to_joint_handling(w, d)
    return consultation_services.dispute_escalate(dispute=d, actor=w.coordinator, reason="r")


def to_replied(w, d):
    to_awaiting_reply(w, d)
    return services.dispute_reply(dispute=d, actor=w.clerk, text="答复")


def to_objected(w, d):
    to_replied(w, d)
    return services.dispute_object(dispute=d, actor=w.clerk, route="mediation")


def to_closed(w, d):
    to_replied(w, d)
    return services.dispute_accept(dispute=d, actor=w.clerk)


def to_referred(w, d):
    return routing_services.dispute_refer(
        dispute=d,
        actor=w.clerk,
        summary="s",
        opinion="o",
        report_back_by=timezone.localdate() + datetime.timedelta(days=3),
    )


def stay(w, d):
    return d


# url name, how to set up, who may act, who can see but may not act, a valid POST,
# an invalid POST, the state after
CASES = [
    (
        "routing:classify",
        stay,
        "clerk",
        "supervisor",
        lambda w: {"classification": "simple", "note": "当场解释"},
        {"classification": "simple"},
        State.RESOLVED_ON_SPOT,
    ),
    (
        "routing:transfer",
        stay,
        "coordinator",
        "supervisor",
        lambda w: {"centre": w.centre_b.pk, "reason": "属地"},
        {"reason": "属地"},
        State.REGISTERED,
    ),
    (
        "routing:refer",
        stay,
        "clerk",
        "supervisor",
        lambda w: {
            "summary": "s",
            "opinion": "o",
            "report_back_by": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        },
        {"summary": "s", "opinion": "o", "report_back_by": "2000-01-01"},
        State.REFERRED,
    ),
    (
        "routing:dispatch",
        to_referred,
        "officer_gov",
        "supervisor",
        lambda w: {"department": w.hr.pk},
        {"department": ""},
        State.JOINT_HANDLING,
    ),
    (
        "consultations:opinion",
        to_joint_handling,
        "officer_hr",
        "supervisor",
        lambda w: {"finding": "经核实", "proposal": "补缴"},
        {"finding": "经核实"},
        State.JOINT_HANDLING,
    ),
    (
        "consultations:escalate",
        to_joint_handling,
        "coordinator",
        "officer_tax",
        lambda w: {"reason": "协调不成"},
        {"reason": ""},
        State.ESCALATED,
    ),
    (
        "consultations:approve",
        to_escalated,
        "leader",
        "lgo",
        lambda w: {"comment": "同意"},
        None,
        State.SPECIAL_HANDLING,
    ),
    (
        "consultations:return_escalation",
        to_escalated,
        "leader",
        "lgo",
        lambda w: {"comment": "继续协调"},
        {"comment": ""},
        State.JOINT_HANDLING,
    ),
    (
        "disputes:reply",
        to_awaiting_reply,
        "coordinator",
        "supervisor",
        lambda w: {"text": "书面答复"},
        {"text": ""},
        State.REPLIED,
    ),
    ("disputes:accept", to_replied, "clerk", "supervisor", lambda w: {}, None, State.CLOSED),
    (
        "disputes:object",
        to_replied,
        "clerk",
        "supervisor",
        lambda w: {"route": "litigation"},
        {"route": "nonsense"},
        State.OBJECTED,
    ),
    (
        "disputes:record_outcome",
        to_objected,
        "clerk",
        "supervisor",
        lambda w: {"outcome": "调解成功"},
        {"outcome": ""},
        State.CLOSED,
    ),
    ("disputes:archive", to_closed, "clerk", "supervisor", lambda w: {}, None, State.ARCHIVED),
    (
        "disputes:withdraw",
        stay,
        "clerk",
        "supervisor",
        lambda w: {"reason": "撤回"},
        {"reason": ""},
        State.WITHDRAWN,
    ),
    (
        "disputes:return",
        stay,
        "clerk",
        "supervisor",
        lambda w: {"reason": "不属于受理范围", "basis": "《社会保险费征缴暂行条例》第二条"},
        {"reason": "不属于受理范围", "basis": ""},
        State.WITHDRAWN,
    ),
]
IDS = [c[0] for c in CASES]

# Actions taken only on a case handed in through an online channel.
ONLINE = {"disputes:return"}


def prepare(world, case):
    name, setup, actor, onlooker, valid, invalid, after = case
    d = world.make_dispute(**({"channel": online_channel(world)} if name in ONLINE else {}))
    setup(world, d)
    d.refresh_from_db()
    return {
        "url": reverse(name, args=[d.number]),
        "dispute": d,
        "actor": getattr(world, actor),
        "onlooker": getattr(world, onlooker),
        "valid": {"expected_state": d.state, **valid(world)},
        "invalid": invalid,
        "after": after,
    }


@pytest.fixture(params=CASES, ids=IDS)
def action(request, world):
    return prepare(world, request.param)


# Actions whose form has a field that can be filled in wrongly.
WITH_INVALID = [c for c in CASES if c[5] is not None]


@pytest.fixture(params=WITH_INVALID, ids=[c[0] for c in WITH_INVALID])
def action_with_invalid(request, world):
    return prepare(world, request.param)


def test_the_person_who_may_act_sees_the_form(client, action):
    client.force_login(action["actor"])
    response = client.get(action["url"])
    assert response.status_code == 200
    assert 'name="expected_state"' in response.content.decode()


def test_a_valid_post_performs_the_action_and_writes_the_timeline(client, action):
    client.force_login(action["actor"])
    before = action["dispute"].timeline.count()
    response = client.post(action["url"], action["valid"])
    assert response.status_code == 302, response.content.decode()[:2000]
    d = action["dispute"]
    d.refresh_from_db()
    assert d.state == action["after"]
    assert d.timeline.count() == before + 1
    assert d.timeline.last().actor == action["actor"]


def test_an_invalid_post_shows_the_form_again_and_changes_nothing(client, action_with_invalid):
    action = action_with_invalid
    client.force_login(action["actor"])
    before = action["dispute"].state
    response = client.post(action["url"], {"expected_state": before, **action["invalid"]})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode() or "alert-danger" in response.content.decode()
    action["dispute"].refresh_from_db()
    assert action["dispute"].state == before


def test_someone_who_sees_the_case_but_may_not_act_is_refused(client, action):
    client.force_login(action["onlooker"])
    assert client.get(action["url"]).status_code == 403
    assert client.post(action["url"], action["valid"]).status_code == 403


def test_someone_who_cannot_see_the_case_gets_not_found(client, world, action):
    client.force_login(world.outsider)
    assert client.get(action["url"]).status_code == 404
    assert client.post(action["url"], action["valid"]).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, action):
    response = client.get(action["url"])
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_stale_form_is_refused_with_a_message(client, world, action):
    """The case moved on since the form was opened: refused, nothing written."""
    client.force_login(action["actor"])
    before = action["dispute"].timeline.count()
    response = client.post(action["url"], {**action["valid"], "expected_state": "withdrawn"})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert action["dispute"].timeline.count() == before
