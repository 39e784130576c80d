"""Limits counted in the cache that every process shares: the wrong guesses one address makes
on the payers' public status page, the applications one address hands in online in an hour,
and the different numbers a user searches by in a day."""

import contextlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from departments.http import counted

_DAY_SECONDS = 24 * 3600


def _count(key: str, timeout: int) -> int:
    """Add one to a counter in the shared cache, atomically; it starts at 1."""
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout)
        return 1


def number_searched(*, user, number: str) -> int:
    """Count one search by ``user`` for a payer's number today and return its place among the
    different numbers they searched by today (the same number again keeps its first place).

    The cache never holds the number itself, only a keyed digest of it."""
    day = f"{timezone.localdate():%Y%m%d}"
    digest = hmac.new(settings.SECRET_KEY.encode(), number.encode(), "sha256").hexdigest()[:32]
    seen = f"number-searched:{user.pk}:{day}:{digest}"
    if cache.add(seen, 0, 2 * _DAY_SECONDS):
        count = _count(f"number-searches:{user.pk}:{day}", 2 * _DAY_SECONDS)
        cache.set(seen, count, 2 * _DAY_SECONDS)
        return count
    return cache.get(seen) or 0  # its place in the day's count when first searched


STATUS_ATTEMPTS = 10  # wrong number/code pairs one address may try ...
STATUS_WINDOW_SECONDS = 15 * 60  # ... in this many seconds


def _status_key(address: str) -> str:
    # An IPv6 client counts by its /64, as in the log-in lockout.
    return f"status-failures:{counted(address)}"


def status_locked_out(address: str) -> bool:
    return cache.get(_status_key(address), 0) >= STATUS_ATTEMPTS


def status_failed(address: str) -> None:
    """Count a wrong guess; the count expires a window after the first one."""
    _count(_status_key(address), STATUS_WINDOW_SECONDS)


APPLY_WINDOW_SECONDS = 3600  # settings.APPLY_PER_HOUR applications one address may hand in


def _apply_key(address: str) -> str:
    return f"apply-submissions:{counted(address)}"


def apply_allowed(address: str) -> bool:
    """Whether ``address`` may still hand in an application this hour (nothing is counted)."""
    return cache.get(_apply_key(address), 0) < settings.APPLY_PER_HOUR


def apply_take(address: str) -> bool:
    """Count one application of ``address`` before it is registered; False (and nothing
    counted) when the hour's allowance is used up. Taking the place first, atomically, keeps
    two applications sent at once from both slipping in under the limit."""
    key = _apply_key(address)
    if _count(key, APPLY_WINDOW_SECONDS) <= settings.APPLY_PER_HOUR:
        return True
    _uncount(key)
    return False


def apply_give_back(address: str) -> None:
    """An application counted by ``apply_take`` that was then not registered, for a reason
    that is the centre's (no clerk on duty), not the applicant's: it does not count."""
    _uncount(_apply_key(address))


def _uncount(key: str) -> None:
    with contextlib.suppress(ValueError):  # expired in the meantime: nothing to take back
        cache.decr(key)
