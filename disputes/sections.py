"""Sections that higher apps add to the case page, registered in their ``AppConfig.ready``.

Each section names its template and a function that builds its context for one request and
case (or returns None to stay hidden), so the case page shows the work of routing and
consultations without importing them.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CaseSection:
    key: str
    template: str
    context: Callable[[object, object], dict | None]
    order: int = 100
    column: str = "main"  # "main" or "side"


_sections: dict[str, CaseSection] = {}


def register(*sections: CaseSection) -> None:
    for section in sections:
        _sections[section.key] = section


def sections_for(request, dispute) -> dict[str, list[tuple[str, dict]]]:
    out: dict[str, list[tuple[str, dict]]] = {"main": [], "side": []}
    for section in sorted(_sections.values(), key=lambda s: s.order):
        context = section.context(request, dispute)
        if context is not None:
            out[section.column].append((section.template, context))
    return out
