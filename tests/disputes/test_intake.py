"""The intake form: payers found again, invalid numbers refused, duplicates warned and linked."""

import pytest
from django.urls import reverse
from django.utils import timezone

from departments.models import Jurisdiction
from disputes.models import AccessLog, Dispute, Party, Payer, State
from disputes.services import PartyData, PayerData
from disputes.validators import mask_id
from tests.conftest import credit_code, resident_id
from tests.files import pdf_upload

pytestmark = pytest.mark.django_db


def intake_post(world, payers, **overrides):
    data = {
        "channel": world.window.pk,
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "jurisdiction": world.town_a.pk,
        "category": world.category.pk,
        "insurance_types": [world.pension.pk],
        "amount": "8000.50",
        "period_start": "2024-01",
        "period_end": "2024-06",
        "claim": "要求按实际工资核定缴费基数。",
        "summary": "单位按最低基数申报。",
        "representative": "0",
        "payer-TOTAL_FORMS": str(len(payers)),
        "payer-INITIAL_FORMS": "0",
        "payer-MIN_NUM_FORMS": "1",
        "payer-MAX_NUM_FORMS": "50",
    }
    for i, payer in enumerate(payers):
        for key, value in payer.items():
            data[f"payer-{i}-{key}"] = value
    data.update(overrides)
    return data


def employee(serial, **kw):
    return {
        "kind": "employee",
        "name": "王建国",
        "id_number": resident_id(serial),
        "phone": "13800001111",
        "side": "applicant",
        **kw,
    }


def test_a_clerk_registers_a_walk_in_dispute_with_two_parties(client, world):
    client.force_login(world.clerk)
    employer = {
        "kind": "employer",
        "name": "芮城县某某建材有限公司",
        "id_number": credit_code(5),
        "side": "counterparty",
        "contact_person": "李经理",
    }
    response = client.post(reverse("disputes:create"), intake_post(world, [employee(1), employer]))
    dispute = Dispute.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("disputes:detail", args=[dispute.number])
    assert dispute.state == State.REGISTERED
    assert dispute.first_responder == world.clerk
    assert str(dispute.amount) == "8000.50"
    assert dispute.period_start.isoformat() == "2024-01-01"
    parties = list(dispute.parties.select_related("payer"))
    assert [(p.payer.kind, p.side, p.is_representative) for p in parties] == [
        ("employee", "applicant", True),
        ("employer", "counterparty", False),
    ]


def test_the_same_payer_is_found_again_not_duplicated(client, world):
    client.force_login(world.clerk)
    client.post(reverse("disputes:create"), intake_post(world, [employee(3)]))
    client.post(
        reverse("disputes:create"),
        intake_post(world, [employee(3, name="王建国")], category=world.category_refund.pk),
    )
    assert Payer.objects.count() == 1
    assert Dispute.objects.count() == 2


def test_an_invalid_identity_number_is_refused_with_a_chinese_message_and_nothing_saved(
    client, world
):
    client.force_login(world.clerk)
    bad = employee(4, id_number=resident_id(4)[:-1] + ("0" if resident_id(4)[-1] != "0" else "1"))
    response = client.post(reverse("disputes:create"), intake_post(world, [bad]))
    assert response.status_code == 200
    assert Dispute.objects.count() == 0
    assert "校验" in response.content.decode()


def test_an_employer_needs_a_valid_credit_code(client, world):
    client.force_login(world.clerk)
    employer = {
        "kind": "employer",
        "name": "某公司",
        "id_number": resident_id(9),
        "side": "applicant",
    }
    response = client.post(reverse("disputes:create"), intake_post(world, [employer]))
    assert response.status_code == 200
    assert Dispute.objects.count() == 0
    assert "统一社会信用代码" in response.content.decode()


