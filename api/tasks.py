"""Celery tasks: thin wrappers that call the services (api/delivery.py)."""

from celery import shared_task

from api import delivery


# Both are idempotent (an attempt claims its row first): a task given back to the queue when
# its worker died runs again harmlessly.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_event(delivery_id: int) -> str:
    """One attempt at posting an event to its system's callback URL."""
    return delivery.attempt(delivery_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_due_deliveries() -> int:
    """The beat job: send the due deliveries that have no task (a worker died with it)."""
    return delivery.send_due()


@shared_task(ignore_result=True)
def purge_old_calls() -> int:
    """The beat job: drop the call log's entries older than ``API_CALL_KEEP_DAYS``."""
    from api.calls import purge_old

    return purge_old()
