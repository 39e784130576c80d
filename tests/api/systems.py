"""Integrating systems, keys and work orders for the API tests."""

import base64
import datetime

from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ChannelSystem, SystemKey
from disputes.models import Channel
from tests.conftest import resident_id
from tests.files import pdf_bytes

PDF = pdf_bytes()


def make_system(world, *, code="hotline-12345", name="12345热线", centres=None, areas=(), **kw):
    channel, _created = Channel.objects.get_or_create(
        code="hotline_12345", defaults={"name": "12345政务服务便民热线", "online": True}
    )
    system = ChannelSystem.objects.create(name=name, code=code, channel=channel, **kw)
    system.centres.set(centres if centres is not None else [world.centre_a])
    system.jurisdictions.set(areas)
    _key, raw = SystemKey.objects.create_key(system=system, name="生产")
    system.raw_key = raw
    return system


def client_for(system=None, key=None) -> APIClient:
    client = APIClient()
    raw = key if key is not None else getattr(system, "raw_key", None)
    if raw:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def work_order(world, number="GD20261203001", serial=901, **changes) -> dict:
    # A fixed moment, so that the same work order built twice is the same content.
    received = timezone.localtime().replace(hour=8, minute=30, second=0, microsecond=0)
    received -= datetime.timedelta(days=1)
    order = {
        "number": number,
        "received_at": received.isoformat(),
        "caller": {
            "kind": "employee",
            "name": "张三",
            "id_number": resident_id(serial),
            "phone": "13912345678",
            "address": "古魏镇城东社区",
        },
        "jurisdiction": world.village_a.code,
        "category": world.category.code,
        "insurance_types": [world.pension.code],
        "amount": "3200.50",
        "claim": "请求核实缴费基数。",
        "summary": "来电人反映单位未按实际工资申报缴费基数。",
        "due_at": (received + datetime.timedelta(days=15)).isoformat(),
        "attachments": [
            {"name": "工资单.pdf", "content_base64": base64.b64encode(PDF).decode()},
            {"name": "录音.mp3", "url": "https://12345.example.invalid/files/1"},
        ],
    }
    for key, value in changes.items():
        if value is None:
            order.pop(key, None)
        else:
            order[key] = value
    return order
