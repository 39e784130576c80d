from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _paused(dispute) -> bool:
    # Asked by both clock actions for one page: one query.
    if not hasattr(dispute, "_is_paused"):
        dispute._is_paused = dispute.pauses.filter(ended_at__isnull=True).exists()
    return dispute._is_paused


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = _("Routing")

    def ready(self) -> None:
        from django_fsm.signals import post_transition

        from disputes import rules
        from disputes.actions import CaseAction, register
        from disputes.models import Dispute
        from disputes.sections import CaseSection
        from disputes.sections import register as register_section
        from disputes.signals import case_registered
        from routing import deadlines
        from routing.sections import deadlines_section

        case_registered.connect(deadlines.on_registered, sender=Dispute)
        post_transition.connect(deadlines.on_transition, sender=Dispute)

        register(
            CaseAction("classify", _("Classify"), "routing:classify", 10, transition="classify"),
            CaseAction(
                "transfer",
                _("Transfer to another centre"),
                "routing:transfer",
                11,
                transition="transfer",
                style="outline-secondary",
            ),
            CaseAction(
                "refer",
                _("Refer to the government office"),
                "routing:refer",
                12,
                transition="refer",
                style="outline-secondary",
            ),
            CaseAction("dispatch", _("Dispatch"), "routing:dispatch", 13, transition="dispatch"),
            CaseAction(
                "pause",
                _("Wait on the payer (stop the clocks)"),
                "routing:pause",
                80,
                permitted=rules.can_handle_at_centre,
                possible=lambda d: d.is_open and not _paused(d),
                style="outline-secondary",
            ),
            CaseAction(
                "resume",
                _("The payer answered (restart the clocks)"),
                "routing:resume",
                81,
                permitted=rules.can_handle_at_centre,
                possible=lambda d: d.is_open and _paused(d),
            ),
        )
        register_section(
            CaseSection("deadlines", "routing/_deadlines.html", deadlines_section, 5, "side")
        )
