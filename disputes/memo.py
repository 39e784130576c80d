"""Answers worked out once for one case page, kept for that page and not on the case.

The case page asks the same questions of a case several times (each action's predicates, each
section): is its clock paused, what does the court still owe, what has the leading group on it.
The page (and an action's checks) open a ``case_memo()``; inside it ``remember`` computes each
answer once per case; outside it every call computes afresh, so nothing stale outlives the page.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_memo: ContextVar[dict | None] = ContextVar("case_memo", default=None)


@contextmanager
def case_memo() -> Iterator[None]:
    """Keep the answers asked inside this block, for this block only."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remember(question: str, dispute, compute: Callable[[], T]) -> T:
    """The answer to ``question`` about ``dispute``: computed once inside a ``case_memo()``,
    every time outside one."""
    memo = _memo.get()
    if memo is None:
        return compute()
    key = (question, dispute.pk)
    if key not in memo:
        memo[key] = compute()
    return memo[key]
