"""Payers apply online at /apply/: the case lands at the competent centre with its duty clerk,
bad input is refused in Chinese with nothing saved, each address is limited per hour, and the
confirmation and receipt open only for the session that applied."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from departments.models import Centre, Jurisdiction
from disputes.models import Attachment, Channel, Dispute, Party, Payer, State, TimelineEntry
from disputes.services import PartyData, PayerData
from reports.models import ArchivedDocument
from tests import scenarios
from tests.conftest import credit_code, resident_id
from tests.files import pdf_upload
from tests.reports.pdf import read

pytestmark = pytest.mark.django_db

URL = "/apply/"
ADDRESS = "198.51.100.7"
REQUIRED = "该字段是必填项。"


@pytest.fixture
def online(world):
    """The online application's channel, and centre A's duty clerk: its coordinator (not the
    clerk a centre without one would fall back on)."""
    world.online = Channel.objects.get_or_create(
        code="online_application", defaults={"name": "网上申请", "online": True}
    )[0]
    world.centre_a.duty_clerk = world.coordinator
    world.centre_a.save()
    return world


def application(world, **overrides):
    data = {
        "payer-kind": "employee",
        "payer-id_number": resident_id(301),
        "payer-name": "刘秀英",
        "payer-phone": "13900002222",
        "payer-address": "古魏镇城东社区",
        "other-kind": "employer",
        "other-id_number": credit_code(301),
        "other-name": "芮城县某某建材有限公司",
        "other-contact_person": "李经理",
        "jurisdiction": world.town_a.pk,
        "category": world.category.pk,
        "insurance_types": [world.pension.pk],
        "amount": "5600.00",
        "period_start": "2024-01",
        "period_end": "2024-12",
        "claim": "要求单位按实际工资补缴养老保险费。",
        "summary": "本人在单位工作两年，单位按最低基数申报养老保险费。",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def apply(client, data, address=ADDRESS, **extra):
    return client.post(URL, data, REMOTE_ADDR=address, **extra)


def nothing_saved():
    return not Dispute.objects.exists() and not Payer.objects.exists()


# -- the form ---------------------------------------------------------------------------------


def test_the_form_is_at_apply_and_needs_no_log_in(client, online):
    assert reverse("apply:form") == URL
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "网上申请" in page and 'name="payer-id_number"' in page
    # No channel, no time received, none of the clerk's own judgements.
    for name in ("channel", "received_at", "is_public_opinion_risk", "confirm_duplicates"):
        assert f'name="{name}"' not in page
    assert 'name="payer-side"' not in page and "data-payer-lookup" not in page


def test_the_places_offered_are_those_a_processing_centre_takes_online(client, online, world):
    town_c = Jurisdiction.objects.create(
        name="大王镇", code="140830102", level="town", parent=world.county
    )
    other_town = Jurisdiction.objects.create(
        name="城西街道", code="140881001", level="town", parent=world.other_county
    )
    Centre.objects.create(
        name="永济市处理中心", kind="processing_centre", code="YJ", jurisdiction=world.other_county
    )
    form = client.get(URL).context["forms"].matter
    offered = set(form.fields["jurisdiction"].queryset)

    # Each town with a centre of its own; the county whose own centre serves its towns, and
    # those towns; not the village (its town is chosen), nor a town no centre takes.
    assert offered == {world.town_a, world.town_b, world.other_county, other_town}
    assert town_c not in offered and world.village_a not in offered
    page = client.get(URL).content.decode()
    assert '<optgroup label="芮城县">' in page and "芮城县古魏镇" in page


# -- a valid application ----------------------------------------------------------------------


def test_a_payer_applies_and_the_case_lands_at_the_centre_with_its_duty_clerk(client, online):
    moment = timezone.make_aware(datetime.datetime(2026, 3, 9, 10, 30))
    with time_machine.travel(moment, tick=False):
        response = apply(client, application(online, attachments=[pdf_upload("工资条.pdf")]))

    dispute = Dispute.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("apply:done", kwargs={"number": dispute.number})
    assert dispute.number.startswith("GA-2026-")
    assert dispute.centre == online.centre_a and dispute.registered_centre == online.centre_a
    assert dispute.channel == online.online
    assert dispute.first_responder == online.coordinator
    assert dispute.delivered_by is None and dispute.reported_by is None
    assert dispute.received_at == moment
    assert dispute.state == State.REGISTERED
    assert dispute.jurisdiction == online.town_a
    assert list(dispute.insurance_types.all()) == [online.pension]
    applicant = dispute.parties.get(side=Party.Side.APPLICANT)
    assert applicant.is_representative and applicant.payer.name == "刘秀英"
    assert applicant.phone == "13900002222"
    other = dispute.parties.get(side=Party.Side.COUNTERPARTY)
    assert other.payer.kind == "employer" and other.contact_person == "李经理"
    assert [a.name for a in Attachment.objects.filter(dispute=dispute)] == ["工资条.pdf"]
    [entry] = TimelineEntry.objects.filter(dispute=dispute)
    assert entry.action == "disputes.case.registered" and entry.actor is None


def test_the_other_party_may_be_left_out(client, online):
    data = application(online)
    for key in [k for k in data if k.startswith("other-")]:
        data.pop(key)
    data["other-kind"] = "employer"  # the select as the page shows it

    assert apply(client, data).status_code == 302
    assert Dispute.objects.get().parties.get().side == Party.Side.APPLICANT


def test_the_case_page_shows_the_registration_as_the_payers_online_application(client, online):
    apply(client, application(online))
    dispute = Dispute.objects.get()
    client.force_login(online.clerk)

    page = client.get(reverse("disputes:detail", kwargs={"number": dispute.number}))

    timeline = page.content.decode().split('ol class="timeline', 1)[1]
    assert "缴费人网上申请" in timeline and "系统" not in timeline


def test_the_centres_clerk_finds_it_in_the_queue_and_classifies_it(client, online):
    apply(client, application(online))
    dispute = Dispute.objects.get()
    clerk = Client()
    clerk.force_login(online.clerk)

    assert dispute.number in clerk.get(reverse("reports:home")).content.decode()
    assert dispute.number in clerk.get(reverse("disputes:list")).content.decode()
    case_page = clerk.get(reverse("disputes:detail", kwargs={"number": dispute.number}))
    assert "网上申请" in case_page.content.decode()
    other_centre = Client()
    other_centre.force_login(online.clerk_b)
    assert dispute.number not in other_centre.get(reverse("disputes:list")).content.decode()

    response = clerk.post(
        reverse("routing:classify", kwargs={"number": dispute.number}),
        {
            "classification": "general",
            "lead_department": online.tax.pk,
            "co_departments": [online.hr.pk],
            "expected_state": State.REGISTERED,
        },
    )

    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.state == State.JOINT_HANDLING and dispute.lead_department == online.tax


def test_an_applicant_hears_nothing_of_the_payers_other_cases(client, online):
    """The window warns the clerk of the payer's open cases in the category; online, the case
    is registered and the applicant told nothing (the clerk checks)."""
    existing = scenarios.registered(online, centre=online.centre_b)
    payer = existing.parties.get().payer

    response = apply(
        client, application(online, **{"payer-id_number": payer.id_number, "payer-name": "申请人"})
    )
    page = client.get(response.url).content.decode()

    assert Dispute.objects.count() == 2
    assert not Dispute.objects.exclude(pk=existing.pk).get().linked_disputes.exists()
    assert existing.number not in page and online.centre_b.name not in page


def test_the_clerk_is_warned_of_the_payers_open_cases_until_the_case_is_classified(client, online):
    here = scenarios.registered(online)
    elsewhere = scenarios.registered(online, centre=online.centre_b, actor=online.clerk_b)
    payer = here.parties.get().payer
    elsewhere.parties.update(payer=payer)
    apply(
        client, application(online, **{"payer-id_number": payer.id_number, "payer-name": "申请人"})
    )
    dispute = Dispute.objects.latest("pk")
    clerk = Client()
    clerk.force_login(online.clerk)
    url = reverse("disputes:detail", kwargs={"number": dispute.number})

    page = clerk.get(url).content.decode()
    warning = page.split('id="online-duplicates"', 1)[1].split("</div>\n", 1)[0]
    assert here.number in warning and "其他处理中心也有此类案件" in warning
    assert elsewhere.number not in page
    # A case registered at the window (its clerk was warned there) shows no such warning.
    window_page = clerk.get(reverse("disputes:detail", kwargs={"number": here.number}))
    assert 'id="online-duplicates"' not in window_page.content.decode()

    clerk.post(
        reverse("routing:classify", kwargs={"number": dispute.number}),
        {"classification": "general", "lead_department": online.tax.pk},
    )
    assert 'id="online-duplicates"' not in clerk.get(url).content.decode()


# -- refused input: a message in Chinese, nothing saved -----------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"payer-name": ""}, REQUIRED),
        ({"payer-id_number": ""}, REQUIRED),
        ({"payer-id_number": "14083019850312"}, "居民身份证号码应为18位，当前填写的为14位。"),
        ({"payer-phone": ""}, REQUIRED),
        ({"payer-phone": "12345"}, "请填写11位手机号码或带区号的固定电话号码。"),
        ({"payer-kind": "boss"}, "选择一个有效的选项。"),
        ({"other-id_number": ""}, REQUIRED),
        ({"jurisdiction": ""}, REQUIRED),
        ({"category": ""}, REQUIRED),
        ({"claim": ""}, REQUIRED),
        ({"summary": ""}, REQUIRED),
        ({"amount": "-1"}, "确保该值大于或等于0。"),
        ({"amount": "很多"}, "输入一个数字。"),
        ({"period_end": "2023-12"}, "截止月份不能早于起始月份。"),
        (
            {"other-kind": "employee", "other-id_number": resident_id(301)},
            "同一缴费人重复填写，请删除重复项。",
        ),
    ],
)
def test_each_field_is_checked_as_at_the_window(client, online, fields, message):
    response = apply(client, application(online, **fields))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert nothing_saved()


def test_a_form_sent_back_asks_for_the_files_again(client, online):
    response = apply(client, application(online, claim="", attachments=[pdf_upload()]))
    assert "表单退回后不会保留已选择的附件，请重新选择。" in response.content.decode()
    assert nothing_saved()


def test_an_empty_post_is_refused_field_by_field(client, online):
    response = apply(client, {})
    assert response.status_code == 200
    assert response.content.decode().count(REQUIRED) >= 6
    assert nothing_saved()


def test_a_place_no_centre_takes_is_refused(client, online, world):
    response = apply(client, application(online, jurisdiction=world.village_a.pk))
    assert "选择一个有效的选项" in response.content.decode()
    assert nothing_saved()


def test_a_wrong_check_digit_is_refused(client, online):
    number = resident_id(301)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")

    response = apply(client, application(online, **{"payer-id_number": wrong}))

    assert "身份证号码校验位不正确，请核对号码。" in response.content.decode()
    assert nothing_saved()


def test_a_unit_applies_with_its_credit_code_and_not_an_identity_number(client, online):
    response = apply(client, application(online, **{"payer-kind": "employer"}))
    assert "统一社会信用代码" in response.content.decode()
    assert nothing_saved()


def test_a_file_that_is_not_what_it_claims_is_refused(client, online, settings):
    fake = SimpleUploadedFile("证明.pdf", b"<html><script>x</script></html>", "application/pdf")

    response = apply(client, application(online, attachments=[fake]))

    assert "“证明.pdf”不是可以打开的PDF文件。" in response.content.decode()
    assert nothing_saved() and not Attachment.objects.exists()
    assert not (settings.MEDIA_ROOT / "attachments").exists()


def test_at_most_two_files_are_attached(client, online):
    files = [pdf_upload(f"材料{i}.pdf") for i in range(3)]

    response = apply(client, application(online, attachments=files))

    assert "最多上传2个文件（本次选择了3个）。" in response.content.decode()
    assert nothing_saved()


def on_record(world, name="赵铁柱"):
    """A payer of an earlier case, at the window."""
    payers = [PartyData(payer=PayerData(kind="employee", name=name, id_number=resident_id(77)))]
    return scenarios.registered(world, payers=payers).parties.get().payer


def test_a_resident_number_on_record_needs_the_name_on_record(client, online):
    """Else the receipt, which names the payer as recorded, would tell whose number it is."""
    payer = on_record(online)

    response = apply(
        client, application(online, **{"payer-id_number": payer.id_number, "payer-name": "冒名"})
    )

    page = response.content.decode()
    assert "姓名与该证件号码登记的姓名不一致" in page
    assert payer.name not in page
    assert Dispute.objects.count() == 1

    again = apply(
        client, application(online, **{"payer-id_number": payer.id_number, "payer-name": "赵 铁柱"})
    )
    assert again.status_code == 302
    assert Dispute.objects.latest("pk").parties.get(side="applicant").payer == payer


def test_a_centre_with_no_one_to_receive_it_refuses_with_a_message(client, online, world):
    town = Jurisdiction.objects.create(
        name="大王镇", code="140830102", level="town", parent=world.county
    )
    Centre.objects.create(
        name="大王镇处理中心", kind="processing_centre", code="DW", jurisdiction=town
    )

    response = apply(client, application(online, jurisdiction=town.pk))

    assert "大王镇处理中心暂时无法接收网上申请" in response.content.decode()
    assert nothing_saved()


def test_without_its_channel_the_form_is_closed(client, world):
    response = client.get(URL)
    assert response.status_code == 503
    assert "暂不受理网上申请" in response.content.decode()
    assert apply(client, application(world)).status_code == 503
    assert nothing_saved()


# -- the limit per address --------------------------------------------------------------------


def numbered(world, serial, **overrides):
    numbers = {"payer-id_number": resident_id(serial), "other-id_number": credit_code(serial)}
    return application(world, **{**numbers, **overrides})


@override_settings(APPLY_PER_HOUR=2)
def test_an_address_hands_in_so_many_an_hour_and_what_it_typed_is_kept(client, online):
    assert apply(client, numbered(online, 1)).status_code == 302
    assert apply(client, numbered(online, 2)).status_code == 302

    refused = apply(client, numbered(online, 3, claim="第三件申请的诉求"))

    assert refused.status_code == 429
    page = refused.content.decode()
    assert "过去一小时内您所在网络提交的申请过多（最多2件）" in page
    assert "第三件申请的诉求" in page and resident_id(3) in page
    assert Dispute.objects.count() == 2
    # Another address is not affected.
    assert apply(client, numbered(online, 4), address="198.51.100.8").status_code == 302


@override_settings(APPLY_PER_HOUR=1)
def test_a_form_sent_back_for_a_typing_error_is_not_counted(client, online):
    for _ in range(3):
        assert apply(client, numbered(online, 1, claim="")).status_code == 200
    assert apply(client, numbered(online, 1)).status_code == 302
    assert apply(client, numbered(online, 2)).status_code == 429


@override_settings(APPLY_PER_HOUR=1)
def test_the_limit_window_is_an_hour(client, online, settings, tmp_path):
    # Counted in the embedded default's cache, whose clock time-machine moves (Redis keeps
    # its own time: there the count expires with the key's TTL, set the same way).
    settings.CACHES = {
        "default": {"BACKEND": "config.cache.SharedFileCache", "LOCATION": str(tmp_path)}
    }
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert apply(client, numbered(online, 1)).status_code == 302
        assert apply(client, numbered(online, 2)).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        assert apply(client, numbered(online, 2)).status_code == 302


@override_settings(APPLY_PER_HOUR=1)
def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(client, online):
    assert apply(client, numbered(online, 1), HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 302

    second = apply(client, numbered(online, 2), HTTP_X_FORWARDED_FOR="203.0.113.2")

    assert second.status_code == 429


@override_settings(APPLY_PER_HOUR=1, TRUSTED_PROXIES=["10.0.0.1"])
def test_behind_a_trusted_proxy_each_forwarded_client_is_counted(client, online):
    def via_proxy(serial, client_address):
        return apply(
            client,
            numbered(online, serial),
            address="10.0.0.1",
            HTTP_X_FORWARDED_FOR=client_address,
        )

    assert via_proxy(1, "203.0.113.1").status_code == 302
    assert via_proxy(2, "203.0.113.2").status_code == 302
    assert via_proxy(3, "203.0.113.1").status_code == 429


@override_settings(APPLY_PER_HOUR=1)
def test_a_refused_name_counts(client, online):
    payer = on_record(online)
    mismatch = numbered(online, 5, **{"payer-id_number": payer.id_number, "payer-name": "冒名"})

    assert apply(client, mismatch).status_code == 200
    assert apply(client, numbered(online, 6)).status_code == 429


# -- the confirmation and the receipt: only for the session that applied ----------------------


def test_the_confirmation_shows_number_and_query_code_to_the_session_that_applied(client, online):
    response = apply(client, application(online))
    dispute = Dispute.objects.get()

    page = client.get(response.url)

    assert page.status_code == 200
    html = page.content.decode()
    assert dispute.number in html and dispute.query_code in html
    assert reverse("public_status") in html
    assert reverse("apply:receipt", kwargs={"number": dispute.number}) in html
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]


def test_no_other_session_opens_the_confirmation_or_the_receipt(client, online):
    apply(client, application(online))
    dispute = Dispute.objects.get()
    someone_else = Client()
    done = reverse("apply:done", kwargs={"number": dispute.number})
    receipt = reverse("apply:receipt", kwargs={"number": dispute.number})

    assert someone_else.get(done).status_code == 404
    assert someone_else.get(receipt).status_code == 404
    staff = Client()
    staff.force_login(online.clerk)
    assert staff.get(done).status_code == 404


def test_the_session_opens_only_its_own_cases_not_a_number_typed_in(client, online):
    apply(client, application(online))
    other = scenarios.registered(online)

    for name in ("apply:done", "apply:receipt"):
        assert client.get(reverse(name, kwargs={"number": other.number})).status_code == 404


def test_the_receipt_is_the_frozen_acceptance_receipt_with_number_and_query_code(client, online):
    apply(client, application(online))
    dispute = Dispute.objects.get()
    url = reverse("apply:receipt", kwargs={"number": dispute.number})

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"{dispute.number}-receipt.pdf" in response["Content-Disposition"]
    data = b"".join(response.streaming_content) if response.streaming else response.content
    text = read(data).flat
    assert dispute.number in text and dispute.query_code in text
    assert "受理回执" in text and "刘秀英" in text and "网上申请" in text
    assert online.centre_a.name in text and "张强" in text  # the duty clerk received it
    assert resident_id(301) not in text  # masked on paper
    # Issued once, frozen with its hash; the second download serves the same copy.
    issued = ArchivedDocument.objects.get(dispute=dispute, kind="receipt")
    assert issued.copy == 1 and issued.verify(data) == ArchivedDocument.Integrity.INTACT
    assert client.get(url).content == data
    assert ArchivedDocument.objects.filter(dispute=dispute).count() == 1
    issues = TimelineEntry.objects.filter(dispute=dispute, action="reports.document.issued")
    assert issues.count() == 1
