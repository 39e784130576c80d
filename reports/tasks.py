"""Celery tasks: thin wrappers that call the services."""

from celery import shared_task

from reports import circular, export_jobs
from reports.documents import archive


# Acknowledged only once done, and given back to the queue if the worker dies mid-freeze: the
# freeze is idempotent (it stores only what is missing), so a second run completes the file.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def freeze_archive(dispute_id: int) -> None:
    """Render and store the case file of an archived case (idempotent: safe to run again)."""
    archive.archive_freeze(dispute_id)


@shared_task(ignore_result=True)
def refresh_tally() -> None:
    """Count the dashboard's tally again (reports.tally); one run at a time."""
    from django.core.cache import cache

    from reports import tally

    # Longer than a refresh takes at a million cases; a run that dies frees it by expiry.
    if not cache.add("reports:tally-refresh", True, timeout=30 * 60):
        return
    try:
        tally.refresh()
    finally:
        cache.delete("reports:tally-refresh")


@shared_task(ignore_result=True)
def ledger_export(job_id: int) -> None:
    """Write the file of a large ledger export (``reports.export_jobs``)."""
    export_jobs.run_export(job_id)


@shared_task(ignore_result=True)
def purge_expired_exports() -> int:
    """The beat job: delete the ledger exports past their time."""
    return export_jobs.purge_expired()


# Idempotent (one row per county and month, written with the sending): a rerun sends nothing
# twice, so the task may be acknowledged late and retried.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def mail_monthly_circulars() -> int:
    """Mail last month's evaluation circular to each county's recipients (once per month)."""
    return circular.send_monthly_circulars()
