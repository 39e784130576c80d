"""The work-order API: handing in, the same again, and reading status, through the whole
stack in-process (middleware, key, throttle, forms, intake, call log).

Two systems hand in the same number of work orders: one whose callback URL answers nothing
(a port nobody listens on), one with none. The figures should not differ: the callbacks are the
worker's work, never the request's.
"""

import statistics
import time
from types import SimpleNamespace

from django.core.management import call_command
from django.db import connection
from django.test import Client

from benchmarks.sweep import _fresh_sqlite

DEAD_CALLBACK = "http://127.0.0.1:9/"  # the discard port: nothing answers


def _figures(label: str, times: list[float]) -> None:
    times = sorted(times)
    p50 = statistics.median(times) * 1000
    p95 = times[max(0, int(len(times) * 0.95) - 1)] * 1000
    print(f"  {label:<44} n={len(times):<5} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")


def run(*, orders: int) -> None:
    from django.contrib.auth import get_user_model

    from api.models import ChannelSystem, Delivery, SystemKey, WorkOrder
    from departments.models import Jurisdiction
    from disputes.models import Channel
    from routing.services import dispute_classify
    from tests.api.systems import work_order

    _fresh_sqlite()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    county = Jurisdiction.objects.get(code="140830")
    village = Jurisdiction.objects.get(code="140830100201")

    # What tests.api.systems.work_order reads of the test world.
    place = SimpleNamespace(
        village_a=village,
        category=SimpleNamespace(code="contribution_base"),
        pension=SimpleNamespace(code="enterprise_pension"),
    )

    print(f"API: {orders} work orders per system on {connection.vendor}")
    for label, callback in (("callback URL down", DEAD_CALLBACK), ("no callback URL", "")):
        system = ChannelSystem.objects.create(
            name=f"压测{label}",
            code=f"bench-{'down' if callback else 'none'}",
            channel=Channel.objects.get(code="hotline_12345"),
            callback_url=callback,
            rate="1000000/min",
        )
        system.jurisdictions.set([county])
        _key, raw = SystemKey.objects.create_key(system=system, name="bench")
        client = Client(SERVER_NAME="localhost", HTTP_AUTHORIZATION=f"Api-Key {raw}")
        offset = 0 if callback else orders
        bodies = [
            work_order(place, number=f"B{offset + i:06d}", serial=10_000 + offset + i)
            for i in range(orders)
        ]
        new, again, status = [], [], []
        for body in bodies:
            started = time.perf_counter()
            response = client.post("/api/v1/work-orders/", body, content_type="application/json")
            new.append(time.perf_counter() - started)
            assert response.status_code == 201, response.content
        for body in bodies[: orders // 2]:
            started = time.perf_counter()
            response = client.post("/api/v1/work-orders/", body, content_type="application/json")
            again.append(time.perf_counter() - started)
            assert response.status_code == 200, response.content
        for body in bodies[: orders // 2]:
            started = time.perf_counter()
            response = client.get(f"/api/v1/work-orders/{body['number']}/")
            status.append(time.perf_counter() - started)
            assert response.status_code == 200, response.content
        # The clerk classifies each case: 签收 (and, settled on the spot, 办结) is recorded and,
        # for the system with a callback URL, queued for the worker on commit.
        clerk = get_user_model().objects.get(username="clerk")
        classify = []
        for order in WorkOrder.objects.filter(system=system).select_related("dispute"):
            started = time.perf_counter()
            dispute_classify(
                dispute=order.dispute, actor=clerk, classification="simple", note="当场答复"
            )
            classify.append(time.perf_counter() - started)
        queued = Delivery.objects.filter(event__system=system).count()
        print(f" {label}: ({queued} deliveries queued for the worker)")
        _figures("POST a new work order (201)", new)
        _figures("POST the same work order again (200)", again)
        _figures("GET its status", status)
        _figures("classify the case (events recorded)", classify)
