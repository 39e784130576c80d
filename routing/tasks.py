"""Celery tasks: thin wrappers that call the services."""

from celery import shared_task

from routing import deadlines


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=False)
def sweep_deadlines() -> str:
    """Idempotent, so a sweep lost with its worker is simply run again."""
    return str(deadlines.sweep())
