"""The API's call log is kept for ``API_CALL_KEEP_DAYS`` (a hotline calls all day long)."""

import datetime

from django.conf import settings

from api.models import ApiCall
from departments import clock

PURGE_BATCH = 10_000


def purge_old() -> int:
    """Delete the calls older than the keeping period, a batch at a time (short locks), and
    return how many went. Running it twice deletes nothing more."""
    cutoff = clock.now() - datetime.timedelta(days=settings.API_CALL_KEEP_DAYS)
    total = 0
    while True:
        batch = list(
            ApiCall.objects.filter(at__lt=cutoff)
            .order_by("at")
            .values_list("pk", flat=True)[:PURGE_BATCH]
        )
        if not batch:
            return total
        total += ApiCall.objects.filter(pk__in=batch).delete()[0]
