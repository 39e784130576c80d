"""The intake form: payers found again, invalid numbers refused, duplicates warned and linked."""

import pytest
from django.urls import reverse
from django.utils import timezone

from disputes.models import Dispute, Payer, State
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


def test_payer_lookup_returns_a_registered_payer_with_the_phone_masked(client, world):
    world.make_dispute()
    client.force_login(world.clerk_b)
    number = resident_id(1)
    data = client.get(reverse("disputes:payer_lookup"), {"id_number": number}).json()
    assert data["found"] is True and data["phone"] == "139****5678"
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
