"""A text message sent by a real Celery worker through Redis: a payer who asked for texts is
registered, the registration commits, the worker posts the signed message to a gateway on
127.0.0.1 and marks it sent.

Needs REDIS_URL and PostgreSQL (DATABASE_URL), like the other worker tests; skipped elsewhere
with the reason shown (the eager path is tests/disputes/test_sms_*.py)."""

import time

import pytest

from disputes.models import SmsMessage, SmsTemplate
from disputes.sms.catalogue import TEMPLATES
from disputes.tasks import send_sms
from tests.disputes.sms_receiver import APP_KEY, SECRET, Gateway
from tests.integration import test_celery_worker as real_worker

pytestmark = real_worker.pytestmark
worker = real_worker.worker  # the fixture: a Celery worker process on a queue of its own


@pytest.fixture
def gateway():
    with Gateway() as running:
        yield running


@pytest.fixture
def worker_env(gateway):
    return {
        "SMS_BACKEND": "disputes.sms.backends.gateway.SmsBackend",
        "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_APP_KEY": APP_KEY,
        "SMS_GATEWAY_SECRET": SECRET,
        "SMS_SIGN_NAME": "芮城县争议处理中心",
    }


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_the_worker_sends_the_registration_text_through_the_gateway(
    world, gateway, worker, monkeypatch
):
    send = send_sms.apply_async
    monkeypatch.setattr(
        send_sms,
        "apply_async",
        lambda args=None, kwargs=None, **options: send(
            args, kwargs, **{**options, "queue": worker}
        ),
    )
    template = TEMPLATES["payer.registered"]
    SmsTemplate.objects.create(code=template.code, name=template.name, text=template.text)

    d = world.make_dispute(sms_opt_in=True)

    row = SmsMessage.objects.get()
    assert wait_for(
        lambda: SmsMessage.objects.filter(pk=row.pk, status=SmsMessage.Status.SENT).exists()
    ), "the worker sent nothing"
    (got,) = gateway.received
    assert got.signed
    assert got.json["phone"] == "13912345678" and d.query_code in got.json["text"]
    row.refresh_from_db()
    assert (row.attempts, row.gateway_id) == (1, "gw-1")
