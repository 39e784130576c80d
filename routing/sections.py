"""The case page's "time limits" section."""

from disputes.sections import CaseSection, register
from routing import deadlines
from routing.models import (
    CasePause,
    Deadline,
    ExtensionRequest,
    LateCircular,
    Urging,
    UrgingNotice,
)
from routing.rules import may_decide_extension, may_request_extension


def deadlines_section(request, dispute):
    rows = list(
        Deadline.objects.filter(dispute=dispute)
        .exclude(status=Deadline.Status.CANCELLED)
        .select_related("department", "centre")
        .order_by("started_at", "pk")
    )
    if not rows:
        return None
    pending = {
        e.deadline_id: e
        for e in ExtensionRequest.objects.filter(
            deadline__dispute=dispute, status=ExtensionRequest.Status.PENDING
        ).select_related("requested_by__staff")
    }
    user = request.user
    items = []
    for d in deadlines.with_days_late(rows):
        d.dispute = dispute
        items.append(
            {
                "deadline": d,
                "days_late": d.late,
                "pending": pending.get(d.pk),
                "can_request": d.met_at is None
                and d.pk not in pending
                and may_request_extension(d, user),
                "can_decide": d.pk in pending and may_decide_extension(d, user),
            }
        )
    pause = CasePause.objects.filter(dispute=dispute, ended_at__isnull=True).first()
    return {"items": items, "pause": pause}


register(CaseSection("deadlines", "routing/_deadlines.html", deadlines_section, 5, "side"))


def urgings_section(request, dispute):
    """催办: the urgings by hand and the sweep's notices and circulars, latest first."""
    urgings = list(
        Urging.objects.filter(dispute=dispute).select_related("department", "deadline", "by__staff")
    )
    notices = list(
        UrgingNotice.objects.filter(dispute=dispute).select_related("department", "deadline")
    )
    circulated = set(
        LateCircular.objects.filter(dispute=dispute).values_list("deadline_id", flat=True)
    )
    if not urgings and not notices:
        return None
    rows = [{"urging": u, "at": u.at} for u in urgings]
    rows += [
        {"notice": n, "at": n.issued_at, "circulated": n.deadline_id in circulated} for n in notices
    ]
    rows.sort(key=lambda row: row["at"], reverse=True)
    return {"rows": rows}


register(CaseSection("urgings", "routing/_urgings.html", urgings_section, 6, "side"))
