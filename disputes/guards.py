"""The conditions the case app itself puts on its transitions, registered on import (by
``DisputesConfig.ready``), the same way higher apps register theirs."""

from django.utils.translation import gettext as _

from disputes import conditions


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
