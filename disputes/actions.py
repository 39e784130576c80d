"""The actions a case page offers, registered by the app that does the work.

disputes (at the end of this module), routing and consultations (in their ``actions`` modules,
imported by their ``AppConfig.ready``) each register the actions whose views they own; the case
page asks ``actions_for`` which ones the user may take now, so the case code never imports the
higher apps.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from disputes import conditions, fsm, rules
from disputes.models import Dispute


@dataclass(frozen=True)
class CaseAction:
    key: str
    label: str
    url_name: str
    order: int = 100
    # A transition-backed action is offered when the state allows it and the transition's
    # permission admits the user; other actions give their own predicates.
    transition: str | None = None
    permitted: Callable[[Dispute, object], bool] | None = None
    possible: Callable[[Dispute], bool] | None = None
    style: str = "primary"

    def is_permitted(self, dispute: Dispute, user) -> bool:
        if self.permitted is not None:
            return bool(self.permitted(dispute, user))
        return fsm.permitted_in_some_state(Dispute, self.transition, dispute, user)

    def is_possible(self, dispute: Dispute) -> bool:
        if self.possible is not None:
            return bool(self.possible(dispute))
        return can_proceed(getattr(dispute, self.transition), check_conditions=True)

    def reason_not_possible(self, dispute: Dispute) -> str:
        """Why the action cannot be taken now, when more than the state says it ("" if not):
        what its transition's registered conditions say."""
        if self.transition is not None:
            return conditions.why_not(self.transition, dispute)
        return ""


_registry: dict[str, CaseAction] = {}


def register(*actions: CaseAction) -> None:
    for action in actions:
        _registry[action.key] = action


def get_action(key: str) -> CaseAction:
    return _registry[key]


def actions_for(dispute: Dispute, user) -> list[CaseAction]:
    """The actions the user may take on the case now, in display order."""
    return sorted(
        (a for a in _registry.values() if a.is_possible(dispute) and a.is_permitted(dispute, user)),
        key=lambda a: a.order,
    )


# The case's own actions: replying to and hearing from the payer, archiving, returning a case
# handed in online (退单), withdrawing.
def _awaits_response(dispute) -> bool:
    return dispute.state == "replied"


register(
    CaseAction("reply", _("Reply to the payer"), "disputes:reply", 40, transition="reply"),
    CaseAction(
        "follow_up",
        _("Record a follow-up visit"),
        "disputes:follow_up",
        45,
        permitted=rules.can_handle_at_centre,
        possible=_awaits_response,
    ),
    CaseAction("redo", _("Redo"), "disputes:redo", 53, transition="redo", style="warning"),
    CaseAction(
        "close_explained",
        _("Explain and close"),
        "disputes:close_explained",
        54,
        transition="close_explained",
        style="outline-primary",
    ),
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
        "return",
        _("Return (not within remit)"),
        "disputes:return",
        89,
        transition="return_to_channel",
        style="outline-danger",
    ),
    CaseAction(
        "withdraw",
        _("Withdraw"),
        "disputes:withdraw",
        90,
        transition="withdraw",
        style="outline-danger",
    ),
)
