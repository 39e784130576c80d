"""Reply → the payer is not satisfied at the follow-up → redo → the departments answer again →
second reply → the payer rates it satisfied on the status page → closed, in a real browser."""

import pytest

from consultations.models import DepartmentTask
from disputes.models import Dispute, FollowUp, State
from routing.models import Deadline, Stage
from tests import scenarios

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def click_action(page, key):
    page.click(f"#case-actions [data-action={key}]")


def confirm(page):
    page.click("button[type=submit]:has-text('确认')")


def test_a_dissatisfied_payer_gets_the_case_redone_and_rates_the_new_reply(world, page, login):
    scenarios.default_policies()
    dispute = scenarios.awaiting_reply(world)

    # The coordinator replies, visits the payer by phone: not satisfied.
    login("coord_a")
    page.goto(f"/cases/{dispute.number}/")
    click_action(page, "reply")
    confirm(page)
    page.wait_for_selector("[data-state=replied]")
    assert page.locator("#follow-up").count() == 1
    click_action(page, "follow_up")
    page.check("input[name=method][value=phone]")
    page.check("input[name=satisfaction][value=dissatisfied]")
    confirm(page)
    # Not satisfied without a reason: refused, in Chinese, nothing saved.
    page.wait_for_selector("text=请填写缴费人不满意的原因。")
    assert not FollowUp.objects.exists()
    page.fill("textarea[name=remarks]", "认为补缴基数核定有误")
    confirm(page)
    page.wait_for_selector("#follow-up [data-satisfaction=dissatisfied]")
    # Accepting is no longer offered; redo is.
    assert page.locator("#case-actions [data-action=accept]").count() == 0
    click_action(page, "redo")
    page.fill("textarea[name=reason]", "重新核定补缴基数")
    confirm(page)
    page.wait_for_selector("[data-state=joint_handling]")
    assert page.locator("#redo-mark").inner_text().strip() == "已重办1次"

    # The same departments answer again.
    for username in ("off_tax", "off_hr"):
        login(username)
        page.goto(f"/cases/{dispute.number}/")
        click_action(page, "opinion")
        page.fill("textarea[name=finding]", "重新核定后基数有误属实。")
        page.fill("textarea[name=proposal]", "按核定基数补缴差额。")
        confirm(page)
        page.wait_for_selector(".alert-success")

    login("coord_a")
    page.goto(f"/cases/{dispute.number}/")
    click_action(page, "consolidate")
    page.fill("textarea[name=opinion]", "重新核定后，单位应按核定基数补缴差额。")
    confirm(page)
    page.wait_for_selector("[data-state=awaiting_reply]")
    click_action(page, "reply")
    confirm(page)
    page.wait_for_selector("[data-state=replied]")

    # The payer rates the new reply on the status page.
    dispute.refresh_from_db()
    page.context.clear_cookies()
    page.goto("/status/")
    page.fill("input[name=number]", dispute.number)
    page.fill("input[name=code]", dispute.query_code)
    page.click("button[type=submit]:has-text('查询')")
    page.wait_for_selector("#rate-reply")
    page.check("#rate-reply input[name=satisfaction][value=satisfied]")
    page.click("#rate-reply button[type=submit]")
    page.wait_for_selector("#your-rating:has-text('满意')")

    # The clerk closes it.
    login("clerk_a")
    page.goto(f"/cases/{dispute.number}/")
    click_action(page, "accept")
    confirm(page)
    page.wait_for_selector("[data-state=closed]")

    dispute = Dispute.objects.get(pk=dispute.pk)
    assert dispute.state == State.CLOSED and dispute.redo_count == 1
    assert dispute.satisfaction == "satisfied"
    assert dispute.reply_text.startswith("重新核定后")
    redo = Deadline.objects.get(dispute=dispute, stage=Stage.REDO)
    assert redo.status == Deadline.Status.MET
    follow_ups = Deadline.objects.filter(dispute=dispute, stage=Stage.FOLLOW_UP)
    assert sorted(follow_ups.values_list("status", flat=True)) == ["met", "met"]
    assert DepartmentTask.objects.filter(dispute=dispute, round=2, status="answered").count() == 2
    actions = list(dispute.timeline.values_list("action", flat=True))
    assert actions[-7:] == [
        "disputes.case.redone",
        "consultations.opinion.given",
        "consultations.opinion.given",
        "disputes.case.consolidated",
        "disputes.case.replied",
        "disputes.case.rated_online",
        "disputes.case.accepted",
    ]
    assert actions.count("disputes.case.replied") == 2
    assert actions.count("disputes.case.followed_up") == 1
