"""The supervisors' CSV export of N cases, end to end through the Django test client; then
the ledger's exports of the same N cases (.xlsx and CSV), each as the Celery job writes it
(``reports.export_jobs.run_export``, in this process): time and peak memory.

The cases are written with ``bulk_create`` (one county, ten towns with a centre each, one
employee per case and an employer on every third), not through the demo generator: what is
measured is the export, not the set-up. The export is read as a browser would, chunk by chunk,
so the figures include the view, the query, the masking, the CSV writing and the encoding.

Printed: rows per second, total seconds, the queries, and the growth of the process's peak
resident memory during the export (Linux: the peak is reset before it starts), once for a
tenth of the rows and once for all of them: a streamed export grows the same for both. The
resident memory may not grow at all when the set-up left freed memory to reuse, so each size
is run once more, untimed, under ``tracemalloc``: the peak of what Python allocated while
the export ran.
"""

import datetime
import gc
import resource
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benchmarks.sweep import _fresh_sqlite

BATCH = 5_000
TOWNS = 10
EMPLOYERS = 1_000


def _world():
    from django.contrib.auth import get_user_model

    from departments.models import Centre, Department, Jurisdiction, Role, Staff, role_group
    from disputes.models import Category, Channel

    county = Jurisdiction.objects.create(name="芮城县", code="140830", level="county")
    lgo = Centre.objects.create(
        name="领导小组办公室", kind="leading_group_office", code="RC", jurisdiction=county
    )
    centres = []
    for i in range(TOWNS):
        town = Jurisdiction.objects.create(
            name=f"第{i + 1}镇", code=f"140830{100 + i}", level="town", parent=county
        )
        centres.append(
            Centre.objects.create(
                name=f"第{i + 1}镇处理中心",
                kind="processing_centre",
                code=f"T{i:02d}",
                jurisdiction=town,
                parent=lgo,
            )
        )
    departments = [
        Department.objects.create(name="芮城县税务局", code="tax", kind="tax"),
        Department.objects.create(name="芮城县人社局", code="hrss", kind="hrss"),
    ]
    categories = [
        Category.objects.create(code="contribution_base", name="缴费基数"),
        Category.objects.create(code="refund", name="退(抵)费"),
        Category.objects.create(code="arrears", name="欠费追缴"),
    ]
    channel = Channel.objects.create(code="window", name="窗口")
    users = get_user_model().objects
    clerk = users.create_user(username="clerk", password="bench-Secret-1")
    clerk.groups.add(role_group(Role.CLERK))
    Staff.objects.create(user=clerk, full_name="王丽", centre=centres[0])
    supervisor = users.create_user(username="supervisor", password="bench-Secret-1")
    supervisor.groups.add(role_group(Role.SUPERVISOR))
    Staff.objects.create(user=supervisor, full_name="郑华", jurisdiction=county)
    return centres, departments, categories, channel, clerk, supervisor


def _create_cases(rows: int):
    """N cases with their payers and parties, in batches (the set-up's memory stays small)."""
    from disputes.models import Classification, Dispute, Party, Payer, State
    from routing.models import Deadline

    centres, departments, categories, channel, clerk, supervisor = _world()
    employers = Payer.objects.bulk_create(
        Payer(kind="employer", name=f"芮城县第{j}建材有限公司", id_number=f"91140830MA{j:08d}")
        for j in range(EMPLOYERS)
    )
    states = [s.value for s in State]
    now = timezone.now()
    for start in range(0, rows, BATCH):
        numbers = range(start, min(rows, start + BATCH))
        payers = Payer.objects.bulk_create(
            Payer(
                kind="employee",
                name=f"职工{i}",
                id_number=f"1408301985{i:08d}",
                phone=f"139{i:08d}",
            )
            for i in numbers
        )
        disputes = []
        for i in numbers:
            centre = centres[i % TOWNS]
            state = states[i % len(states)]
            classified = state not in (State.REGISTERED, State.REFERRED)
            disputes.append(
                Dispute(
                    number=f"{centre.code}-2026-{i:07d}",
                    centre=centre,
                    registered_centre=centre,
                    first_responder=clerk,
                    received_at=now - datetime.timedelta(minutes=i),
                    channel=channel,
                    jurisdiction=centre.jurisdiction,
                    category=categories[i % len(categories)],
                    amount=Decimal(i % 100_000) + Decimal("0.50") if i % 7 else None,
                    claim="请求核实2024年缴费基数并退还多缴部分。",
                    summary="职工反映单位按最低基数申报，与实际工资不符。",
                    state=state,
                    classification=Classification.GENERAL if classified else "",
                    lead_department=departments[i % 2] if classified else None,
                )
            )
        disputes = Dispute.objects.bulk_create(disputes)
        if disputes[0].pk is None:  # a database that does not return the keys
            by_number = dict(
                Dispute.objects.filter(number__in=[d.number for d in disputes]).values_list(
                    "number", "pk"
                )
            )
            for d in disputes:
                d.pk = by_number[d.number]
            payers = list(Payer.objects.filter(id_number__in=[p.id_number for p in payers]))
            payers.sort(key=lambda p: p.id_number)
        parties = []
        for i, dispute, payer in zip(numbers, disputes, payers, strict=True):
            parties.append(Party(dispute_id=dispute.pk, payer=payer, is_representative=True))
            if i % 3 == 0:
                employer = employers[i % EMPLOYERS]
                parties.append(Party(dispute_id=dispute.pk, payer=employer, side="counterparty"))
        Party.objects.bulk_create(parties)
        # A time limit on every classified case, in each of its conditions, for the ledger's
        # tick-off column.
        statuses = ["open", "met", "overdue", "extended"]
        limits = []
        for i, dispute in zip(numbers, disputes, strict=True):
            if dispute.lead_department is None:
                continue
            status = statuses[i % len(statuses)]
            started = dispute.received_at
            due = started + datetime.timedelta(days=7)
            limits.append(
                Deadline(
                    dispute_id=dispute.pk,
                    stage="department_opinion",
                    department=dispute.lead_department,
                    working_days=5,
                    started_at=started,
                    due_at=due,
                    remind_at=due - datetime.timedelta(days=1),
                    status=status,
                    met_at=due if status == "met" or i % 8 == 2 else None,
                    days_late=2 if i % 8 == 2 else 0,
                )
            )
        Deadline.objects.bulk_create(limits)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return supervisor


