"""退单: the owning centre returns a case handed in online as not within its remit.

The case goes from registered to withdrawn through ``return_to_channel`` with the reason and its
policy or legal basis; only a case that came in through an online channel can be returned, and
only by the owning centre's clerks and coordinators. What treats withdrawn cases (deadlines,
archive, ledger) treats a returned one the same way.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django_fsm import can_proceed

from disputes import services
from disputes.actions import actions_for
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.invariants import state_before_archiving, violations
from disputes.models import Dispute, State
from disputes.rules import number_display
from disputes.timeline import label_for
from reports.exports import ledger_rows
from routing import services as routing_services
from routing.models import Deadline, Stage
from tests import scenarios

pytestmark = pytest.mark.django_db

REASON = "所反映事项为劳动报酬争议，不属于社会保险费征缴争议处理范围。"
BASIS = "《劳动争议调解仲裁法》第二条"


def returned(world, **kw):
    d = scenarios.registered_online(world)
    return services.dispute_return(dispute=d, actor=world.clerk, reason=REASON, basis=BASIS, **kw)


# -- the service ---------------------------------------------------------------------------


def test_the_owning_centre_returns_an_online_case_with_its_reason_and_basis(world):
    d = returned(world)
    assert d.state == State.WITHDRAWN
    assert d.withdrawal_reason == REASON
    assert d.return_basis == BASIS
    assert d.closed_at is not None
    assert violations(d) == []
    entry = d.timeline.last()
    assert (entry.action, entry.from_state, entry.to_state) == (
        "disputes.case.returned_to_channel",
        State.REGISTERED,
        State.WITHDRAWN,
    )
    assert entry.actor == world.clerk
    assert entry.note == REASON
    assert entry.data == {"basis": BASIS}


def test_the_timeline_names_the_return_in_chinese(world):
    d = returned(world)
    with translation.override("zh-hans"):
        assert label_for(d.timeline.last().action) == "退单"
        # The escalation's return (退回) keeps its own label.
        assert label_for("disputes.case.returned") == "退回"


def test_the_coordinator_returns_too_and_the_fields_are_stripped(world):
    d = scenarios.registered_online(world)
    d = services.dispute_return(
        dispute=d, actor=world.coordinator, reason=f"  {REASON}\n", basis=f"\t{BASIS} "
    )
    assert (d.withdrawal_reason, d.return_basis) == (REASON, BASIS)


@pytest.mark.parametrize("who", ["clerk_b", "officer_tax", "supervisor", "lgo", "outsider"])
def test_nobody_outside_the_owning_centre_returns_a_case(world, who):
    d = scenarios.registered_online(world)
    with pytest.raises(ActionNotPermitted):
        services.dispute_return(dispute=d, actor=getattr(world, who), reason=REASON, basis=BASIS)
    d.refresh_from_db()
    assert d.state == State.REGISTERED
    assert d.timeline.count() == 1


def test_the_system_that_delivered_the_case_cannot_return_it(world):
    """A hotline cancels (撤单, withdraw) what it handed in; returning is the centre's call."""
    system_account = get_user_model().objects.create(username="system-hotline-12345")
    d = scenarios.registered_online(world, delivered_by=system_account)
    with pytest.raises(ActionNotPermitted):
        services.dispute_return(dispute=d, actor=system_account, reason=REASON, basis=BASIS)
    d = services.dispute_withdraw(dispute=d, actor=system_account, reason="来电人撤单")
    assert d.state == State.WITHDRAWN


def test_a_case_taken_at_the_window_cannot_be_returned(world):
    d = world.make_dispute()
    assert not can_proceed(d.return_to_channel, check_conditions=True)
    with translation.override("zh-hans"), pytest.raises(DisputeError) as info:
        services.dispute_return(dispute=d, actor=world.clerk, reason=REASON, basis=BASIS)
    message = str(info.value.message)
    assert "线上渠道" in message and "窗口" in message  # the channel it came through
    d.refresh_from_db()
    assert d.state == State.REGISTERED
    assert not d.return_basis and not d.withdrawal_reason
    assert "return" not in [a.key for a in actions_for(d, world.clerk)]


@pytest.mark.parametrize(
    ("reason", "basis", "expected"),
    [
        ("", BASIS, "请填写退单理由。"),
        ("  \n", BASIS, "请填写退单理由。"),
        (REASON, "", "请填写退单所依据的政策或法律规定。"),
        (REASON, " ", "请填写退单所依据的政策或法律规定。"),
    ],
)
def test_a_return_without_reason_or_basis_is_refused_in_chinese(world, reason, basis, expected):
    d = scenarios.registered_online(world)
    with translation.override("zh-hans"), pytest.raises(DisputeError) as info:
        services.dispute_return(dispute=d, actor=world.clerk, reason=reason, basis=basis)
    assert str(info.value.message) == expected
    d.refresh_from_db()
    assert d.state == State.REGISTERED
    assert d.timeline.count() == 1


def test_a_return_on_a_case_that_changed_since_the_form_was_opened_is_refused(world):
    d = scenarios.registered_online(world)
    routing_services.dispute_classify(
        dispute=d, actor=world.coordinator, classification="simple", note="已当场解释"
    )
    with pytest.raises(DisputeError) as info:
        services.dispute_return(
            dispute=d,
            actor=world.clerk,
            reason=REASON,
            basis=BASIS,
            expected_state=State.REGISTERED,
        )
    assert d.number in str(info.value.message)
    d.refresh_from_db()
    assert d.state == State.RESOLVED_ON_SPOT
    assert not d.return_basis


