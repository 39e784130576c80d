"""The kinds of paper a case produces, each a template with a context builder.

A kind knows whether the case has such a document yet (``check`` raises ``DocumentUnavailable``
with a message for the user), and, when a case has several of it — a joint-handling sheet per
department, the minutes of each meeting that discussed it — which parts there are.
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
class Part:
    """One of several documents of a kind in a case."""

    key: str  # stable and URL-safe: a department's code, a meeting's id
    label: str  # shown after the kind's title: the department, the minutes' number
    options: dict  # keyword arguments for the kind's context builder


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
    # For kinds a case has several of: parts(dispute) -> [Part]. Without a part, the kind
    # renders its default (every department's sheet in one file, the latest minutes).
    parts: Callable[[object], Iterable[Part]] | None = None
    # Part of the frozen case file (the cover and index itself is rendered last, apart).
    archived: bool = True
    # Handed out to the payer: rendered once at its first issue and frozen then (served from
    # storage afterwards, and filed as issued); a re-issue is a new, numbered copy.
    frozen_at_issue: bool = False
    # exists() -> a boolean expression over a Dispute queryset (OuterRef("pk") is the case):
    # lists annotate it to offer the document without one query per case and kind.
    exists: Callable[[], object] | None = None

    @property
    def has_parts(self) -> bool:
        return self.parts is not None

    def part(self, dispute, key: str) -> Part:
        """The part named ``key`` (from a URL or a command line), or DocumentUnavailable."""
        for part in self.parts(dispute) if self.parts is not None else ():
            if part.key == key:
                return part
        raise DocumentUnavailable(
            _("Case %(number)s has no %(title)s “%(part)s”.")
            % {"number": dispute.number, "title": self.title, "part": key}
        )

    def part_title(self, part: Part | None) -> str:
        return f"{self.title}（{part.label}）" if part is not None else str(self.title)

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
