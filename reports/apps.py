from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django_fsm.signals import post_transition

        from disputes.models import Dispute
        from disputes.sections import CaseSection, register
        from disputes.timeline import register_labels
        from reports import checks, handlers  # noqa: F401  (checks register themselves)
        from reports.documents import kinds  # noqa: F401  (the document kinds register)
        from reports.sections import documents_section

        post_transition.connect(handlers.on_transition, sender=Dispute)
        register(CaseSection("documents", "reports/_documents.html", documents_section, 3, "side"))
        register_labels(
            {
                "reports.archive.frozen": _("Case file frozen in the archive"),
                "reports.document.issued": _("Document issued"),
            }
        )
