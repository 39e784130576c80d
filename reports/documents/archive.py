"""Freezing the case file at archiving, and checking it afterwards.

When a case is archived (``reports.handlers`` → ``reports.tasks.freeze_archive``), each of its
documents is rendered once, stored with its SHA-256 and page count, and from then on served
from storage: a later change of a template does not alter what was archived. The cover and
index is rendered last, from the frozen page counts.

A document handed out (the receipt) is frozen the same way when it is first issued
(``document_issue``), and the archive files that issued copy rather than a new rendering.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from disputes.exceptions import DisputeError
from disputes.models import Dispute, State
from disputes.services import timeline_add
from reports.documents.registry import all_kinds, get_kind
from reports.documents.render import Rendered, render
from reports.models import ArchivedDocument

log = logging.getLogger(__name__)

COVER = "archive_cover"


class ArchiveAltered(DisputeError):
    """A frozen document no longer matches its hash, or is gone from storage."""


@dataclass(frozen=True)
class Entry:
    """One line of the case file's index."""

    title: str
    issuer: str
    date: object
    pages: int | None
    kind: str = ""
    part: str = ""


def _options(part) -> dict:
    return part.options if part is not None else {}


def documents_of(dispute: Dispute):
    """(kind, part or None) of each rendered document of the case file, in filing order."""
    for kind in all_kinds():
        if not kind.archived:
            continue
        if kind.has_parts:
            yield from ((kind, part) for part in kind.parts(dispute))
        elif kind.is_available(dispute):
            yield kind, None


def _issuer(dispute: Dispute, kind, part) -> str:
    options = _options(part)
    if "department" in options:
        # A joint-handling sheet comes back into the file with the department's opinion.
        return options["department"].name
    if "meeting" in options:
        return options["meeting"].office.name
    return dispute.centre.name


def _date(dispute: Dispute, kind, part) -> object:
    meeting = _options(part).get("meeting")
    if meeting is not None:
        return meeting.held_at
    dates = {
        "receipt": dispute.received_at,
        "referral_sheet": getattr(getattr(dispute, "referral", None), "referred_at", None),
        "reply_notice": dispute.replied_at,
    }
    return dates.get(kind.key) or dispute.classified_at or dispute.received_at


def attachment_entries(dispute: Dispute) -> list[Entry]:
    """The payer's materials and the departments' supporting files, with their page counts
    where they can be told (a PDF's pages; an image is one page)."""
    entries = []
    for attachment in dispute.attachments.all():
        entries.append(
            Entry(
                title=_("Attachment: %(name)s") % {"name": attachment.name},
                issuer=attachment.description or _("Payer's materials"),
                date=attachment.uploaded_at,
                pages=_attachment_pages(attachment),
            )
        )
    return entries


def _attachment_pages(attachment) -> int | None:
    name = attachment.name.lower()
    if name.endswith((".jpg", ".jpeg", ".png")):
        return 1
    if not name.endswith(".pdf"):
        return None
    try:
        from pypdf import PdfReader

        with attachment.file.open("rb") as handle:
            return len(PdfReader(handle).pages)
    except Exception:  # an unreadable upload is listed without a page count
        return None


def file_entries(dispute: Dispute) -> list[Entry]:
    """The index of the case file rendered now (for a preview: nothing is stored)."""
    entries = []
    for kind, part in documents_of(dispute):
        pages = render(kind.key, dispute, **_options(part)).pages
        entries.append(_entry(dispute, kind, part, pages))
    return entries + attachment_entries(dispute)


def _entry(dispute, kind, part, pages, title: str | None = None) -> Entry:
    return Entry(
        title=title or kind.part_title(part),
        issuer=_issuer(dispute, kind, part),
        date=_date(dispute, kind, part),
        pages=pages,
        kind=kind.key,
        part=part.key if part is not None else "",
    )


def _copy_title(kind, part, copy: int) -> str:
    title = kind.part_title(part)
    return title if copy == 1 else _("%(title)s (copy %(copy)d)") % {"title": title, "copy": copy}


def _store(dispute, kind, part, rendered: Rendered, position: int, copy: int = 1):
    """Store one rendering with its hash; (document, True) when stored, or (the one another
    worker stored first, False)."""
    key = part.key if part is not None else ""
    suffix = f"-{key}" if key else ""
    if copy > 1:
        suffix += f"-copy{copy}"
    doc = ArchivedDocument(
        dispute=dispute,
        kind=kind.key,
        part=key,
        copy=copy,
        title=_copy_title(kind, part, copy),
        position=position,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        pages=rendered.pages,
        size=len(rendered.pdf),
    )
    doc.file.save(f"{position:02d}-{kind.key}{suffix}.pdf", ContentFile(rendered.pdf), save=False)
    try:
        with transaction.atomic():
            doc.save()
    except IntegrityError:
        # Another worker froze it in the meantime: theirs stands, ours goes.
        doc.file.delete(save=False)
        return ArchivedDocument.objects.get(
            dispute=dispute, kind=kind.key, part=key, copy=copy
        ), False
    return doc, True


def _position(dispute, kind) -> int:
    for position, (each, part) in enumerate(documents_of(dispute), start=1):
        if each.key == kind.key and part is None:
            return position
    return 0


