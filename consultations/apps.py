from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Joint handling and consultation")

    def ready(self) -> None:
        from django_fsm.signals import post_transition

        from consultations import handlers, selectors
        from disputes.actions import CaseAction, register
        from disputes.models import Dispute
        from disputes.timeline import register_labels

        post_transition.connect(handlers.sync_department_tasks, sender=Dispute)
        register_labels(
            {
                "consultations.opinion.given": _("Department opinion given"),
                "consultations.task.declined": _("Department declined: not its duty"),
                "consultations.task.reassigned": _("Department reassigned"),
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
                "consolidate",
                _("Consolidate opinions"),
                "consultations:consolidate",
                21,
                transition="consolidate",
            ),
            CaseAction(
                "escalate",
                _("Escalate as a major matter"),
                "consultations:escalate",
                22,
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
                "decide",
                _("Record the decision"),
                "consultations:decide",
                32,
                transition="decide",
            ),
        )
