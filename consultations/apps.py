from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Joint handling and consultation")

    def ready(self) -> None:
        from django_fsm.signals import post_transition

        from consultations import (  # noqa: F401  (they register on import)
            actions,
            conditions,
            handlers,
            marks,
            sections,
            timeline,
        )
        from disputes.models import Dispute

        post_transition.connect(handlers.sync_department_tasks, sender=Dispute)
