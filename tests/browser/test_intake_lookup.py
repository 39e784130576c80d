"""The intake form's payer lookup in a real browser: it fills in only what the clerk sees."""

import pytest

from disputes.models import AccessLog
from disputes.services import PartyData, PayerData
from tests.conftest import resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def register_elsewhere(world):
    payer = PayerData(
        kind="employee",
        name="赵建华",
        id_number=resident_id(21),
        phone="13912345678",
        address="古魏镇城东社区3号",
        contact_person="赵妻",
    )
    world.make_dispute(payers=[PartyData(payer=payer)])


def test_a_clerk_of_another_centre_is_told_only_that_the_payer_is_known(world, page, login):
    register_elsewhere(world)
    login("clerk_b")
    page.goto("/cases/new/")
    number = resident_id(21)
    typed = number[:6].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + number[6:]
    page.fill("input[name=payer-0-id_number]", typed)
    page.dispatch_event("input[name=payer-0-id_number]", "change")
    page.wait_for_selector(".lookup-result:has-text('其他中心')")
    assert page.input_value("input[name=payer-0-name]") == ""
    assert page.input_value("input[name=payer-0-address]") == ""
    assert "赵建华" not in page.content() and "赵妻" not in page.content()
    assert AccessLog.objects.filter(kind=AccessLog.Kind.LOOKUP, user=world.clerk_b).exists()


def test_a_clerk_of_the_payers_own_centre_gets_the_details_filled_in(world, page, login):
    register_elsewhere(world)
    login("clerk_a")
    page.goto("/cases/new/")
    page.fill("input[name=payer-0-id_number]", resident_id(21))
    page.dispatch_event("input[name=payer-0-id_number]", "change")
    page.wait_for_function(
        "document.querySelector(\"input[name='payer-0-name']\").value === '赵建华'"
    )
    assert page.input_value("input[name=payer-0-address]") == "古魏镇城东社区3号"
    assert page.input_value("input[name=payer-0-contact_person]") == "赵妻"
