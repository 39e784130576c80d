"""Fixtures of the text messages' tests: the default templates, the in-memory outbox."""

import pytest

from disputes.models import SmsTemplate
from disputes.sms.backends import locmem
from disputes.sms.catalogue import TEMPLATES


@pytest.fixture
def sms_templates(db):
    return {
        t.code: SmsTemplate.objects.create(code=t.code, name=t.name, text=t.text)
        for t in TEMPLATES.values()
    }


@pytest.fixture
def outbox():
    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()
