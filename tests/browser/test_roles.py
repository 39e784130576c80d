"""Other roles in a real browser: the supervisor's masked numbers and reveal, the leader's
approval of an escalated case, the cyberspace office's narrow view."""

import pytest

from disputes.models import AccessLog, State
from tests import scenarios

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_reads_masked_numbers_and_reveals_one_with_a_reason(world, page, login):
    d = scenarios.joint_handling(world)
    number = d.parties.get().payer.id_number
    login("supervisor")
    page.goto(f"/cases/{d.number}/")
    assert number not in page.content()
    assert number[:4] + "**********" + number[-4:] in page.content()
    # Read-only but overseeing: the one action offered is urging a department (催办).
    offered = page.locator("#case-actions [data-action]")
    assert [offered.nth(i).get_attribute("data-action") for i in range(offered.count())] == ["urge"]
    page.click("summary:has-text('完整')")
    page.fill("input[name=reason]", "核查投诉线索")
    page.click("form[action$='/reveal/'] button[type=submit]")
    page.wait_for_selector(".alert-info")
    assert number in page.content()
    assert AccessLog.objects.filter(kind="reveal", user=world.supervisor).count() == 1
    page.goto("/access-log/")
    assert "核查投诉线索" in page.content()


def test_the_leader_approves_an_escalated_case_from_the_work_queue(world, page, login):
    d = scenarios.escalated(world)
    login("leader")
    page.click(f"text={d.number}")
    page.click("#case-actions [data-action=approve]")
    page.fill("textarea[name=comment]", "同意成立专案组办理。")
    page.click("button[type=submit]:has-text('确认')")
    page.wait_for_selector("[data-state=special_handling]")
    d.refresh_from_db()
    assert d.state == State.SPECIAL_HANDLING


def test_the_cyberspace_office_sees_only_the_flagged_case(world, page, login):
    flagged = scenarios.registered(world, is_public_opinion_risk=True)
    plain = scenarios.registered(world)
    login("cyber")
    page.goto("/cases/")
    assert flagged.number in page.content() and plain.number not in page.content()
    payer = flagged.parties.get().payer
    assert payer.masked_id_number not in page.content()  # not even masked
    page.click(f"text={flagged.number}")
    page.wait_for_selector("[data-state=registered]")
    for secret in (payer.id_number, payer.masked_id_number, payer.phone, payer.masked_phone):
        assert secret not in page.content()
    response = page.goto(f"/cases/{plain.number}/")
    assert response.status == 404
