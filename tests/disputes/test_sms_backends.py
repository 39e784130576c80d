"""The SMS backends: chosen by settings.SMS_BACKEND, like Django's e-mail backends."""

import io
import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from disputes.sms.backends import BaseSmsBackend, Outgoing, filebased, get_backend, locmem
from disputes.sms.backends import console as console_backend

CONSOLE = "disputes.sms.backends.console.SmsBackend"


def messages():
    return [
        Outgoing(
            phone="13912345678", text="案件GA-2026-000001已受理。", template="payer.registered"
        ),
        Outgoing(phone="13800001111", text="案件GA-2026-000002有新的办理任务。", template="x"),
    ]


def test_the_console_backend_prints_each_message_with_the_phone_masked(capsys):
    sent = get_backend(CONSOLE).send_messages(messages())

    out = capsys.readouterr().out
    assert sent == 2
    assert "案件GA-2026-000001已受理。" in out and "案件GA-2026-000002有新的办理任务。" in out
    assert "139****5678" in out and "138****1111" in out
    assert "13912345678" not in out


def test_the_console_backend_is_the_default(settings):
    from config import settings as configured  # the module, before the tests' override

    assert configured.SMS_BACKEND == CONSOLE
    settings.SMS_BACKEND = configured.SMS_BACKEND
    assert isinstance(get_backend(), console_backend.SmsBackend)
    stream = io.StringIO()
    console_backend.SmsBackend(stream=stream).send_messages(messages()[:1])
    assert "已受理" in stream.getvalue()


def test_the_file_backend_appends_one_json_line_per_message(settings, tmp_path):
    settings.SMS_BACKEND = "disputes.sms.backends.filebased.SmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms" / "outbox.jsonl"

    assert get_backend().send_messages(messages()) == 2
    assert get_backend().send_messages(messages()[:1]) == 1

    lines = [json.loads(x) for x in settings.SMS_FILE_PATH.read_text("utf-8").splitlines()]
    assert [(x["phone"], x["text"]) for x in lines] == [
        ("13912345678", "案件GA-2026-000001已受理。"),
        ("13800001111", "案件GA-2026-000002有新的办理任务。"),
        ("13912345678", "案件GA-2026-000001已受理。"),
    ]
    assert isinstance(get_backend(), filebased.SmsBackend)


def test_the_memory_backend_keeps_the_messages_in_its_outbox(outbox):
    sent = get_backend("disputes.sms.backends.locmem.SmsBackend").send_messages(messages())
    assert sent == 2
    assert [m.phone for m in locmem.outbox] == ["13912345678", "13800001111"]
    assert all(m.gateway_id for m in outbox)


def test_the_base_backend_is_only_an_interface():
    with pytest.raises(NotImplementedError):
        BaseSmsBackend().send_messages(messages())


def test_the_gateway_needs_its_address_and_keys(settings):
    settings.SMS_GATEWAY_URL = ""
    with pytest.raises(ImproperlyConfigured):
        get_backend("disputes.sms.backends.gateway.SmsBackend")
