"""The whole life of a general case, in a real browser, role by role."""

import pytest

from disputes.models import Dispute, State
from tests.conftest import credit_code, resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def click_action(page, key):
    page.click(f"#case-actions [data-action={key}]")


def test_a_walk_in_dispute_goes_from_registration_to_the_archive(world, page, login):
    # The clerk registers a walk-in dispute with an employee and the employer.
    login("clerk_a")
    page.click("text=登记争议")
    page.select_option("select[name=channel]", str(world.window.pk))
    page.select_option("select[name=category]", str(world.category.pk))
    page.check(f"input[name=insurance_types][value='{world.pension.pk}']")
    page.fill("input[name=amount]", "12345.67")
    page.fill("textarea[name=claim]", "要求单位按实际工资补缴2024年养老保险费。")
    page.fill("textarea[name=summary]", "职工反映单位长期按最低基数申报。")
    page.select_option("select[name=payer-0-kind]", "employee")
    page.fill("input[name=payer-0-id_number]", resident_id(11))
    page.fill("input[name=payer-0-name]", "王建国")
    page.fill("input[name=payer-0-phone]", "13800001111")
    page.click("#add-payer")
    page.select_option("select[name=payer-1-kind]", "employer")
    page.fill("input[name=payer-1-id_number]", credit_code(11))
    page.fill("input[name=payer-1-name]", "芮城县某建材有限公司")
    page.select_option("select[name=payer-1-side]", "counterparty")
    page.click("button[type=submit]:has-text('登记')")
    page.wait_for_selector("[data-state=registered]")
    dispute = Dispute.objects.get()
    assert dispute.parties.count() == 2
    assert "13800001111" in page.content()  # the clerk handles the case: numbers in full
    page.goto("/cases/")
    assert resident_id(11) not in page.content()  # lists mask them
    assert resident_id(11)[:4] + "**********" + resident_id(11)[-4:] in page.content()
    page.goto(f"/cases/{dispute.number}/")

    # ... and classifies it as general: the routing proposal is there to accept or change.
    click_action(page, "classify")
    page.check("input[name=classification][value=general]")
    page.select_option("select[name=lead_department]", str(world.tax.pk))
    page.check(f"input[name=co_departments][value='{world.hr.pk}']")
    page.click("button[type=submit]:has-text('确认')")
    page.wait_for_selector("[data-state=joint_handling]")

    # The two departments' officers give their opinions.
    for username in ("off_tax", "off_hr"):
        login(username)
        page.click(f"text={dispute.number}")
        click_action(page, "opinion")
        page.fill("textarea[name=finding]", "经核实，单位按最低基数申报属实。")
        page.fill("textarea[name=proposal]", "责令单位按实际工资补缴差额。")
        page.click("button[type=submit]:has-text('确认')")
        page.wait_for_selector(".alert-success")

    # The coordinator consolidates and replies.
    login("coord_a")
    page.goto(f"/cases/{dispute.number}/")
    click_action(page, "consolidate")
    assert page.locator("text=经核实，单位按最低基数申报属实。").count() == 2
    page.fill("textarea[name=opinion]", "经税务、人社联合核实，单位应按实际工资补缴。")
    page.click("button[type=submit]:has-text('确认')")
    page.wait_for_selector("[data-state=awaiting_reply]")
    click_action(page, "reply")
    page.click("button[type=submit]:has-text('确认')")  # the opinion is pre-filled
    page.wait_for_selector("[data-state=replied]")

    # The clerk records the payer's acceptance and archives the file.
    login("clerk_a")
    page.goto(f"/cases/{dispute.number}/")
    click_action(page, "accept")
    page.click("button[type=submit]:has-text('确认')")
    page.wait_for_selector("[data-state=closed]")
    click_action(page, "archive")
    page.click("button[type=submit]:has-text('确认')")
    page.wait_for_selector("[data-state=archived]")
    assert "已归档" in page.content()

    dispute.refresh_from_db()
    assert dispute.state == State.ARCHIVED
    assert dispute.archive_number
    assert list(dispute.timeline.exclude(from_state="").values_list("to_state", flat=True)) == [
        "joint_handling",
        "awaiting_reply",
        "replied",
        "closed",
        "archived",
    ]
