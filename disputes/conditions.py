"""Preconditions of transitions that higher apps know about, registered in their ``ready``.

A transition names its guard with ``conditions=[guard("consolidate")]``; consultations
registers what "every opinion is in" means, so the case model stays unaware of sub-tasks and
the case page offers the action only when it can succeed. Each check may come with a
``why_not`` that tells the user, in a sentence, what the case still waits for. A guard with no
check registered under its name refuses the transition.
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


@dataclass(frozen=True)
class Guard:
    """The condition a transition names: true when every check registered under ``name``
    holds. It fails closed: with no check registered under the name (a typo, the app that
    registers it not loaded) it is false, and the system check ``disputes.E002`` names it."""

    name: str

    def __call__(self, dispute) -> bool:
        checks = _guards.get(self.name)
        return bool(checks) and all(c.check(dispute) for c in checks)


def guard(transition: str) -> Guard:
    return Guard(transition)


def is_registered(name: str) -> bool:
    return bool(_guards.get(name))


def why_not(transition: str, dispute) -> str:
    """What the first failing check of the transition says ("" when none says anything)."""
    for c in _guards.get(transition, ()):
        if not c.check(dispute) and c.why_not is not None:
            return c.why_not(dispute)
    return ""
