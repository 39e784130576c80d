"""Celery tasks: thin wrappers that call the services."""

from celery import shared_task

from reports import circular
from reports.documents import archive


# Acknowledged only once done, and given back to the queue if the worker dies mid-freeze: the
# freeze is idempotent (it stores only what is missing), so a second run completes the file.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def freeze_archive(dispute_id: int) -> None:
    """Render and store the case file of an archived case (idempotent: safe to run again)."""
    archive.archive_freeze(dispute_id)


# Idempotent (one row per county and month, written with the sending): a rerun sends nothing
# twice, so the task may be acknowledged late and retried.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def mail_monthly_circulars() -> int:
    """Mail last month's evaluation circular to each county's recipients (once per month)."""
    return circular.send_monthly_circulars()
