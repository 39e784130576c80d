"""Celery tasks: thin wrappers that call the services."""

from celery import shared_task

from reports.documents import archive


@shared_task(ignore_result=True)
def freeze_archive(dispute_id: int) -> None:
    """Render and store the case file of an archived case (idempotent: safe to run again)."""
    archive.archive_freeze(dispute_id)
