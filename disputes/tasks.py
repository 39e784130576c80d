"""Celery tasks: thin wrappers that call the services (disputes/sms/services.py)."""

from celery import shared_task

from disputes.sms import services as sms


# Both are idempotent (an attempt claims its row first): a task given back to the queue when
# its worker died runs again harmlessly.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_sms(message_id: int) -> str:
    """One attempt at sending a text message."""
    return sms.attempt(message_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def requeue_sms() -> int:
    """The beat job: queue again the text messages left waiting (a worker died with them)."""
    return sms.requeue()
