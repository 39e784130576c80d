"""Preconditions of transitions that higher apps know about, registered in their ``ready``.

A transition names its guard with ``conditions=[guard("consolidate")]``; consultations
registers what "every opinion is in" means, so the case model stays unaware of sub-tasks and
the case page offers the action only when it can succeed. Each check may come with a
``why_not`` that tells the user, in a sentence, what the case still waits for.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class _Check:
    check: Callable[[object], bool]
    why_not: Callable[[object], str] | None = None


_guards: dict[str, list[_Check]] = {}


def register(
    transition: str,
    check: Callable[[object], bool],
    *,
    why_not: Callable[[object], str] | None = None,
) -> None:
    checks = _guards.setdefault(transition, [])
    if all(c.check is not check for c in checks):
        checks.append(_Check(check, why_not))


def guard(transition: str) -> Callable[[object], bool]:
    def check_all(dispute) -> bool:
        return all(c.check(dispute) for c in _guards.get(transition, ()))

    check_all.__name__ = f"guard_{transition}"
    return check_all


def why_not(transition: str, dispute) -> str:
    """What the first failing check of the transition says ("" when none says anything)."""
    for c in _guards.get(transition, ()):
        if not c.check(dispute) and c.why_not is not None:
            return c.why_not(dispute)
    return ""
