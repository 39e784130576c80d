"""Marks that higher apps put on the cases of every list (督办: under supervision).

A mark names an attribute, its badge and an expression — ``Exists(...OuterRef(ref))`` over the
rows of a list, ``ref`` naming the case's key in them (``"pk"`` for cases, ``"dispute_id"``
for a department's tasks). Lists annotate only the rows of the page they show
(``MarkedPaginator``), after the page's keys are found: the walk of the list's index and its
count stay as they were, and no mark costs a query of its own.
"""

from collections.abc import Callable
from dataclasses import dataclass

from disputes.pagination import BoundedPaginator


@dataclass(frozen=True)
class CaseMark:
    key: str  # the row's attribute: ``mark_<key>``
    label: str
    expression: Callable[[str], object]  # ref -> a boolean expression over the list's rows
    style: str = "danger"
    order: int = 100

    @property
    def attribute(self) -> str:
        return f"mark_{self.key}"


_marks: dict[str, CaseMark] = {}


def register(*marks: CaseMark) -> None:
    for mark in marks:
        _marks[mark.key] = mark


def all_marks() -> list[CaseMark]:
    return sorted(_marks.values(), key=lambda m: m.order)


def annotate(queryset, ref: str = "pk"):
    """``queryset`` with every mark's attribute: annotate a page's rows, not a whole list."""
    marks = all_marks()
    if not marks:
        return queryset
    return queryset.annotate(**{m.attribute: m.expression(ref) for m in marks})


def marks_of(row) -> list[CaseMark]:
    """The marks an annotated row carries."""
    return [m for m in all_marks() if getattr(row, m.attribute, False)]


class MarkedPaginator(BoundedPaginator):
    """A list's pages with the marks on the rows of the page shown (``ref``: the case's key in
    a row)."""

    def __init__(self, *args, ref: str = "pk", **kwargs):
        super().__init__(*args, **kwargs)
        self.ref = ref

    def fetch(self, pks: list) -> list:
        rows = {row.pk: row for row in annotate(self.object_list.filter(pk__in=pks), self.ref)}
        return [rows[pk] for pk in pks if pk in rows]
