"""The HTTP gateway, against a gateway on 127.0.0.1 that checks the signature: sent, retried
with a growing wait, given up after SMS_MAX_ATTEMPTS, never sent twice.

The clock is moved with time_machine (the sending reads the real time)."""

import datetime
import socket

import pytest
import time_machine
from django.utils import timezone

from disputes.models import SmsMessage
from disputes.sms import services as sms
from disputes.sms.backends import Outgoing, SmsSendError, get_backend
from disputes.tasks import requeue_sms, send_sms
from tests.disputes.sms_receiver import APP_KEY, SECRET, Gateway

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)
GATEWAY = "disputes.sms.backends.gateway.SmsBackend"


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def gateway(settings):
    with Gateway() as running:
        settings.SMS_BACKEND = GATEWAY
        settings.SMS_GATEWAY_URL = running.url
        settings.SMS_GATEWAY_APP_KEY = APP_KEY
        settings.SMS_GATEWAY_SECRET = SECRET
        settings.SMS_SIGN_NAME = "芮城县争议处理中心"
        settings.SMS_GATEWAY_TIMEOUT = 5
        settings.SMS_MAX_ATTEMPTS = 3
        settings.SMS_RETRY_SECONDS = 60
        settings.SMS_RETRY_MAX_SECONDS = 3600
        yield running


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/sms/send"


def a_message(world, **kw) -> SmsMessage:
    return SmsMessage.objects.create(
        template_code="officer.urged",
        phone="13912345678",
        text="赵军：案件GA-2026-000001被催办。",
        user=world.officer_tax,
        **kw,
    )


def test_a_message_is_posted_signed_and_marked_sent_with_the_gateways_id(world, gateway, clock):
    message = a_message(world)

    assert send_sms(message.pk) == "sent"

    [request] = gateway.received
    assert request.signed
    assert request.json == {
        "app_key": APP_KEY,
        "sign_name": "芮城县争议处理中心",
        "phone": "13912345678",
        "text": "赵军：案件GA-2026-000001被催办。",
        "template": "officer.urged",
        "reference": str(message.pk),
    }
    assert request.headers["X-Timestamp"] == str(int(T0.timestamp()))
    assert len(request.headers["X-Nonce"]) == 32
    message.refresh_from_db()
    assert (message.status, message.attempts, message.gateway_id) == ("sent", 1, "gw-1")
    assert message.sent_at == T0
    assert message.last_error == ""


def test_each_request_has_a_new_nonce(gateway):
    backend = get_backend()
    for _ in range(2):
        backend.send_messages([Outgoing(phone="13912345678", text="测试")])
    assert len({r.headers["X-Nonce"] for r in gateway.received}) == 2


def test_a_wrong_secret_fails_the_gateways_check_and_the_message_is_not_sent(
    world, gateway, clock, settings
):
    settings.SMS_GATEWAY_SECRET = "not-the-secret"
    message = a_message(world)

    assert send_sms(message.pk) == "retry"

    assert [r.signed for r in gateway.received] == [False]
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert "401" in message.last_error


def test_a_500_is_tried_again_after_the_wait_then_sent(world, gateway, clock):
    gateway.answers = [(500, {"code": 500, "message": "busy"})]
    message = a_message(world)

    assert send_sms(message.pk) == "retry"
    message.refresh_from_db()
    assert message.status == "queued"
    assert message.next_attempt_at == T0 + datetime.timedelta(seconds=60)
    assert "500" in message.last_error

    # Not due yet: a task run early (or twice) sends nothing.
    assert send_sms(message.pk) == "not due"
    assert len(gateway.received) == 1

    clock.shift(datetime.timedelta(seconds=60))
    assert send_sms(message.pk) == "sent"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, "")
    assert len(gateway.received) == 2


