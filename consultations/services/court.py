"""The court's enforcement (法院强制执行) a meeting decided: the case is sent to the people's
court serving its area, and the court's report closes the follow-up."""

from django.db import transaction
from django.utils.translation import gettext as _

from consultations.models import AgendaItem, CourtEnforcement
from consultations.rules import may_record_court_report
from consultations.selectors import court_of
from consultations.services.meetings import grant_view
from departments import clock
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.models import Dispute
from disputes.services import timeline_add
from routing.deadlines import close_deadline, open_deadline
from routing.models import Stage


def court_send(item: AgendaItem, dispute: Dispute, *, actor, minutes_number: str) -> None:
    """Issued minutes send the case to the court serving its area: the follow-up opens, the
    court may see the case."""
    court = court_of(dispute)
    deadline = open_deadline(dispute=dispute, stage=Stage.COURT_ENFORCEMENT, department=court)
    CourtEnforcement.objects.create(
        dispute=dispute, item=item, court=court, amount=dispute.amount, deadline=deadline
    )
    grant_view(dispute, [court])
    timeline_add(
        dispute=dispute,
        actor=actor,
        action="consultations.court.sent",
        note=item.decision,
        data={"court": court.name, "minutes": minutes_number},
    )


@clock.settable
def court_report(*, enforcement: CourtEnforcement, actor, report: str) -> CourtEnforcement:
    """The court reports back on the enforcement; the follow-up ends."""
    if not may_record_court_report(enforcement, actor):
        raise ActionNotPermitted(
            _("Only the court or the leading-group office records the court's report.")
        )
    if not report.strip():
        raise DisputeError(_("Write what the court reported."))
    with transaction.atomic():
        locked = CourtEnforcement.objects.select_for_update().get(pk=enforcement.pk)
        if locked.status != CourtEnforcement.Status.PENDING:
            raise DisputeError(_("The court's report is recorded already."))
        locked.status = CourtEnforcement.Status.REPORTED
        locked.report = report.strip()
        locked.reported_at = clock.now()
        locked.recorded_by = actor
        locked.save(update_fields=["status", "report", "reported_at", "recorded_by"])
        if locked.deadline_id:
            close_deadline(locked.deadline)
        timeline_add(
            dispute=locked.dispute,
            actor=actor,
            action="consultations.court.reported",
            note=locked.report,
            data={"court": enforcement.court.name},
        )
    return locked
