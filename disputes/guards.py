"""The conditions the case app itself puts on its transitions, registered on import (by
``DisputesConfig.ready``), the same way higher apps register theirs."""

from django.utils.translation import gettext as _

from disputes import conditions
from disputes.models import Satisfaction


def came_in_online(dispute) -> bool:
    """Only a case that arrived through an online channel (a hotline, a website) has a
    channel to be returned to (退单)."""
    return bool(dispute.channel.online)


def not_online(dispute) -> str:
    return _(
        "Only a case handed in through an online channel (a hotline, a website) can be "
        "returned to it; this one came in through “%(channel)s”: withdraw or transfer it "
        "instead."
    ) % {"channel": dispute.channel.name}


conditions.register("return_to_channel", came_in_online, why_not=not_online)


def payer_dissatisfied(dispute) -> bool:
    """The payer said at the follow-up (or online) that they are not satisfied with the
    current reply: the coordinator decides between explaining and closing, and a redo."""
    return dispute.satisfaction == Satisfaction.DISSATISFIED


def not_dissatisfied(dispute) -> bool:
    return not payer_dissatisfied(dispute)


def needs_dissatisfaction(dispute) -> str:
    return _(
        "The payer has not said they are dissatisfied with this reply: record the follow-up "
        "visit first."
    )


def dissatisfied_why(dispute) -> str:
    return _(
        "The payer is not satisfied with the reply: the coordinator decides whether to explain "
        "and close the case, or to redo it."
    )


conditions.register("redo", payer_dissatisfied, why_not=needs_dissatisfaction)
conditions.register("close_explained", payer_dissatisfied, why_not=needs_dissatisfaction)
conditions.register("accept", not_dissatisfied, why_not=dissatisfied_why)