def test_it_warns_about_an_open_case_of_the_same_payer_and_category_and_links_it(client, world):
    client.force_login(world.clerk)
    client.post(reverse("disputes:create"), intake_post(world, [employee(6)]))
    first = Dispute.objects.get()
    response = client.post(reverse("disputes:create"), intake_post(world, [employee(6)]))
    assert response.status_code == 200
    assert Dispute.objects.count() == 1
    page = response.content.decode()
    assert first.number in page
    response = client.post(
        reverse("disputes:create"),
        intake_post(world, [employee(6)], confirm_duplicates="on", link_to=[first.number]),
    )
    assert response.status_code == 302
    second = Dispute.objects.exclude(pk=first.pk).get()
    assert list(second.linked_disputes.all()) == [first]
    assert list(first.linked_disputes.all()) == [second]


def test_a_grid_mediator_reports_to_the_town_centre_above_the_village(client, world):
    client.force_login(world.mediator)
    response = client.post(
        reverse("disputes:create"),
        intake_post(world, [employee(8)], jurisdiction=world.village_a.pk),
    )
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert dispute.centre == world.centre_a
    assert dispute.reported_by == world.mediator


@pytest.mark.parametrize("persona", ["officer_tax", "supervisor", "leader", "outsider"])
def test_only_intake_roles_open_the_intake_form(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("disputes:create")).status_code == 403


