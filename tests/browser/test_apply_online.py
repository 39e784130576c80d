"""A payer on a phone (390 px wide) applies online without logging in, sees the case number and
the query code, and downloads the receipt; the centre's duty clerk finds the case waiting."""

import pytest

from disputes.models import Channel, Dispute
from tests.conftest import credit_code, resident_id
from tests.files import pdf_bytes
from tests.reports import pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_payer_applies_on_a_phone_and_gets_number_code_and_receipt(world, page, tmp_path):
    Channel.objects.create(code="online_application", name="网上申请", online=True)
    world.centre_a.duty_clerk = world.clerk
    world.centre_a.save()
    proof = tmp_path / "工资条.pdf"
    proof.write_bytes(pdf_bytes())
    page.set_viewport_size(PHONE)

    page.goto("/apply/")
    assert "社会保险费征缴争议网上申请" in page.content()
    assert no_sideways_scroll(page)
    page.select_option("select[name=payer-kind]", "employee")
    page.fill("input[name=payer-id_number]", resident_id(88, "19900101"))
    page.fill("input[name=payer-name]", "陈小红")
    page.fill("input[name=payer-phone]", "13700003333")
    page.click("#other-party summary")
    page.select_option("select[name=other-kind]", "employer")
    page.fill("input[name=other-id_number]", credit_code(88))
    page.fill("input[name=other-name]", "芮城县某某商贸有限公司")
    page.select_option("select[name=jurisdiction]", str(world.town_a.pk))
    page.select_option("select[name=category]", str(world.category.pk))
    page.check(f"input[name=insurance_types][value='{world.pension.pk}']")
    page.fill("input[name=amount]", "3200")
    page.fill("textarea[name=claim]", "要求单位补缴2025年养老保险费。")
    page.fill("textarea[name=summary]", "单位自2025年起未为本人缴纳养老保险费。")
    page.set_input_files("input[name=attachments]", str(proof))
    assert no_sideways_scroll(page)
    page.click("button[type=submit]:has-text('提交申请')")

    page.wait_for_selector("#case-number")
    dispute = Dispute.objects.get()
    assert page.locator("#case-number").inner_text() == dispute.number
    assert page.locator("#query-code").inner_text() == dispute.query_code
    assert dispute.centre == world.centre_a and dispute.first_responder == world.clerk
    assert dispute.attachments.count() == 1
    assert no_sideways_scroll(page)

    with page.expect_download() as info:
        page.click("#receipt-link")
    download = info.value
    assert download.suggested_filename == f"{dispute.number}-receipt.pdf"
    with open(download.path(), "rb") as handle:
        text = pdf.read(handle.read()).flat
    assert dispute.number in text and dispute.query_code in text and "陈小红" in text

    page.click("#status-link")
    page.wait_for_url("**/status/")
    page.fill("input[name=number]", dispute.number)
    page.fill("input[name=code]", dispute.query_code)
    page.click("button[type=submit]")
    page.wait_for_selector("#case-status")
    assert world.centre_a.name in page.locator("#case-status").inner_text()