def test_only_a_registered_case_can_be_returned(world):
    d = scenarios.joint_handling(world, channel=scenarios.online_channel(world))
    with pytest.raises(DisputeError):
        services.dispute_return(dispute=d, actor=world.clerk, reason=REASON, basis=BASIS)
    d.refresh_from_db()
    assert d.state == State.JOINT_HANDLING


def test_a_returned_case_is_archived_like_a_withdrawn_one(world):
    d = services.dispute_archive(dispute=returned(world), actor=world.clerk)
    assert d.state == State.ARCHIVED
    assert state_before_archiving(d) == State.WITHDRAWN
    assert d.return_basis == BASIS
    assert violations(d) == []


def test_returning_meets_the_classification_clock_and_starts_the_archiving_one(world, policies):
    d = returned(world)
    clocks = {x.stage: x.status for x in Deadline.objects.filter(dispute=d)}
    assert clocks[Stage.CLASSIFICATION] == Deadline.Status.MET
    assert clocks[Stage.ARCHIVING] == Deadline.Status.OPEN


def test_the_invariants_hold_a_basis_to_a_case_returned_from_registration(world):
    d = returned(world)
    assert violations(d) == []
    d.classification = "simple"
    assert "withdrawn: return_basis is set on a classified case" in violations(d)
    fresh = world.make_dispute()
    fresh.return_basis = BASIS
    assert "registered: return_basis is set on a case not withdrawn" in violations(fresh)


def test_the_ledger_lists_a_returned_case_as_withdrawn(world):
    d = returned(world)
    cases = Dispute.objects.filter(pk=d.pk)
    with translation.override("zh-hans"):
        (row,) = ledger_rows(cases, numbers=number_display(None, world.lgo))
    assert (row.number, row.state, row.channel) == (d.number, State.WITHDRAWN, "12345热线")
    assert row.closed_at == d.closed_at
    assert row.response == "已撤回"


# -- the page ------------------------------------------------------------------------------


def test_the_case_page_of_an_online_case_offers_the_return(client, world):
    d = scenarios.registered_online(world)
    client.force_login(world.clerk)
    page = client.get(reverse("disputes:detail", args=[d.number])).content.decode()
    assert 'data-action="return"' in page
    assert reverse("disputes:return", args=[d.number]) in page
    assert ">退单<" in page


def test_the_case_page_of_a_window_case_does_not(client, world):
    d = world.make_dispute()
    client.force_login(world.clerk)
    page = client.get(reverse("disputes:detail", args=[d.number])).content.decode()
    assert 'data-action="return"' not in page
    # Asked for anyway: back to the case with the reason.
    response = client.get(reverse("disputes:return", args=[d.number]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("disputes:detail", args=[d.number])
    assert "线上渠道" in response.content.decode()


def test_the_form_asks_for_the_reason_and_the_basis(client, world):
    d = scenarios.registered_online(world)
    client.force_login(world.clerk)
    page = client.get(reverse("disputes:return", args=[d.number])).content.decode()
    assert 'name="reason"' in page and 'name="basis"' in page
    assert "退单理由" in page and "退单依据" in page


def test_the_form_refuses_empty_fields_in_chinese_and_changes_nothing(client, world):
    d = scenarios.registered_online(world)
    client.force_login(world.clerk)
    response = client.post(
        reverse("disputes:return", args=[d.number]),
        {"expected_state": State.REGISTERED, "reason": " ", "basis": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "请填写退单理由。" in page
    assert "请填写退单所依据的政策或法律规定。" in page
    d.refresh_from_db()
    assert d.state == State.REGISTERED
    assert d.timeline.count() == 1


def test_the_clerk_returns_the_case_and_its_page_shows_reason_and_basis(client, world):
    d = scenarios.registered_online(world)
    client.force_login(world.clerk)
    response = client.post(
        reverse("disputes:return", args=[d.number]),
        {"expected_state": State.REGISTERED, "reason": REASON, "basis": BASIS},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("disputes:detail", args=[d.number])
    d.refresh_from_db()
    assert d.state == State.WITHDRAWN
    assert (d.withdrawal_reason, d.return_basis) == (REASON, BASIS)
    page = response.content.decode()
    assert 'id="case-returned"' in page
    assert REASON in page and BASIS in page
    assert "“退单”已完成。" in page
    timeline = page.split('class="timeline')[1]
    assert "退单" in timeline and "已登记 → 已撤回" in timeline


def test_someone_else_who_sees_the_case_may_not_return_it(client, world):
    d = scenarios.registered_online(world)
    client.force_login(world.supervisor)
    url = reverse("disputes:return", args=[d.number])
    assert client.get(url).status_code == 403
    post = client.post(url, {"expected_state": State.REGISTERED, "reason": REASON, "basis": BASIS})
    assert post.status_code == 403
    d.refresh_from_db()
    assert d.state == State.REGISTERED


def test_the_archive_cover_gives_the_return_with_its_basis(world):
    from reports.documents.kinds import archive_context

    d = services.dispute_archive(dispute=returned(world), actor=world.clerk)
    with translation.override("zh-hans"):
        outcome = archive_context(d, entries=[])["outcome"]
    assert outcome == f"已退单（不属于受理范围）：{REASON} 依据：{BASIS}"
