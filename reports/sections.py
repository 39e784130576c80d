"""The case page's "documents" section: the forms of the case, or its frozen file."""

from django.urls import reverse

from reports.documents.access import may_download
from reports.documents.registry import all_kinds
from reports.models import ArchivedDocument


def document_url(dispute, kind: str, department=None) -> str:
    if department is not None:
        return reverse(
            "reports:department_document",
            kwargs={"number": dispute.number, "kind": kind, "department": department.code},
        )
    return reverse("reports:document", kwargs={"number": dispute.number, "kind": kind})


def documents_section(request, dispute):
    if not may_download(dispute, request.user):
        return None
    frozen = list(
        ArchivedDocument.objects.filter(dispute=dispute)
        .select_related("department")
        .order_by("position", "pk")
    )
    items = []
    if frozen:
        # The frozen file is what the case has now; each is checked against its hash.
        for doc in frozen:
            items.append(
                {
                    "title": doc.title,
                    "url": document_url(dispute, doc.kind, doc.department),
                    "pages": doc.pages,
                    "status": doc.verify(),
                }
            )
    else:
        for kind in all_kinds():
            if not kind.is_available(dispute):
                continue
            if kind.per_department:
                for department in kind.parts(dispute):
                    items.append(
                        {
                            "title": f"{kind.title}（{department.name}）",
                            "url": document_url(dispute, kind.key, department),
                        }
                    )
            else:
                items.append({"title": kind.title, "url": document_url(dispute, kind.key)})
    return {
        "items": items,
        "frozen": bool(frozen),
        "altered": [i for i in items if i.get("status", "intact") != "intact"],
        "pending": dispute.state == "archived" and not frozen,
    }