def document_issue(*, dispute: Dispute, kind, actor, again: bool = False) -> ArchivedDocument:
    """The copy of a document handed out (``kind.frozen_at_issue``: the receipt).

    The first issue renders it once and freezes it with its hash; every later download serves
    that stored copy, so what the payer holds never changes. ``again`` (a re-issue) renders a
    new copy, numbered in the document and the record. Both leave a timeline row.
    """
    latest = frozen_document(dispute, kind.key)
    if latest is not None and not again:
        return latest
    if again and dispute.state == State.ARCHIVED:
        raise DisputeError(
            _("Case %(number)s is archived: its file is frozen and no new copy is issued.")
            % {"number": dispute.number}
        )
    copy = latest.copy + 1 if latest is not None else 1
    rendered = render(kind.key, dispute, copy=copy)
    doc, stored = _store(dispute, kind, None, rendered, _position(dispute, kind), copy=copy)
    if stored:
        timeline_add(
            dispute=dispute,
            actor=actor,
            action="reports.document.issued",
            data={"document": doc.title, "copy": doc.copy, "sha256": doc.sha256},
        )
    return doc


def archive_freeze(dispute_id: int) -> list[ArchivedDocument]:
    """Render and store every document of an archived case that is not stored yet.

    Idempotent: what is frozen stays as it is, so running it again (a retried task, the
    ``verify_archive --freeze`` command) only fills in what is missing.
    """
    dispute = Dispute.objects.select_related("centre", "jurisdiction", "category").get(
        pk=dispute_id
    )
    if dispute.state != State.ARCHIVED:
        log.warning("not freezing %s: it is %s, not archived", dispute.number, dispute.state)
        return []
    existing: dict[tuple[str, str], list[ArchivedDocument]] = {}
    for doc in ArchivedDocument.objects.filter(dispute=dispute).order_by("copy"):
        existing.setdefault((doc.kind, doc.part), []).append(doc)
    frozen = []
    entries = []
    for position, (kind, part) in enumerate(documents_of(dispute), start=1):
        # A document handed out is filed as it was issued (each copy), never re-rendered.
        docs = existing.get((kind.key, part.key if part is not None else ""))
        if not docs:
            rendered = render(kind.key, dispute, **_options(part))
            doc, stored = _store(dispute, kind, part, rendered, position)
            if stored:
                frozen.append(doc)
            docs = [doc]
        entries += [_entry(dispute, kind, part, doc.pages, title=doc.title) for doc in docs]
    entries += attachment_entries(dispute)
    if (COVER, "") not in existing:
        cover = get_kind(COVER)
        doc, stored = _store(dispute, cover, None, render(COVER, dispute, entries=entries), 0)
        if stored:
            frozen.append(doc)
    if frozen:
        timeline_add(
            dispute=dispute,
            actor=None,
            action="reports.archive.frozen",
            data={
                "documents": [d.title for d in frozen],
                "pages": sum(d.pages for d in frozen),
            },
        )
    return frozen


def frozen_document(dispute: Dispute, kind: str, part: str = "") -> ArchivedDocument | None:
    """The stored copy of a document (the latest issued, for one handed out more than once)."""
    return (
        ArchivedDocument.objects.filter(dispute=dispute, kind=kind, part=part)
        .order_by("-copy")
        .first()
    )


def read_frozen(doc: ArchivedDocument) -> bytes:
    """The archived bytes, checked against the hash; ArchiveAltered when they do not match."""
    data = doc.read()
    status = doc.verify(data)
    if status == ArchivedDocument.Integrity.MISSING:
        raise ArchiveAltered(
            _("The archived file of “%(title)s” is missing from storage.") % {"title": doc.title}
        )
    if status == ArchivedDocument.Integrity.ALTERED:
        raise ArchiveAltered(
            _(
                "The archived file of “%(title)s” does not match the hash recorded at archiving: "
                "it was altered. It is not served; tell the administrator."
            )
            % {"title": doc.title}
        )
    return data


def integrity_report(queryset=None):
    """(document, status) of every archived document: what ``verify_archive`` checks."""
    docs = queryset if queryset is not None else ArchivedDocument.objects.all()
    for doc in (
        docs.select_related("dispute")
        .order_by("dispute_id", "position", "pk")
        .iterator(chunk_size=500)
    ):
        yield doc, doc.verify()


def expected_documents(dispute: Dispute) -> list[tuple[str, str]]:
    """(kind, part) of every document the frozen file of the case must hold, the cover first."""
    keys = [
        (kind.key, part.key if part is not None else "") for kind, part in documents_of(dispute)
    ]
    return [(COVER, ""), *keys]


def missing_documents(dispute: Dispute) -> list[tuple[str, str]]:
    """What the frozen file of an archived case lacks: all of it when the freezing task never
    ran, the rest when it died midway (or a row was removed)."""
    frozen = set(ArchivedDocument.objects.filter(dispute=dispute).values_list("kind", "part"))
    return [key for key in expected_documents(dispute) if key not in frozen]


def incomplete_archived_cases():
    """(case, missing (kind, part) keys) of each archived case whose frozen file is incomplete,
    by case id: what ``verify_archive`` reports and ``verify_archive --freeze`` completes."""
    cases = (
        Dispute.objects.filter(state=State.ARCHIVED)
        .select_related("centre", "jurisdiction", "category")
        .order_by("pk")
    )
    for dispute in cases.iterator(chunk_size=200):
        missing = missing_documents(dispute)
        if missing:
            yield dispute, missing
