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

    print(f"API: {orders} work orders per system on {connection.vendor}, taken in turn")
    clerk = get_user_model().objects.get(username="clerk")
    runs = []
    for index, (label, callback) in enumerate(
        (("callback URL down", DEAD_CALLBACK), ("no callback URL", ""))
    ):
        system = ChannelSystem.objects.create(
            name=f"压测{label}",
            code=f"bench-{'down' if callback else 'none'}",
            channel=Channel.objects.get(code="hotline_12345"),
            callback_url=callback,
            rate="1000000/min",
        )
        system.jurisdictions.set([county])
        _key, raw = SystemKey.objects.create_key(system=system, name="bench")
        offset = index * orders
        runs.append(
            SimpleNamespace(
                label=label,
                system=system,
                client=Client(SERVER_NAME="localhost", HTTP_AUTHORIZATION=f"Api-Key {raw}"),
                bodies=[
                    work_order(place, number=f"B{offset + i:06d}", serial=10_000 + offset + i)
                    for i in range(orders)
                ],
                times={"new": [], "again": [], "status": [], "classify": []},
            )
        )

    def timed(run, figure, call, expected):
        started = time.perf_counter()
        response = call()
        run.times[figure].append(time.perf_counter() - started)
        assert response.status_code == expected, response.content

    # The two systems take turns, so that what else the machine does weighs on both alike.
    for i in range(orders):
        for run in runs:
            body = run.bodies[i]
            timed(
                run,
                "new",
                lambda r=run, b=body: r.client.post(
                    "/api/v1/work-orders/", b, content_type="application/json"
                ),
                201,
            )
    for i in range(orders // 2):
        for run in runs:
            body = run.bodies[i]
            timed(
                run,
                "again",
                lambda r=run, b=body: r.client.post(
                    "/api/v1/work-orders/", b, content_type="application/json"
                ),
                200,
            )
            timed(
                run,
                "status",
                lambda r=run, b=body: r.client.get(f"/api/v1/work-orders/{b['number']}/"),
                200,
            )
    # The clerk classifies each case: 签收 (and, settled on the spot, 办结) is recorded and,
    # for the system with a callback URL, queued for the worker on commit.
    cases = {
        run.label: list(
            WorkOrder.objects.filter(system=run.system).values_list("dispute", flat=True)
        )
        for run in runs
    }
    for i in range(orders):
        for run in runs:
            started = time.perf_counter()
            dispute_classify(
                dispute=cases[run.label][i], actor=clerk, classification="simple", note="当场答复"
            )
            run.times["classify"].append(time.perf_counter() - started)
    for run in runs:
        queued = Delivery.objects.filter(event__system=run.system).count()
        print(f" {run.label}: ({queued} deliveries queued for the worker)")
        _figures("POST a new work order (201)", run.times["new"])
        _figures("POST the same work order again (200)", run.times["again"])
        _figures("GET its status", run.times["status"])
        _figures("classify the case (events recorded)", run.times["classify"])
