"""Preconditions of transitions that higher apps know about, registered in their ``ready``.

A transition names its guard with ``conditions=[guard("consolidate")]``; consultations
registers what "every opinion is in" means, so the case model stays unaware of sub-tasks and
the case page offers the action only when it can succeed.
"""

from collections.abc import Callable

_guards: dict[str, list[Callable[[object], bool]]] = {}


def register(transition: str, check: Callable[[object], bool]) -> None:
    checks = _guards.setdefault(transition, [])
    if check not in checks:
        checks.append(check)


def guard(transition: str) -> Callable[[object], bool]:
    def check_all(dispute) -> bool:
        return all(check(dispute) for check in _guards.get(transition, ()))

    check_all.__name__ = f"guard_{transition}"
    return check_all
