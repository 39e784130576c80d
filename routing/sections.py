"""The case page's "time limits" section."""

from disputes.sections import CaseSection, register
from routing import deadlines
from routing.models import CasePause, ExtensionRequest, Urging
from routing.rules import case_deadlines, may_decide_extension, may_request_extension


def deadlines_section(request, dispute):
    rows = case_deadlines(dispute)
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
    # 催办 by hand: read only for a case whose limits were urged so.
    urged = [d.pk for d in rows if d.urged_by_hand]
    urgings = (
        list(
            Urging.objects.filter(deadline_id__in=urged).select_related(
                "department", "deadline", "by__staff"
            )
        )
        if urged
        else []
    )
    return {"items": items, "pause": pause, "urgings": urgings}


register(CaseSection("deadlines", "routing/_deadlines.html", deadlines_section, 5, "side"))
