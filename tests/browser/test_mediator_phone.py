"""A grid mediator on a phone (390 px wide) registers a dispute in the village, hands the payer
the receipt with the query code, and reads the case list without scrolling sideways."""

import pytest

from disputes.models import AccessLog, Dispute
from tests import scenarios
from tests.conftest import resident_id
from tests.reports import pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_mediator_registers_on_a_phone_and_hands_over_receipt_and_query_code(world, page, login):
    for _ in range(3):  # cases of others, which the mediator does not see
        scenarios.registered(world)
    page.set_viewport_size(PHONE)
    login("mediator")
    assert no_sideways_scroll(page)
    page.click("main a.btn:has-text('登记争议')")
    page.select_option("select[name=channel]", str(world.window.pk))
    page.select_option("select[name=category]", str(world.category.pk))
    page.check(f"input[name=insurance_types][value='{world.pension.pk}']")
    page.fill("textarea[name=claim]", "要求单位补缴2025年养老保险费。")
    page.fill("textarea[name=summary]", "村民反映单位未为其参保。")
    page.select_option("select[name=payer-0-kind]", "employee")
    page.fill("input[name=payer-0-id_number]", resident_id(41, "19700101"))
    page.fill("input[name=payer-0-name]", "李满仓")
    page.fill("input[name=payer-0-phone]", "13700002222")
    assert no_sideways_scroll(page)
    page.click("button[type=submit]:has-text('登记')")
    page.wait_for_selector("[data-state=registered]")
    dispute = Dispute.objects.get(reported_by=world.mediator)
    assert no_sideways_scroll(page)

    # The numbers just typed, and the query code for the payer, in full on the case page.
    content = page.content()
    assert resident_id(41, "19700101") in content and "13700002222" in content
    assert page.locator("#query-code").inner_text() == dispute.query_code

    # The receipt downloads, with the query code on it.
    with page.expect_download() as info:
        page.click("#documents a:has-text('受理回执')")
    download = info.value
    assert download.suggested_filename == f"{dispute.number}-receipt.pdf"
    with open(download.path(), "rb") as handle:
        text = pdf.read(handle.read()).flat
    assert dispute.query_code in text and "李满仓" in text
    assert AccessLog.objects.filter(kind="download", user=world.mediator).count() == 1

    # The case list: one card per case, the filters folded, nothing wider than the phone.
    page.goto("/cases/")
    assert no_sideways_scroll(page)
    cards = page.locator(".case-card:visible")
    assert cards.count() == 1
    assert dispute.number in cards.first.inner_text()
    assert page.locator("table.case-table").is_hidden()
    assert page.locator("#case-filters").is_hidden()
    page.click("#case-filters-toggle")
    page.locator("#case-filters select[name=state]").wait_for(state="visible")
    assert no_sideways_scroll(page)


def test_on_a_wide_screen_the_list_is_a_table_with_the_filters_open(world, page, login):
    scenarios.registered(world)
    page.set_viewport_size({"width": 1280, "height": 900})
    login("clerk_a")
    page.goto("/cases/")
    assert page.locator("table.case-table").is_visible()
    assert page.locator(".case-card:visible").count() == 0
    assert page.locator("#case-filters").is_visible()
    assert page.locator("#case-filters-toggle").is_hidden()
