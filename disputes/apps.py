from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = _("Disputes")

    def ready(self) -> None:
        from disputes import (  # noqa: F401  (actions, checks, guards and a section register)
            actions,
            checks,
            converters,
            duplicates,
            followup,
            guards,
        )

        converters.register()
        self._keep_reach()
        self._text_payers()

    def _text_payers(self) -> None:
        """The payers who asked for them get text messages (disputes.sms.handlers)."""
        from django_fsm.signals import post_transition

        from disputes.models import Dispute
        from disputes.signals import case_registered
        from disputes.sms import handlers

        case_registered.connect(handlers.on_registered, sender=Dispute, dispatch_uid="sms-case")
        post_transition.connect(
            handlers.on_transition, sender=Dispute, dispatch_uid="sms-transition"
        )

    def _keep_reach(self) -> None:
        """The case's reach rows change with the relations they follow (disputes.reach)."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from disputes import reach
        from disputes.models import Dispute, DisputeGroupObjectPermission

        post_save.connect(reach.on_dispute_saved, sender=Dispute, dispatch_uid="reach-case")
        m2m_changed.connect(
            reach.on_co_departments_changed,
            sender=Dispute.co_departments.through,
            dispatch_uid="reach-co",
        )
        for signal in (post_save, post_delete):
            signal.connect(
                reach.on_grant_changed,
                sender=DisputeGroupObjectPermission,
                dispatch_uid=f"reach-grant-{signal is post_save}",
            )
