"""The case page's "documents" section: the forms of the case, or its frozen file."""

from django.urls import reverse

from disputes.models import State
from disputes.sections import CaseSection, register
from reports.documents.archive import COVER
from reports.documents.registry import all_kinds
from reports.models import ArchivedDocument
from reports.rules import downloadable_kinds, may_reissue, may_take_part


def document_url(dispute, kind: str, part: str = "") -> str:
    if part:
        return reverse(
            "reports:document_part", kwargs={"number": dispute.number, "kind": kind, "part": part}
        )
    return reverse("reports:document", kwargs={"number": dispute.number, "kind": kind})


def documents_section(request, dispute):
    kinds = downloadable_kinds(dispute, request.user)  # None: every kind
    if kinds is not None and not kinds:
        return None
    # The case file is frozen once its cover and index is stored (it is frozen last); before
    # archiving only the documents handed out (the receipt) are stored, served as issued.
    stored = (
        list(ArchivedDocument.objects.filter(dispute=dispute).order_by("position", "copy"))
        if dispute.state == State.ARCHIVED
        else []
    )
    frozen = stored if any(doc.kind == COVER for doc in stored) else []
    reissue = dispute.state != State.ARCHIVED and may_reissue(dispute, request.user)
    items = []
    if frozen:
        # The frozen file is what the case has now; each is checked against its hash.
        for doc in frozen:
            if kinds is not None and doc.kind not in kinds:
                continue
            if kinds is not None and not may_take_part(dispute, request.user, doc.kind, doc.part):
                continue
            items.append(
                {
                    "title": doc.title,
                    "url": document_url(dispute, doc.kind, doc.part),
                    "pages": doc.pages,
                    "status": doc.verify(),
                }
            )
    else:
        for kind in all_kinds():
            if kinds is not None and kind.key not in kinds:
                continue
            # A kind with parts offers each of them (one query); the others ask their check.
            if kind.has_parts:
                parts = list(kind.parts(dispute))
                if kinds is not None:
                    parts = [
                        p for p in parts if may_take_part(dispute, request.user, kind.key, p.key)
                    ]
            else:
                parts = [None] if kind.is_available(dispute) else []
            for part in parts:
                item = {
                    "title": kind.part_title(part),
                    "url": document_url(dispute, kind.key, part.key if part else ""),
                }
                if kind.frozen_at_issue and reissue:
                    item["reissue_url"] = reverse(
                        "reports:document_reissue",
                        kwargs={"number": dispute.number, "kind": kind.key},
                    )
                items.append(item)
    return {
        "items": items,
        "frozen": bool(frozen),
        "altered": [i for i in items if i.get("status", "intact") != "intact"],
        "pending": dispute.state == State.ARCHIVED and not frozen,
    }


register(CaseSection("documents", "reports/_documents.html", documents_section, 3, "side"))
