from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = _("Routing")

    def ready(self) -> None:
        from django_fsm.signals import post_transition

        from disputes.actions import CaseAction, register
        from disputes.models import Dispute
        from disputes.signals import case_registered
        from routing import deadlines

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
        )
