from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = _("Routing")

    def ready(self) -> None:
        from django_fsm.signals import post_transition

        from disputes.models import Dispute
        from disputes.signals import case_registered, follow_up_recorded
        from routing import actions, deadlines, sections, urging  # noqa: F401  (they register)

        case_registered.connect(deadlines.on_registered, sender=Dispute)
        post_transition.connect(deadlines.on_transition, sender=Dispute)
        follow_up_recorded.connect(deadlines.on_follow_up, dispatch_uid="routing-follow-up")