def test_an_error_code_in_a_2xx_answer_is_a_failure(world, gateway, clock):
    gateway.answers = [(200, {"code": "isv.BUSINESS_LIMIT_CONTROL", "message": "触发流控"})]
    message = a_message(world)

    assert send_sms(message.pk) == "retry"

    message.refresh_from_db()
    assert message.status == "queued"
    assert "isv.BUSINESS_LIMIT_CONTROL" in message.last_error and "触发流控" in message.last_error


def test_an_answer_that_is_not_json_is_a_failure(world, gateway, clock):
    gateway.answers = [(200, "<html>ok</html>")]
    message = a_message(world)
    assert send_sms(message.pk) == "retry"
    message.refresh_from_db()
    assert message.last_error == "无法识别短信网关的应答。"


def test_it_gives_up_after_the_limit_and_marks_the_message_failed(world, gateway, clock):
    gateway.answers = [(500, {"code": 500})] * 10
    message = a_message(world)

    outcomes = []
    for _ in range(3):
        outcomes.append(send_sms(message.pk))
        clock.shift(datetime.timedelta(hours=2))
    assert outcomes == ["retry", "retry", "failed"]
    # The waits doubled: 60 s after the first attempt, 120 s after the second.
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 3)
    assert "500" in message.last_error

    assert send_sms(message.pk) == "not due"
    assert requeue_sms() == 0
    assert len(gateway.received) == 3


def test_the_wait_doubles_up_to_its_cap(settings):
    settings.SMS_RETRY_SECONDS = 60
    settings.SMS_RETRY_MAX_SECONDS = 200
    assert [sms.backoff(n).total_seconds() for n in (1, 2, 3, 4, 50)] == [60, 120, 200, 200, 200]


def test_a_message_under_way_is_not_sent_by_a_second_task(world, gateway, clock):
    message = a_message(world, claimed_until=T0 + datetime.timedelta(seconds=30))

    assert send_sms(message.pk) == "not due"
    assert gateway.received == []


def test_a_sent_message_is_never_sent_again(world, gateway, clock):
    message = a_message(world)
    assert send_sms(message.pk) == "sent"
    assert send_sms(message.pk) == "not due"
    clock.shift(datetime.timedelta(days=1))
    assert requeue_sms() == 0
    assert len(gateway.received) == 1


def test_the_beat_job_queues_again_a_message_a_dead_worker_left(world, gateway, clock, settings):
    settings.SMS_SWEEP_SECONDS = 300
    # Claimed by a worker that died: its claim ran out, the message is still queued.
    message = a_message(world, attempts=1, claimed_until=T0 + datetime.timedelta(seconds=40))
    fresh = a_message(world, next_attempt_at=T0 + datetime.timedelta(minutes=10))

    assert requeue_sms() == 0  # the claim still runs
    clock.shift(datetime.timedelta(minutes=6))
    assert requeue_sms() == 1  # eager: the task ran at once

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    fresh.refresh_from_db()
    assert fresh.status == "queued"  # not due yet
    assert len(gateway.received) == 1


def test_the_gateway_backend_raises_unless_it_fails_silently(settings):
    settings.SMS_GATEWAY_URL = closed_port_url()
    settings.SMS_GATEWAY_APP_KEY = APP_KEY
    settings.SMS_GATEWAY_SECRET = SECRET
    outgoing = Outgoing(phone="13912345678", text="测试")
    with pytest.raises(SmsSendError):
        get_backend(GATEWAY).send_messages([outgoing])
    quiet = Outgoing(phone="13912345678", text="测试")
    assert get_backend(GATEWAY, fail_silently=True).send_messages([quiet]) == 0
    assert quiet.error.startswith("无法连接短信网关")


def test_a_backend_that_crashes_is_recorded_and_tried_again(world, settings, clock):
    settings.SMS_BACKEND = "disputes.sms.backends.gateway.SmsBackend"
    settings.SMS_GATEWAY_URL = ""  # misconfigured: the backend refuses to start
    message = a_message(world)

    assert send_sms(message.pk) == "retry"

    message.refresh_from_db()
    assert message.status == "queued" and "ImproperlyConfigured" in message.last_error
    assert message.next_attempt_at > timezone.now()
