"""A large ledger export run by a real Celery worker through Redis: its progress seen moving
through the status the ledger's progress bar polls, then the file fetched by its requester
and by no one else.

Needs REDIS_URL and PostgreSQL (DATABASE_URL), like the sweep's worker test; skipped
elsewhere with the reason shown (the eager path on SQLite is tests/reports/test_ledger.py).
"""

import csv
import io
import time

import pytest
from django.urls import reverse

from disputes.models import Dispute
from reports.models import ExportJob
from tests.integration import test_celery_worker as real_worker

pytestmark = real_worker.pytestmark
worker = real_worker.worker  # the fixture: a Celery worker process on a queue of its own

CASES = 600
CHUNK = 5


@pytest.fixture
def worker_env():
    # Small steps, so that the progress has many to show.
    return {"LEDGER_EXPORT_CHUNK_ROWS": str(CHUNK)}


def many_cases(world, n: int) -> set[str]:
    model = world.make_dispute()
    copies = []
    for i in range(n - 1):
        copy = Dispute.objects.get(pk=model.pk)
        copy.pk = None
        copy.number = f"{model.number}-{i:04d}"
        copies.append(copy)
    Dispute.objects.bulk_create(copies)
    return {model.number, *(c.number for c in copies)}


def test_a_large_export_moves_its_progress_in_a_real_worker(
    client, world, worker, settings, monkeypatch
):
    settings.LEDGER_EXPORT_JOB_ROWS = 100
    numbers = many_cases(world, CASES)
    client.force_login(world.supervisor)
    from reports.tasks import ledger_export

    # The view queues the job through the broker, to this test's own worker's queue.
    monkeypatch.setattr(
        ledger_export, "delay", lambda *args: ledger_export.apply_async(args, queue=worker)
    )
    response = client.post(reverse("reports:ledger-export"), {"format": "csv"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.total == CASES
    status_url = reverse("reports:ledger-export-status", kwargs={"pk": job.pk})
    seen = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        body = client.get(status_url).json()
        seen.append((body["status"], body["done"], body["percent"]))
        if body["status"] in ("done", "failed"):
            break
        time.sleep(0.02)
    assert seen[-1][0] == "done", seen[-5:]
    done = [d for _status, d, _percent in seen]
    assert done == sorted(done)  # it only moves forward
    partial = {d for status, d, _p in seen if status == "running" and 0 < d < CASES}
    assert partial, f"no progress seen between 0 and {CASES}: {seen[:3]}…{seen[-3:]}"
    assert all(d % CHUNK == 0 for d in partial)  # a step a chunk
    assert seen[-1][1:] == (CASES, 100)
    download = body["download"]
    assert download == reverse("reports:ledger-export-download", kwargs={"pk": job.pk})
    data = b"".join(client.get(download).streaming_content)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert {r[0] for r in rows[1:]} == numbers
    client.force_login(world.lgo)
    assert client.get(download).status_code == 404
