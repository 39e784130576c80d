from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django_fsm.signals import post_transition

        from disputes.models import Dispute
        from reports import checks, handlers, sections, timeline  # noqa: F401  (they register on import)
        from reports.documents import kinds  # noqa: F401  (the document kinds register)

        post_transition.connect(handlers.on_transition, sender=Dispute)
