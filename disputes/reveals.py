"""Showing a payer's masked numbers in full: for a few minutes, to those whose role allows it,
and always logged with the reason. The service says until when; the caller remembers it."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from disputes import rules
from disputes.access_log import log_access
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.models import AccessLog, Dispute, Payer

REVEAL_MINUTES = 10


def reveal(*, user, dispute: Dispute, payer: Payer, reason: str) -> datetime.datetime:
    """Let ``user`` see one payer's numbers in full for a few minutes; logged with the reason.

    Returns until when; the caller remembers it (the case page keeps it in the session)."""
    if not rules.may_reveal(dispute, user):
        raise ActionNotPermitted(_("Your role does not see payers' numbers in full."))
    if not dispute.parties.filter(payer=payer).exists():
        raise DisputeError(_("That payer is not a party to this case."))
    if not reason.strip():
        raise DisputeError(_("Say why you need to see the number in full."))
    log_access(
        user=user,
        kind=AccessLog.Kind.REVEAL,
        dispute=dispute,
        reason=reason.strip(),
        detail=payer.name,
    )
    return timezone.now() + datetime.timedelta(minutes=REVEAL_MINUTES)


def admin_reveal(*, user, payer: Payer, reason: str) -> None:
    """An administrator reads one payer's numbers in full in the admin: logged with the reason
    (the entry names the payer, never the number), like a reveal on a case page."""
    if not reason.strip():
        raise DisputeError(_("Say why you need to see the number in full."))
    log_access(
        user=user,
        kind=AccessLog.Kind.REVEAL,
        reason=reason.strip(),
        detail=_("%(payer)s (administration)") % {"payer": payer.name},
    )
