"""Who gets a text message: officers for the notice kinds that text them (to Staff.phone), and
payers who asked for it at registration (at registration, and at the written reply). Sending
never holds up or fails what caused it."""

import datetime
import logging
import socket

import pytest
from django.urls import reverse

from departments.models import Staff
from disputes.exceptions import DisputeError
from disputes.models import Channel, Dispute, Notification, SmsMessage
from disputes.notifications import notify
from disputes.services import PartyData, PayerData, dispute_reply
from disputes.sms.catalogue import OFFICER_KINDS
from disputes.tasks import send_sms
from routing import deadlines
from tests import scenarios
from tests.api.test_apply import application
from tests.conftest import resident_id
from tests.disputes.test_intake import employee, intake_post

pytestmark = pytest.mark.django_db

PHONE = "13912345678"  # the representative's phone in World.make_dispute
DEADLINE_CONTEXT = {"stage": "部门办理", "due": "2026年3月20日", "department": "芮城县税务局"}


@pytest.fixture
def texting(sms_templates, outbox, django_capture_on_commit_callbacks):
    """Run a block; its transaction's callbacks (the sending) run at its end, as at a commit."""

    def run(block):
        with django_capture_on_commit_callbacks(execute=True):
            result = block()
        return result

    return run


def give_phone(user, phone="13700001234"):
    Staff.objects.filter(user=user).update(phone=phone)


