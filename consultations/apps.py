from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _pending_court(dispute):
    from consultations.selectors import pending_court_enforcement

    return pending_court_enforcement(dispute)


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Joint handling and consultation")

    def ready(self) -> None:
        from django_fsm.signals import post_transition

        from consultations import handlers, selectors, services
        from disputes import conditions, rules
        from disputes.actions import CaseAction, register
        from disputes.models import Dispute
        from disputes.sections import CaseSection
        from disputes.sections import register as register_section
        from disputes.timeline import register_labels

        post_transition.connect(handlers.sync_department_tasks, sender=Dispute)
        conditions.register(
            "consolidate", services.opinions_settled, why_not=selectors.consolidation_waits_for
        )
        # A case sent to the court is followed until the court reports back: only then is the
        # file complete enough to archive.
        conditions.register("archive", services.court_reported, why_not=services.court_awaited)
        # Nor is a file complete while a task the meeting decided is still open.
        conditions.register("archive", services.tasks_done, why_not=services.tasks_awaited)
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
            }
        )

        register(
            CaseAction(
                "opinion",
                _("Give the department's opinion"),
                "consultations:opinion",
                20,
                permitted=lambda d, u: selectors.pending_task_for(d, u) is not None,
                possible=lambda d: d.state in handlers.OPINION_STATES,
            ),
            CaseAction(
                "decline",
                _("Not our duty"),
                "consultations:decline",
                21,
                permitted=lambda d, u: selectors.pending_task_for(d, u) is not None,
                possible=lambda d: d.state in handlers.OPINION_STATES,
                style="outline-secondary",
            ),
            CaseAction(
                "consolidate",
                _("Consolidate opinions"),
                "consultations:consolidate",
                22,
                transition="consolidate",
            ),
            CaseAction(
                "reassign",
                _("Reassign a department"),
                "consultations:reassign",
                23,
                permitted=rules.can_coordinate,
                possible=lambda d: d.state in handlers.OPINION_STATES,
                style="outline-secondary",
            ),
            CaseAction(
                "discipline",
                _("Pass a clue to the discipline commission"),
                "consultations:discipline",
                24,
                permitted=rules.can_coordinate,
                possible=lambda d: d.is_open and selectors.consultation_flags(d).get("refusing"),
                style="outline-danger",
            ),
            CaseAction(
                "escalate",
                _("Escalate as a major matter"),
                "consultations:escalate",
                25,
                transition="escalate",
                style="outline-danger",
            ),
            CaseAction("approve", _("Approve"), "consultations:approve", 30, transition="approve"),
            CaseAction(
                "return_escalation",
                _("Return"),
                "consultations:return_escalation",
                31,
                transition="return_escalation",
                style="outline-secondary",
            ),
            CaseAction(
                "court_report",
                _("Record the court's report"),
                "consultations:court_report",
                33,
                permitted=lambda d, u: services.may_record_court_report(_pending_court(d), u),
                possible=lambda d: _pending_court(d) is not None,
            ),
        )
        register_section(
            CaseSection(
                "consultations",
                "consultations/_case_section.html",
                selectors.case_section,
                30,
                "main",
            )
        )
