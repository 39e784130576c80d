"""A referral in a real browser: the clerk refers a case whose responsibility is unclear, the
government office dispatches it from its inbox and keeps following it, referral sheet
included."""

import datetime

import pytest
from django.utils import timezone

from disputes.models import State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_government_office_dispatches_a_referral_and_keeps_following_the_case(
    world, page, login
):
    d = world.make_dispute()
    login("clerk_a")
    page.goto(f"/cases/{d.number}/")
    page.click("#case-actions [data-action=refer]")
    page.fill("textarea[name=summary]", "缴费人反映的退费事项涉及多个部门，职责不清。")
    page.fill("textarea[name=opinion]", "请政府办按12345热线运行机制转交承办部门办理。")
    back_by = timezone.localdate() + datetime.timedelta(days=10)
    page.fill("input[name=report_back_by]", back_by.isoformat())
    page.click("button[type=submit]:has-text('确认')")
    page.wait_for_selector("[data-state=referred]")

    # The government office hears of it in its inbox and opens the case from there.
    login("off_gov")
    page.goto("/inbox/")
    page.click(f"a[href='/cases/{d.number}/']")
    page.wait_for_selector("[data-state=referred]")
    sheet = page.locator("#documents a:has-text('报送单')")
    assert sheet.count() == 1
    page.click("#case-actions [data-action=dispatch]")
    page.select_option("select[name=department]", str(world.hr.pk))
    page.fill("input[name=hotline_ticket]", "12345-20261202-001")
    page.click("button[type=submit]:has-text('确认')")

    # After dispatching it lands on the case, not on a 404, and still reads it.
    page.wait_for_selector("[data-state=joint_handling]")
    assert world.hr.name in page.content()
    d.refresh_from_db()
    assert d.state == State.JOINT_HANDLING and d.lead_department == world.hr
    assert d.parties.get().payer.id_number not in page.content()  # masked: it does not handle

    # The referral sheet addressed to it downloads; no other paper is offered.
    links = page.locator("#documents a")
    assert [links.nth(i).inner_text().strip() for i in range(links.count())] == ["报送单"]
    href = sheet.get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # Its inbox link still opens the case it dispatched.
    page.goto("/inbox/")
    page.click(f"a[href='/cases/{d.number}/']")
    page.wait_for_selector("[data-state=joint_handling]")