def gateway_down(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.SMS_BACKEND = "disputes.sms.backends.gateway.SmsBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{port}/sms"
    settings.SMS_GATEWAY_APP_KEY = "key"
    settings.SMS_GATEWAY_SECRET = "secret"


# -- officers ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(OFFICER_KINDS))
def test_each_officer_kind_texts_the_officer_with_its_template(world, texting, outbox, kind):
    give_phone(world.officer_tax)
    d = world.make_dispute()

    texting(
        lambda: notify(
            users=[world.officer_tax],
            kind=kind,
            message="请尽快办理。",
            dispute=d,
            context=DEADLINE_CONTEXT,
        )
    )

    [sent] = outbox
    assert sent.phone == "13700001234"
    assert sent.template == OFFICER_KINDS[kind].template
    assert sent.text.startswith(f"赵军：案件{d.number}")
    row = SmsMessage.objects.get()
    assert (row.user, row.dispute, row.status, row.template_code) == (
        world.officer_tax,
        d,
        "sent",
        OFFICER_KINDS[kind].template,
    )
    assert row.text == sent.text


def test_the_texts_fill_in_the_notice_and_the_deadline(world, texting, outbox):
    give_phone(world.officer_tax)
    d = world.make_dispute()
    texting(
        lambda: notify(
            users=[world.officer_tax],
            kind="deadline.overdue",
            message="m",
            dispute=d,
            context=DEADLINE_CONTEXT,
        )
    )
    texting(
        lambda: notify(
            users=[world.officer_tax], kind="routing.urged", message="县政府办催办。", dispute=d
        )
    )
    assert [m.text for m in outbox] == [
        f"赵军：案件{d.number}的“部门办理”已于2026年3月20日到期，现已超期，请立即办理。",
        f"赵军：案件{d.number}被催办。县政府办催办。",
    ]


def test_a_new_task_is_texted_only_when_the_deadline_is_a_departments(world, texting, outbox):
    give_phone(world.lgo)
    d = world.make_dispute()
    context = {**DEADLINE_CONTEXT, "department": ""}  # the leading-group office's deadline
    texting(lambda: notify(users=[world.lgo], kind="deadline.opened", message="m", dispute=d))
    texting(
        lambda: notify(
            users=[world.lgo], kind="deadline.opened", message="m", dispute=d, context=context
        )
    )
    assert outbox == []
    assert SmsMessage.objects.count() == 0
    assert Notification.objects.filter(user=world.lgo).count() == 2


def test_other_kinds_inactive_users_and_users_without_a_mobile_get_no_text(world, texting, outbox):
    give_phone(world.officer_tax)
    give_phone(world.officer_hr, "0359-7023456")  # a landline takes no text
    world.officer_medical.is_active = False
    world.officer_medical.save()
    give_phone(world.officer_medical)
    d = world.make_dispute()
    people = [world.officer_tax, world.officer_hr, world.officer_medical, world.officer_gov]

    texting(lambda: notify(users=people, kind="deadline.reminder", message="m", dispute=d))
    assert outbox == []
    texting(lambda: notify(users=people, kind="routing.urged", message="m", dispute=d))
    assert [m.phone for m in outbox] == ["13700001234"]


def test_a_template_switched_off_sends_nothing(world, texting, outbox, sms_templates):
    give_phone(world.officer_tax)
    sms_templates["officer.urged"].active = False
    sms_templates["officer.urged"].save()
    d = world.make_dispute()
    texting(lambda: notify(users=[world.officer_tax], kind="routing.urged", message="m", dispute=d))
    assert outbox == [] and not SmsMessage.objects.exists()


def test_classifying_to_a_department_texts_its_officer_the_new_task(world, texting, outbox):
    give_phone(world.officer_tax)
    give_phone(world.clerk, "13600001111")  # the centre acting on its own case: no message

    d = texting(lambda: scenarios.joint_handling(world))

    # Tax leads and gives its opinion: a time limit for each, a text for each.
    stages = {str(x.get_stage_display()) for x in d.deadlines.filter(department=world.tax)}
    texts = [m for m in outbox if m.phone == "13700001234"]
    assert len(texts) == len(stages) == 2
    for stage in stages:
        [text] = [m for m in texts if f"“{stage}”" in m.text]
        assert text.template == "officer.new_task"
        assert text.text.startswith(f"赵军：案件{d.number}有新的办理任务“{stage}”，请于")
    assert not [m for m in outbox if m.phone == "13600001111"]


def test_an_overdue_sweep_texts_the_officer(world, texting, outbox):
    d = scenarios.joint_handling(world)
    give_phone(world.officer_tax)
    running = d.deadlines.filter(department=world.tax)
    later = max(x.due_at for x in running) + datetime.timedelta(days=1)

    texting(lambda: deadlines.sweep(now=later))

    overdue = [m for m in outbox if m.template == "officer.overdue"]
    assert [m.phone for m in overdue] == ["13700001234"] * running.count()
    assert all(f"案件{d.number}" in m.text and "现已超期" in m.text for m in overdue)
    rows = SmsMessage.objects.filter(template_code="officer.overdue", user=world.officer_tax)
    assert {r.status for r in rows} == {"sent"}


def test_an_error_building_a_text_is_logged_and_never_reaches_the_notice(
    world, texting, outbox, monkeypatch, caplog
):
    give_phone(world.officer_tax)
    d = world.make_dispute()

    def broken(text, values):
        raise RuntimeError("template engine down")

    monkeypatch.setattr("disputes.sms.services.render", broken)
    with caplog.at_level(logging.ERROR, logger="disputes.sms.services"):
        rows = texting(
            lambda: notify(users=[world.officer_tax], kind="routing.urged", message="m", dispute=d)
        )
    assert len(rows) == 1 and Notification.objects.filter(user=world.officer_tax).exists()
    assert outbox == [] and not SmsMessage.objects.exists()
    assert "Text messages not queued" in caplog.text


# -- payers --------------------------------------------------------------------------------


def test_a_payer_who_opts_in_is_texted_the_case_number_and_query_code(world, texting, outbox):
    d = texting(lambda: world.make_dispute(sms_opt_in=True))

    [sent] = outbox
    assert sent.phone == PHONE
    assert sent.template == "payer.registered"
    assert d.number in sent.text and d.query_code in sent.text
    assert "/status/" in sent.text and "古魏镇处理中心" in sent.text
    row = SmsMessage.objects.get()
    assert (row.dispute, row.user, row.status) == (d, None, "sent")


def test_the_status_page_is_named_with_the_public_address(world, texting, outbox, settings):
    settings.PUBLIC_BASE_URL = "https://zyzx.ruicheng.gov.cn/"
    texting(lambda: world.make_dispute(sms_opt_in=True))
    assert "https://zyzx.ruicheng.gov.cn/status/" in outbox[0].text


def test_without_opt_in_the_payer_gets_no_text_at_all(world, texting, outbox):
    texting(lambda: scenarios.closed(world))
    assert [m.template for m in outbox if m.template.startswith("payer.")] == []
    assert not SmsMessage.objects.filter(template_code__startswith="payer.").exists()


def test_opting_in_needs_a_mobile_number_for_the_representative(world, texting, outbox):
    landline = [
        PartyData(
            payer=PayerData(
                kind="employee", name="申请人", id_number=resident_id(77), phone="0359-7023456"
            ),
            is_representative=True,
        )
    ]
    with pytest.raises(DisputeError) as refused:
        world.make_dispute(payers=landline, sms_opt_in=True)
    assert "手机号码" in str(refused.value.message)
    assert not Dispute.objects.exists()


def test_the_written_reply_is_texted_to_a_payer_who_opted_in(world, texting, outbox):
    d = scenarios.awaiting_reply(world, sms_opt_in=True)
    outbox.clear()

    texting(lambda: dispute_reply(dispute=d, actor=world.clerk, text="经核实，单位应补缴。"))

    [sent] = outbox
    assert (sent.phone, sent.template) == (PHONE, "payer.replied")
    assert f"案件{d.number}作出书面答复" in sent.text


def test_the_reply_is_given_when_the_gateway_is_down(world, texting, outbox, settings):
    d = scenarios.awaiting_reply(world, sms_opt_in=True)
    gateway_down(settings)

    replied = texting(lambda: dispute_reply(dispute=d, actor=world.clerk, text="答复意见"))

    assert replied.state == "replied"
    assert Dispute.objects.get(pk=d.pk).reply_text == "答复意见"
    row = SmsMessage.objects.get(template_code="payer.replied")
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.last_error.startswith("无法连接短信网关")
    assert row.next_attempt_at > row.created_at


def test_the_reply_is_given_when_the_queue_cannot_be_reached(
    world, texting, outbox, monkeypatch, caplog
):
    d = scenarios.awaiting_reply(world, sms_opt_in=True)

    def no_broker(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(send_sms, "apply_async", no_broker)
    with caplog.at_level(logging.ERROR, logger="disputes.sms.services"):
        replied = texting(lambda: dispute_reply(dispute=d, actor=world.clerk, text="答复意见"))

    assert replied.state == "replied"
    row = SmsMessage.objects.get(template_code="payer.replied")
    assert (row.status, row.attempts) == ("queued", 0)  # the beat job queues it later
    assert "the beat job will queue it" in caplog.text


def test_the_window_intake_form_records_the_opt_in(client, world, texting, outbox):
    client.force_login(world.clerk)
    page = client.get(reverse("disputes:create")).content.decode()
    assert "短信告知办理进度" in page and 'name="sms_opt_in"' in page

    response = texting(
        lambda: client.post(
            reverse("disputes:create"), intake_post(world, [employee(41)], sms_opt_in="on")
        )
    )

    assert response.status_code == 302
    d = Dispute.objects.get()
    assert d.sms_opt_in is True
    assert [(m.phone, m.template) for m in outbox] == [("13800001111", "payer.registered")]


def test_the_window_form_refuses_an_opt_in_without_a_mobile(client, world, texting, outbox):
    client.force_login(world.clerk)
    data = intake_post(world, [employee(42, phone="0359-7023456")], sms_opt_in="on")
    response = client.post(reverse("disputes:create"), data)
    assert response.status_code == 200
    assert "短信告知办理进度需要代表人的手机号码" in response.content.decode()
    assert not Dispute.objects.exists()


@pytest.fixture
def online(world):
    """The online application's channel, and centre A's duty clerk (as in tests/api)."""
    Channel.objects.get_or_create(
        code="online_application", defaults={"name": "网上申请", "online": True}
    )
    world.centre_a.duty_clerk = world.coordinator
    world.centre_a.save()
    return world


def test_the_online_application_records_the_opt_in(client, online, texting, outbox):
    world = online
    page = client.get("/apply/").content.decode()
    assert "短信告知办理进度" in page

    response = texting(
        lambda: client.post("/apply/", application(world, sms_opt_in="on"), REMOTE_ADDR="10.1.1.1")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    d = Dispute.objects.get()
    assert d.sms_opt_in is True
    assert [(m.phone, m.template) for m in outbox] == [("13900002222", "payer.registered")]


def test_an_online_application_without_the_box_gets_no_text(client, online, texting, outbox):
    texting(lambda: client.post("/apply/", application(online), REMOTE_ADDR="10.1.1.2"))
    assert Dispute.objects.get().sms_opt_in is False
    assert outbox == []


def test_the_case_page_shows_that_the_payer_is_texted(client, world):
    client.force_login(world.clerk)
    texted = world.make_dispute(sms_opt_in=True)
    silent = world.make_dispute()

    page = client.get(reverse("disputes:detail", args=[texted.number])).content.decode()
    other = client.get(reverse("disputes:detail", args=[silent.number])).content.decode()

    assert "data-sms-opt-in" in page and "短信告知办理进度" in page
    assert "data-sms-opt-in" not in other
