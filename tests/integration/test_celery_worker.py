"""The deadline sweep fired through the broker and run by a real Celery worker against Redis.

Needs REDIS_URL and a database another process can open (PostgreSQL via DATABASE_URL); CI runs
it in its PostgreSQL + Redis pass. Elsewhere it is skipped, with the reason shown.
"""

import datetime
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from routing import deadlines
from routing.models import Deadline, DeadlineNotice, Stage
from tests import scenarios

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL") or connection.vendor != "postgresql",
        reason="needs REDIS_URL and PostgreSQL (DATABASE_URL); CI's PostgreSQL pass runs it",
    ),
]


def database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def worker_env():
    """Settings of the worker's own (a module overrides it: its tests' knobs)."""
    return {}


@pytest.fixture
def worker(tmp_path, worker_env):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        **worker_env,
        "DATABASE_URL": database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "VAR_DIR": str(tmp_path),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--concurrency=1", "-Q", queue, "--loglevel=INFO", "--without-heartbeat",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        celery_app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        print((tmp_path / "worker.log").read_text()[-3000:])


def test_the_sweep_runs_in_a_real_worker_through_redis(world, worker):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    d = scenarios.registered(world)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    late = deadlines.open_deadline(
        dispute=d, stage=Stage.ARCHIVING, centre=world.centre_a, start=long_ago
    )
    from routing.tasks import sweep_deadlines

    result = sweep_deadlines.apply_async(queue=worker)
    summary = result.get(timeout=90)
    assert summary  # the worker's own account of what it did
    late.refresh_from_db()
    assert late.status == Deadline.Status.OVERDUE
    assert DeadlineNotice.objects.filter(deadline=late, kind="overdue").count() == 1
    # Fired again through the broker: nothing is sent twice.
    sweep_deadlines.apply_async(queue=worker).get(timeout=90)
    assert DeadlineNotice.objects.filter(deadline=late, kind="overdue").count() == 1
