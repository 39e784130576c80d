"""The deadline sweep over a large table: N deadlines of which M are due.

The sweep must cost what is due, not what exists: the figure to watch is the time per due
deadline, and the time of a second sweep with nothing due (the partial indexes at work).
"""

import datetime
import random
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

BATCH = 20_000


def _fresh_sqlite() -> None:
    if connection.vendor == "sqlite":
        path = Path(settings.DATABASES["default"]["NAME"])
        connection.close()
        if path.exists():
            path.unlink()
        media = Path(settings.MEDIA_ROOT)
        shutil.rmtree(media, ignore_errors=True)


def run(*, total: int, due: int) -> None:
    from disputes.models import Dispute
    from routing import deadlines
    from routing.models import Deadline, Stage

    _fresh_sqlite()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, cases=2000, stdout=open("/dev/null", "w"))  # noqa: SIM115
    dispute_ids = list(Dispute.objects.values_list("pk", "centre_id"))
    print(f"database: {connection.vendor}; set-up {time.perf_counter() - started:.1f} s")

    rng = random.Random(7)
    now = timezone.now()
    t0 = time.perf_counter()
    stages = [s.value for s in Stage]
    rows = []
    for i in range(total):
        pk, centre_id = dispute_ids[i % len(dispute_ids)]
        is_due = i < due
        start = now - datetime.timedelta(days=rng.randint(20, 40) if is_due else 1)
        due_at = (
            now - datetime.timedelta(hours=rng.randint(1, 200))
            if is_due
            else now + datetime.timedelta(days=rng.randint(3, 60))
        )
        rows.append(
            Deadline(
                dispute_id=pk,
                stage=stages[i % len(stages)],
                centre_id=centre_id,
                working_days=5,
                started_at=start,
                due_at=due_at,
                remind_at=due_at - datetime.timedelta(days=1),
                # Most of the not-yet-due ones were reminded already, as in a real table.
                reminded_at=None if is_due or i % 10 == 0 else start,
            )
        )
        if len(rows) == BATCH:
            Deadline.objects.bulk_create(rows)
            rows = []
    if rows:
        Deadline.objects.bulk_create(rows)
    print(f"created {total:,} deadlines ({due:,} due) in {time.perf_counter() - t0:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE routing_deadline")

    t0 = time.perf_counter()
    result = deadlines.sweep()
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = deadlines.sweep()
    second = time.perf_counter() - t0
    per_due = first / max(1, due) * 1000
    print(f"sweep: {result} in {first:.1f} s ({per_due:.2f} ms per due deadline)")
    print(f"second sweep, nothing new due: {again} in {second * 1000:.1f} ms")