def test_the_intake_form_needs_a_login(client, world):
    response = client.get(reverse("disputes:create"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_payer_lookup_prefills_a_payer_of_the_askers_own_centre_with_the_phone_masked(
    client, world
):
    world.make_dispute()
    client.force_login(world.clerk)
    number = resident_id(1)
    data = client.get(reverse("disputes:payer_lookup"), {"id_number": number}).json()
    assert data["found"] is True and data["phone"] == "139****5678"
    assert data["name"] == "申请人" and data["open_cases"] == 1
    assert client.get(reverse("disputes:payer_lookup"), {"id_number": "x"}).json() == {
        "found": False
    }


def test_attachments_are_checked_for_type_and_content(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dispute = world.make_dispute()
    client.force_login(world.clerk)
    url = reverse("disputes:attachment_upload", args=[dispute.number])
    fake = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    client.post(url, {"files": [fake]})
    exe = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    client.post(url, {"files": [exe]})
    assert dispute.attachments.count() == 0
    good = pdf_upload("工资表.pdf")
    content = good.read()
    good.seek(0)
    client.post(url, {"files": [good], "description": "工资表"})
    attachment = dispute.attachments.get()
    assert attachment.name == "工资表.pdf" and attachment.size == len(content)
    download = client.get(
        reverse("disputes:attachment_download", args=[dispute.number, attachment.pk])
    )
    assert b"".join(download.streaming_content) == content


# -- numbers in other digit forms (issue 10, item 8) ---------------------------------------

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_a_full_width_identity_number_finds_the_existing_payer_not_a_twin(client, world):
    client.force_login(world.clerk)
    client.post(reverse("disputes:create"), intake_post(world, [employee(3)]))
    typed = employee(
        3, id_number=resident_id(3).translate(FULL_WIDTH), phone="１３８ ０００１ ２２２２"
    )
    response = client.post(
        reverse("disputes:create"), intake_post(world, [typed], category=world.category_refund.pk)
    )
    assert response.status_code == 302
    assert list(Payer.objects.values_list("id_number", flat=True)) == [resident_id(3)]
    second = Dispute.objects.get(category=world.category_refund)
    assert second.parties.get().phone == "13800012222"


def test_arabic_indic_digits_in_a_credit_code_get_a_chinese_message_not_a_500(client, world):
    client.force_login(world.clerk)
    code = credit_code(5)
    employer = {
        "kind": "employer",
        "name": "某公司",
        "id_number": code[:2] + code[2:8].translate(ARABIC_INDIC) + code[8:],
        "side": "applicant",
    }
    response = client.post(reverse("disputes:create"), intake_post(world, [employer]))
    assert response.status_code == 200
    assert Dispute.objects.count() == 0 and Payer.objects.count() == 0
    assert "统一社会信用代码由数字" in response.content.decode()


def test_arabic_indic_digits_in_an_identity_number_are_refused(client, world):
    client.force_login(world.clerk)
    number = resident_id(4)  # digits 3 to 17 in another script, the rest in ASCII
    typed = employee(4, id_number=number[:2] + number[2:17].translate(ARABIC_INDIC) + number[17])
    response = client.post(reverse("disputes:create"), intake_post(world, [typed]))
    assert response.status_code == 200
    assert Dispute.objects.count() == 0 and Payer.objects.count() == 0


def test_the_duplicate_warning_matches_a_number_typed_in_full_width(client, world):
    client.force_login(world.clerk)
    client.post(reverse("disputes:create"), intake_post(world, [employee(6)]))
    first = Dispute.objects.get()
    typed = employee(6, id_number=resident_id(6)[:17].translate(FULL_WIDTH) + resident_id(6)[17])
    response = client.post(reverse("disputes:create"), intake_post(world, [typed]))
    assert response.status_code == 200
    assert Dispute.objects.count() == 1
    page = response.content.decode()
    assert 'id="duplicates"' in page and first.number in page


# -- malformed input is refused with a message, never a 500 (issue 10, items 11 and 24) ---

HUGE_ID = str(2**70)


@pytest.mark.parametrize("total", ["abc", "", "-1", "1e3"])
def test_a_malformed_payer_form_count_is_refused_not_a_500(client, world, total):
    client.force_login(world.clerk)
    data = intake_post(world, [employee(1)], **{"payer-TOTAL_FORMS": total})
    response = client.post(reverse("disputes:create"), data)
    assert response.status_code == 200
    assert Dispute.objects.count() == 0


@pytest.mark.parametrize("total", ["1000000", "1000000000"])
def test_a_huge_payer_form_count_builds_no_more_forms_than_the_formset_allows(client, world, total):
    client.force_login(world.clerk)
    data = intake_post(world, [employee(1)], **{"payer-TOTAL_FORMS": total})
    response = client.post(reverse("disputes:create"), data)
    assert response.status_code == 200
    assert Dispute.objects.count() == 0
    formset = response.context["formset"]
    assert formset.total_form_count() <= 50
    assert formset.non_form_errors()


@pytest.mark.parametrize(
    "overrides",
    [
        {"category": HUGE_ID},
        {"category": str(2**63)},
        {"insurance_types": [HUGE_ID]},
        {"insurance_types": [str(2**63)]},
        {"channel": HUGE_ID},
        {"jurisdiction": HUGE_ID},
    ],
)
def test_ids_too_large_for_the_database_are_refused_not_a_500(client, world, overrides):
    client.force_login(world.clerk)
    response = client.post(
        reverse("disputes:create"), intake_post(world, [employee(1)], **overrides)
    )
    assert response.status_code == 200
    assert Dispute.objects.count() == 0
    assert "选择一个有效的选项" in response.content.decode()


@pytest.mark.parametrize(
    ("received", "message"),
    [
        ("0001-01-01T00:00", "1990年1月1日"),
        ("1989-12-31T23:59", "1990年1月1日"),
        ("9999-12-31T23:59", "不能晚于当前时间"),
    ],
)
def test_a_received_date_out_of_bounds_is_refused_not_a_500(client, world, received, message):
    client.force_login(world.clerk)
    response = client.post(
        reverse("disputes:create"), intake_post(world, [employee(1)], received_at=received)
    )
    assert response.status_code == 200
    assert Dispute.objects.count() == 0
    assert message in response.content.decode()


def test_a_link_to_a_case_that_is_not_a_likely_duplicate_is_ignored(client, world):
    other = world.make_dispute(centre=world.centre_b, actor=world.clerk_b)
    client.force_login(world.clerk)
    response = client.post(
        reverse("disputes:create"),
        intake_post(world, [employee(9)], link_to=[other.number]),
    )
    assert response.status_code == 302
    created = Dispute.objects.exclude(pk=other.pk).get()
    assert not created.linked_disputes.exists()


def test_huge_co_department_ids_in_the_classify_form_are_refused_not_a_500(client, world):
    dispute = world.make_dispute()
    client.force_login(world.clerk)
    response = client.post(
        reverse("routing:classify", args=[dispute.number]),
        {
            "classification": "general",
            "lead_department": world.tax.pk,
            "co_departments": [HUGE_ID],
            "expected_state": dispute.state,
        },
    )
    assert response.status_code == 200
    dispute.refresh_from_db()
    assert dispute.state == State.REGISTERED


# -- the payer lookup tells only what the asker already sees (issue 10, item 2) ----------


def lookup(client, number):
    response = client.get(reverse("disputes:payer_lookup"), {"id_number": number})
    assert response.status_code == 200
    return response.json()


def test_payer_lookup_tells_a_clerk_of_another_centre_only_that_the_payer_is_known(client, world):
    world.make_dispute(
        payers=[
            PartyData(
                payer=PayerData(
                    kind="employee",
                    name="申请人",
                    id_number=resident_id(1),
                    phone="13912345678",
                    address="古魏镇城东社区3号",
                    contact_person="王五",
                )
            )
        ]
    )
    client.force_login(world.clerk_b)
    data = lookup(client, resident_id(1))
    assert data == {"found": False, "known_elsewhere": True}
    assert lookup(client, resident_id(2)) == {"found": False, "known_elsewhere": False}


def test_payer_lookup_tells_a_grid_mediator_nothing_of_cases_they_did_not_report(client, world):
    world.make_dispute()
    client.force_login(world.mediator)
    assert lookup(client, resident_id(1)) == {"found": False, "known_elsewhere": True}


def test_payer_lookup_prefills_for_a_mediator_a_payer_they_reported(client, world):
    client.force_login(world.mediator)
    client.post(
        reverse("disputes:create"),
        intake_post(world, [employee(8, address="城东社区5号")], jurisdiction=world.village_a.pk),
    )
    data = lookup(client, resident_id(8))
    assert data["found"] is True and data["address"] == "城东社区5号"


def test_every_payer_lookup_is_logged_with_the_number_masked(client, world):
    world.make_dispute()
    client.force_login(world.clerk_b)
    lookup(client, resident_id(1))
    client.force_login(world.clerk)
    lookup(client, resident_id(1).translate(FULL_WIDTH))
    entries = list(AccessLog.objects.filter(kind=AccessLog.Kind.LOOKUP).order_by("id"))
    assert [e.user for e in entries] == [world.clerk_b, world.clerk]
    assert all(e.detail == mask_id(resident_id(1)) for e in entries)
    assert all(resident_id(1) not in e.detail for e in entries)


def test_the_payer_lookup_counts_in_the_daily_allowance_of_number_searches(client, world, settings):
    """'Known elsewhere' answers a guess at a masked number: past the allowance it is refused."""
    settings.NUMBER_SEARCHES_PER_DAY = 3
    world.make_dispute()
    client.force_login(world.clerk_b)
    for serial in (1, 2, 3):
        assert "refused" not in lookup(client, resident_id(serial))
    data = lookup(client, resident_id(4))
    assert data["found"] is False and "known_elsewhere" not in data
    assert "达到每日上限，本次查询已被拒绝并记录" in data["refused"]
    refused = AccessLog.objects.filter(user=world.clerk_b, kind=AccessLog.Kind.SEARCH_REFUSED)
    assert refused.count() == 1
    assert AccessLog.objects.filter(user=world.clerk_b, kind=AccessLog.Kind.LOOKUP).count() == 3


# -- a registration never rewrites another case's contact details (issue 10, item 7) -----


def test_registering_a_known_payer_elsewhere_leaves_the_first_cases_contact_details(client, world):
    client.force_login(world.clerk)
    first_payer = employee(3, phone="13800001111", address="古魏镇城东社区3号", contact_person="")
    client.post(reverse("disputes:create"), intake_post(world, [first_payer]))
    first = Dispute.objects.get()

    client.force_login(world.clerk_b)
    other = employee(3, phone="13999998888", address="风陵渡镇某村", contact_person="张三")
    response = client.post(
        reverse("disputes:create"),
        intake_post(world, [other], jurisdiction=world.town_b.pk, confirm_duplicates="on"),
    )
    assert response.status_code == 302
    second = Dispute.objects.exclude(pk=first.pk).get()

    assert Payer.objects.count() == 1
    party = first.parties.get()
    assert (party.phone, party.address, party.contact_person) == (
        "13800001111",
        "古魏镇城东社区3号",
        "",
    )
    party = second.parties.get()
    assert (party.phone, party.address, party.contact_person) == (
        "13999998888",
        "风陵渡镇某村",
        "张三",
    )
    client.force_login(world.clerk)
    page = client.get(reverse("disputes:detail", args=[first.number])).content.decode()
    assert "古魏镇城东社区3号" in page and "13800001111" in page
    assert "风陵渡镇某村" not in page and "13999998888" not in page and "张三" not in page
    payer = Payer.objects.get()
    assert (payer.phone, payer.address) == ("13800001111", "古魏镇城东社区3号")


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_each_payers_contact_details_onto_its_existing_parties(world):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("disputes", "0006_access_log_searches")]
    after = [("disputes", "0007_party_contact_details")]
    world.make_dispute()
    Payer.objects.update(phone="13912345678", address="古魏镇城东社区3号", contact_person="王五")
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    executor.loader.build_graph()
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    party = Party.objects.get()
    assert (party.phone, party.address, party.contact_person) == (
        "13912345678",
        "古魏镇城东社区3号",
        "王五",
    )


def test_the_duplicate_warning_names_no_case_of_another_centre(client, world):
    elsewhere = world.make_dispute()  # centre A's open case of this payer, same category
    client.force_login(world.clerk_b)
    payer = employee(1)
    response = client.post(
        reverse("disputes:create"), intake_post(world, [payer], jurisdiction=world.town_b.pk)
    )
    assert response.status_code == 200
    assert Dispute.objects.count() == 1
    page = response.content.decode()
    assert 'id="duplicates-elsewhere"' in page
    assert elsewhere.number not in page and world.centre_a.name not in page
    response = client.post(
        reverse("disputes:create"),
        intake_post(
            world,
            [payer],
            jurisdiction=world.town_b.pk,
            confirm_duplicates="on",
            link_to=[elsewhere.number],
        ),
    )
    assert response.status_code == 302
    created = Dispute.objects.exclude(pk=elsewhere.pk).get()
    assert not created.linked_disputes.exists()


def add_villages(town, count):
    first = town.children.count()
    for i in range(first, first + count):
        Jurisdiction.objects.create(
            name=f"第{i + 1}村", code=f"{town.code}{500 + i:03d}", level="village", parent=town
        )


def test_the_intake_form_costs_the_same_queries_for_few_and_many_villages(
    client, world, django_assert_max_num_queries
):
    add_villages(world.town_a, 4)  # and 城东社区: 5
    client.force_login(world.clerk)
    # session, user, staff (with centre and area), roles, the county above the centre's area,
    # unread notifications, channels, the jurisdictions (one query: every option with its
    # label), categories, insurance types
    with django_assert_max_num_queries(10) as few:
        response = client.get(reverse("disputes:create"))
    assert len(response.context["form"].fields["jurisdiction"].choices) == 1 + 3 + 5
    add_villages(world.town_a, 195)
    with django_assert_max_num_queries(10) as many:
        response = client.get(reverse("disputes:create"))
    assert len(response.context["form"].fields["jurisdiction"].choices) == 1 + 3 + 200
    assert len(few.captured_queries) == len(many.captured_queries)


def test_the_intake_form_names_each_place_in_full(client, world):
    add_villages(world.town_b, 2)
    client.force_login(world.clerk)
    response = client.get(reverse("disputes:create"))
    options = [
        (value, label)
        for value, label in response.context["form"].fields["jurisdiction"].choices
        if value
    ]
    expected = Jurisdiction.objects.filter(path__startswith=world.county.path).order_by("path")
    assert [(int(str(value)), label) for value, label in options] == [
        (j.pk, j.full_name) for j in expected
    ]
    assert [label for _value, label in options][:3] == [
        "芮城县",
        "芮城县古魏镇",
        "芮城县古魏镇城东社区",
    ]
    assert "芮城县风陵渡镇第2村" in response.content.decode()
