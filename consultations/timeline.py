"""The case timeline's labels for what joint handling and the leading group record,
registered on import (by ``ConsultationsConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from disputes.timeline import register_labels

register_labels(
    {
        "consultations.opinion.given": _("Department opinion given"),
        "consultations.task.declined": _("Department declined: not its duty"),
        "consultations.task.reassigned": _("Department reassigned"),
        "consultations.discipline.referred": _("Clue passed to the discipline commission"),
        "consultations.meeting.scheduled": _("Put on a consultation meeting's agenda"),
        "consultations.meeting.unscheduled": _("Taken off a meeting's agenda"),
        "consultations.meeting.cancelled": _("Consultation meeting cancelled"),
        "consultations.meeting.held": _("Consultation meeting held"),
        "consultations.meeting.decided": _("Meeting decision recorded by the minutes"),
        "consultations.issue.raised": _("Policy issue raised"),
        "consultations.task.done": _("Meeting task done"),
        "consultations.court.sent": _("Sent to the court for enforcement"),
        "consultations.court.reported": _("The court reported back"),
        "consultations.supervision.opened": _("Put under supervision by the leading-group office"),
        "consultations.supervision.reported": _("Supervised unit reported"),
        "consultations.supervision.closed": _("Supervision concluded"),
    }
)
