from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = _("Disputes")

    def ready(self) -> None:
        from disputes import (
            checks,  # noqa: F401  (the check registers itself)
            converters,
        )
        from disputes.actions import CaseAction, register

        converters.register()

        register(
            CaseAction("reply", _("Reply to the payer"), "disputes:reply", 40, transition="reply"),
            CaseAction("accept", _("Payer accepts"), "disputes:accept", 50, transition="accept"),
            CaseAction(
                "object",
                _("Payer objects"),
                "disputes:object",
                51,
                transition="lodge_objection",
                style="warning",
            ),
            CaseAction(
                "record_outcome",
                _("Record the outcome"),
                "disputes:record_outcome",
                52,
                transition="record_outcome",
            ),
            CaseAction("archive", _("Archive"), "disputes:archive", 60, transition="archive"),
            CaseAction(
                "withdraw",
                _("Withdraw"),
                "disputes:withdraw",
                90,
                transition="withdraw",
                style="outline-danger",
            ),
        )
