"""The administrators edit the templates (their placeholders checked, in Chinese) and read the
log of messages, read only, with the phones masked; load_reference_data installs the defaults
once and keeps the edits."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from departments.models import Role, Staff, role_group
from disputes.models import SmsMessage, SmsTemplate
from disputes.notifications import notify
from disputes.sms.catalogue import TEMPLATES
from disputes.sms.texts import check_text, render
from routing.reference_data import install_reference_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, admin_user):
    client.force_login(admin_user)
    return client


def change(admin, template, **fields):
    data = {"name": template.name, "text": template.text, "active": "on", **fields}
    return admin.post(reverse("admin:disputes_smstemplate_change", args=[template.pk]), data)


def test_a_template_edited_in_the_admin_changes_the_text_sent(
    admin, world, sms_templates, outbox, django_capture_on_commit_callbacks
):
    template = sms_templates["officer.urged"]
    response = change(admin, template, text="【催办】{name}同志，请加快办理案件{number}。")
    assert response.status_code == 302
    Staff.objects.filter(user=world.officer_tax).update(phone="13700001234")
    d = world.make_dispute()

    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[world.officer_tax], kind="routing.urged", message="m", dispute=d)

    assert [m.text for m in outbox] == [f"【催办】赵军同志，请加快办理案件{d.number}。"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("案件{number}，查询码{query_code}", "此模板不能使用 {query_code}"),
        ("案件{number!r}", "此模板不能使用 {number!r}"),
        ("案件{number:>20}", "此模板不能使用 {number:&gt;20}"),
        ("案件{number.__class__}", "此模板不能使用 {number.__class__}"),
        ("案件{0}", "此模板不能使用 {0}"),
        ("案件{number", "花括号不成对"),
        ("案件}number", "花括号不成对"),
    ],
)
def test_bad_placeholders_are_refused_in_chinese_and_nothing_is_saved(
    admin, sms_templates, text, shown
):
    template = sms_templates["officer.urged"]
    response = change(admin, template, text=text)

    assert response.status_code == 200
    page = response.content.decode()
    assert shown in page
    assert "可用的占位符：{number}、{centre}、{name}、{message}" in page or "花括号" in shown
    template.refresh_from_db()
    assert template.text == TEMPLATES["officer.urged"].text


def test_doubled_braces_are_a_brace_in_the_text():
    check_text("{{紧急}}案件{number}", "officer.urged")
    filled = render("{{紧急}}案件{number}", {"number": "GA-2026-000001"})
    assert filled == "{紧急}案件GA-2026-000001"


def test_a_template_with_an_unknown_code_cannot_be_added(admin, sms_templates):
    response = admin.post(
        reverse("admin:disputes_smstemplate_add"),
        {"code": "officer.lunch", "name": "午餐", "text": "开饭了", "active": "on"},
    )
    assert response.status_code == 200
    assert "没有使用此代码的短信" in response.content.decode()
    assert not SmsTemplate.objects.filter(code="officer.lunch").exists()


def test_the_change_page_lists_the_placeholders_in_chinese(admin, sms_templates):
    template = sms_templates["payer.registered"]
    page = admin.get(reverse("admin:disputes_smstemplate_change", args=[template.pk]))
    text = page.content.decode()
    assert "可用的占位符" in text and "案件查询码" in text and "{query_code}" in text


def test_the_log_lists_messages_with_the_phone_masked(admin, world):
    d = world.make_dispute()
    message = SmsMessage.objects.create(
        template_code="payer.registered",
        phone="13912345678",
        text="已受理",
        dispute=d,
        status=SmsMessage.Status.FAILED,
        attempts=5,
        last_error="短信网关返回 500。",
    )

    listing = admin.get(reverse("admin:disputes_smsmessage_changelist")).content.decode()
    detail = admin.get(reverse("admin:disputes_smsmessage_change", args=[message.pk]))

    assert "139****5678" in listing and d.number in listing and "失败" in listing
    assert "13912345678" not in listing
    page = detail.content.decode()
    assert detail.status_code == 200
    assert "139****5678" in page and "短信网关返回 500。" in page
    assert "13912345678" not in page


def test_the_log_cannot_be_added_edited_or_deleted(admin, world):
    message = SmsMessage.objects.create(template_code="x", phone="13912345678", text="t")
    url = reverse("admin:disputes_smsmessage_change", args=[message.pk])

    assert admin.post(url, {"phone": "13000000000"}).status_code == 403
    assert admin.get(reverse("admin:disputes_smsmessage_add")).status_code == 403
    delete = reverse("admin:disputes_smsmessage_delete", args=[message.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    message.refresh_from_db()
    assert message.phone == "13912345678"


def test_the_reference_data_installs_the_templates_once_and_keeps_edits():
    summary = install_reference_data()
    assert summary.created["sms_templates"] == len(TEMPLATES)
    assert set(SmsTemplate.objects.values_list("code", flat=True)) == set(TEMPLATES)
    for template in SmsTemplate.objects.all():
        check_text(template.text, template.code)  # the defaults pass their own check

    SmsTemplate.objects.filter(code="payer.replied").update(text="已答复{number}", active=False)
    again = install_reference_data()

    assert again.created["sms_templates"] == 0
    edited = SmsTemplate.objects.get(code="payer.replied")
    assert (edited.text, edited.active) == ("已答复{number}", False)


def test_the_administrator_role_edits_templates_and_reads_the_log():
    install_reference_data()
    granted = set(
        Permission.objects.filter(group=role_group(Role.ADMIN)).values_list("codename", flat=True)
    )
    assert {"change_smstemplate", "view_smstemplate", "view_smsmessage"} <= granted
    assert "change_smsmessage" not in granted and "delete_smsmessage" not in granted
