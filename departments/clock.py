"""The moment an operation happens at.

Services stamp what they write with ``now()``: the current time, unless the operation was given
a moment of its own. A service decorated with ``settable`` takes ``at=`` (default: now) and runs
with that moment for everything it does, through the transitions, the timeline, the deadlines
and the notices it causes, in this thread only; the demo uses it to give its cases a history
without moving any clock. Nothing else changes: the system clock, the cache's and the sessions'
expiry stay real time.
"""

import datetime
import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_moment: ContextVar[datetime.datetime | None] = ContextVar("operation_moment", default=None)


def now() -> datetime.datetime:
    """The moment of the operation under way: its own ``at=``, else the current time."""
    return _moment.get() or timezone.now()


def localdate() -> datetime.date:
    return timezone.localdate(now())


@contextmanager
def moment(at: datetime.datetime | None):
    """Run the block as if at ``at`` (a time-zone aware datetime); ``None``: real time."""
    if at is None:
        yield
        return
    if timezone.is_naive(at):
        raise ValueError("an operation's moment must be time-zone aware")
    token = _moment.set(at)
    try:
        yield
    finally:
        _moment.reset(token)


def settable(service):
    """Give ``service`` an ``at=`` keyword: the moment it happens at (default: now)."""

    @functools.wraps(service)
    def timed(*args, at: datetime.datetime | None = None, **kwargs):
        with moment(at):
            return service(*args, **kwargs)

    return timed
