"""The case actions of routing (classifying, passing the case on, the clocks), registered on
import (by ``RoutingConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from disputes import rules
from disputes.actions import CaseAction, register
from disputes.memo import remember


def clocks_paused(dispute) -> bool:
    """The case waits on the payer: its clocks are stopped. Asked by both clock actions, once
    per case page."""
    return remember(
        "routing.paused", dispute, lambda: dispute.pauses.filter(ended_at__isnull=True).exists()
    )


def may_pause(dispute) -> bool:
    return dispute.is_open and not clocks_paused(dispute)


def may_resume(dispute) -> bool:
    return dispute.is_open and clocks_paused(dispute)


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
        possible=may_pause,
        style="outline-secondary",
    ),
    CaseAction(
        "resume",
        _("The payer answered (restart the clocks)"),
        "routing:resume",
        81,
        permitted=rules.can_handle_at_centre,
        possible=may_resume,
    ),
)
