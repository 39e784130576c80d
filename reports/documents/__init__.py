"""PDF documents of a case (receipt, referral sheet, joint-handling sheet, minutes, reply
notice, archive cover): a registry of kinds, one render service, the frozen archive; and
the reports that belong to no case (the evaluation's circular) through the same service."""

from reports.documents.registry import (
    DocumentKind,
    DocumentUnavailable,
    UnknownDocument,
    all_kinds,
    get_kind,
    kind_keys,
)
from reports.documents.render import Rendered, render, render_pdf, render_template

__all__ = [
    "DocumentKind",
    "DocumentUnavailable",
    "Rendered",
    "UnknownDocument",
    "all_kinds",
    "get_kind",
    "kind_keys",
    "render",
    "render_pdf",
    "render_template",
]
