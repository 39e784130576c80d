"""The kinds of paper a case produces, each a template with a context builder.

A kind knows whether the case has such a document yet (``check`` raises ``DocumentUnavailable``
with a message for the user), and, when a case has one per department (the joint-handling
sheet), which parts there are.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from disputes.exceptions import DisputeError


class DocumentUnavailable(DisputeError):
    """The case has no such document (yet); the message says why."""


class UnknownDocument(DisputeError):
    pass


@dataclass(frozen=True)
class DocumentKind:
    key: str
    title: str
    template: str
    # context(dispute, **opts) -> dict for the template
    context: Callable[..., dict]
    # check(dispute) raises DocumentUnavailable when the case has no such document yet
    check: Callable[[object], None]
    order: int = 100
    # For kinds with one document per department: parts(dispute) -> departments.
    parts: Callable[[object], Iterable] | None = None
    # Part of the frozen case file (the cover and index itself is rendered last, apart).
    archived: bool = True
    # exists() -> a boolean expression over a Dispute queryset (OuterRef("pk") is the case):
    # lists annotate it to offer the document without one query per case and kind.
    exists: Callable[[], object] | None = None

    @property
    def per_department(self) -> bool:
        return self.parts is not None

    def is_available(self, dispute) -> bool:
        try:
            self.check(dispute)
        except DocumentUnavailable:
            return False
        return True


_kinds: dict[str, DocumentKind] = {}


def register(*kinds: DocumentKind) -> None:
    for kind in kinds:
        _kinds[kind.key] = kind


def get_kind(key: str) -> DocumentKind:
    try:
        return _kinds[key]
    except KeyError:
        raise UnknownDocument(_("There is no document kind “%(kind)s”.") % {"kind": key}) from None


def all_kinds() -> list[DocumentKind]:
    return sorted(_kinds.values(), key=lambda k: k.order)


def kind_keys() -> list[str]:
    return [k.key for k in all_kinds()]