def _reset_peak_rss() -> bool:
    """Start counting the peak resident memory afresh (Linux only)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_rss_kib() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _current_rss_kib() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _read(client: Client, params: dict) -> tuple[int, int]:
    """Read the export as a browser would; its size in bytes and its lines."""
    size = lines = 0
    response = client.get(reverse("disputes:export"), params)
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    chunks = response.streaming_content if response.streaming else [response.content]
    for chunk in chunks:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return size, lines


def _export(client: Client, params: dict) -> None:
    gc.collect()
    exact = _reset_peak_rss()
    before = _current_rss_kib() if exact else _peak_rss_kib()
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        size, lines = _read(client, params)
        elapsed = time.perf_counter() - t0
    growth = (_peak_rss_kib() - before) / 1024
    rows = lines - 1  # the header
    print(
        f"export of {rows:,} rows: {elapsed:.2f} s, {rows / elapsed:,.0f} rows/s, "
        f"{size / 1e6:.1f} MB, {len(queries)} queries, peak RSS growth {growth:.1f} MiB"
        + ("" if exact else " (ru_maxrss: the process's peak, not reset)")
    )


def _traced(client: Client, params: dict) -> None:
    gc.collect()
    tracemalloc.start()
    try:
        _size, lines = _read(client, params)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"export of {lines - 1:,} rows under tracemalloc: Python peak {peak / 2**20:.1f} MiB")


def _ledger_job(supervisor, fmt: str, *, traced: bool = False) -> None:
    """One ledger export job of every case, written as the worker writes it."""
    from reports import export_jobs
    from reports.models import ExportJob

    job = ExportJob.objects.create(
        requester=supervisor,
        format=fmt,
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    gc.collect()
    if traced:
        tracemalloc.start()
        try:
            export_jobs.run_export(job.pk)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        job.refresh_from_db()
        print(
            f"ledger {fmt} job of {job.done:,} rows under tracemalloc: "
            f"Python peak {peak / 2**20:.1f} MiB"
        )
        job.file.delete(save=False)
        return
    exact = _reset_peak_rss()
    before = _current_rss_kib() if exact else _peak_rss_kib()
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        export_jobs.run_export(job.pk)
        elapsed = time.perf_counter() - t0
    growth = (_peak_rss_kib() - before) / 1024
    job.refresh_from_db()
    assert job.status == "done", job.error
    print(
        f"ledger {fmt} job of {job.done:,} rows: {elapsed:.2f} s, {job.done / elapsed:,.0f} "
        f"rows/s, {job.file.size / 1e6:.1f} MB, {len(queries)} queries, "
        f"peak RSS growth {growth:.1f} MiB"
        + ("" if exact else " (ru_maxrss: the process's peak, not reset)")
    )
    job.file.delete(save=False)


def run(*, rows: int) -> None:
    _fresh_sqlite()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    supervisor = _create_cases(rows)
    print(
        f"database: {connection.vendor}; {rows:,} cases created in "
        f"{time.perf_counter() - started:.1f} s"
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(supervisor)
    from departments.models import Centre

    # A tenth of the cases (one town's centre of ten), then all of them. An export of more
    # than EXPORT_MAX_ROWS is refused whole, so the limit is the whole set here.
    tenth = {"centre": Centre.objects.get(code="T00").pk}
    limit = settings.EXPORT_MAX_ROWS
    settings.EXPORT_MAX_ROWS = max(rows, limit)
    try:
        for params in (tenth, {}):
            _export(client, params)
        for params in (tenth, {}):
            _traced(client, params)
        for fmt in ("csv", "xlsx"):
            _ledger_job(supervisor, fmt)
        for fmt in ("csv", "xlsx"):
            _ledger_job(supervisor, fmt, traced=True)
    finally:
        settings.EXPORT_MAX_ROWS = limit
