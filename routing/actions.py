"""The case actions of routing (classifying, passing the case on, the clocks), registered on
import (by ``RoutingConfig.ready``). Who may take them, and when, is in ``routing.rules``."""

from django.utils.translation import gettext_lazy as _

from disputes.actions import CaseAction, register
from routing import rules as clock_rules

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
        permitted=clock_rules.may_stop_clocks,
        possible=clock_rules.may_pause,
        style="outline-secondary",
    ),
    CaseAction(
        "resume",
        _("The payer answered (restart the clocks)"),
        "routing:resume",
        81,
        permitted=clock_rules.may_stop_clocks,
        possible=clock_rules.may_resume,
    ),
    CaseAction(
        "urge",
        _("Urge a department (催办)"),
        "routing:urge",
        82,
        permitted=clock_rules.can_urge,
        possible=clock_rules.may_urge,
        style="outline-warning",
    ),
)
