"""Per-case access beyond the case's own relations: guardian grants to unit groups, the access
log, and showing a masked number in full."""

import datetime
import hmac
import re

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from departments.http import counted
from disputes import rules
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.models import AccessLog, Dispute, DisputeGroupObjectPermission, Payer
from disputes.services import require_serving, timeline_add
from disputes.validators import mask_number, mask_numbers, normalise_number

VIEW = "disputes.view_dispute"
REVEAL_MINUTES = 10


def unit_of(group: Group):
    """The centre or department a permission group belongs to, or None."""
    for name in ("centre", "department"):
        try:
            return getattr(group, name)
        except ObjectDoesNotExist:
            continue
    return None


def grants_of(dispute: Dispute):
    return (
        DisputeGroupObjectPermission.objects.filter(content_object=dispute)
        .select_related("group__centre", "group__department", "permission")
        .order_by("group__name")
    )


def access_grant(*, dispute: Dispute, actor, group: Group, reason: str) -> None:
    """Let a centre or department (its group) see one case, e.g. to review it."""
    if not rules.may_grant(dispute, actor):
        raise ActionNotPermitted(
            _("Only the coordinator or the leading-group office shares a case.")
        )
    if unit_of(group) is None:
        raise DisputeError(_("Access is granted to a centre or a department, not to a person."))
    require_serving([unit_of(group)], dispute.jurisdiction)
    if not reason.strip():
        raise DisputeError(_("Say why the case is shared."))
    with transaction.atomic():
        assign_perm(VIEW, group, dispute)
        timeline_add(
            dispute=dispute,
            actor=actor,
            action="disputes.access.granted",
            note=reason.strip(),
            data={"unit": str(unit_of(group))},
        )


def access_revoke(*, dispute: Dispute, actor, group: Group, reason: str = "") -> None:
    if actor is not None and not rules.may_grant(dispute, actor):
        raise ActionNotPermitted(
            _("Only the coordinator or the leading-group office withdraws access.")
        )
    with transaction.atomic():
        remove_perm(VIEW, group, dispute)
        timeline_add(
            dispute=dispute,
            actor=actor,
            action="disputes.access.revoked",
            note=reason,
            data={"unit": str(unit_of(group))},
        )


def drop_unit_grants(*, dispute: Dispute, group: Group | None) -> int:
    """Withdraw every grant a unit holds on the case (its relation to the case has ended)."""
    if group is None:
        return 0
    deleted, _rows = DisputeGroupObjectPermission.objects.filter(
        content_object=dispute, group=group
    ).delete()
    return deleted


def log_access(*, user, kind: str, dispute: Dispute | None = None, reason="", detail="") -> None:
    """Append one entry. Numbers in it (identity numbers, credit codes, phones) are stored
    masked, whoever logs what: the log says who looked at what, it never repeats a number."""
    AccessLog.objects.create(
        user=user,
        kind=kind,
        dispute=dispute,
        reason=mask_numbers(reason)[:200],
        detail=mask_numbers(detail)[:200],
    )


# -- searching by a payer's number ------------------------------------------------------------

# What a search term must look like, once normalised, to name a payer's number: all of it, as
# stored. A part of a number is not one, and matches nothing by number.
_WHOLE_CODE = re.compile(r"[0-9A-Z]{2}\d{6}[0-9A-Z]{10}")  # identity number or credit code
_WHOLE_PHONE = re.compile(r"1[3-9]\d{9}|0\d{9,11}")  # mobile, or landline with area code


def searched_number(term: str) -> str | None:
    """The payer's number (identity number, credit code or phone) the search term names, in its
    stored form, or None when the term names no whole number."""
    number = normalise_number(term)
    if _WHOLE_CODE.fullmatch(number) or _WHOLE_PHONE.fullmatch(number):
        return number
    return None


_DAY_SECONDS = 24 * 3600


def _incr(key: str, timeout: int) -> int:
    """Add one to a counter in the shared cache, atomically; it starts at 1."""
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout)
        return 1


def number_search(*, user, number: str) -> None:
    """Record one search by a payer's number (like a reveal: who, what, when), or refuse it.

    Such a search confirms or refutes a guess at a masked number, so each user may search a
    few dozen different numbers a day (``settings.NUMBER_SEARCHES_PER_DAY``), counted in the
    cache that every process shares; the same number again that day (the next page, the
    export) is logged but not counted again. Past the allowance the search is refused, and the
    refusal is an entry of its own that the supervisors read.
    """
    if not rules.may_search_by_number(user):
        log_access(user=user, kind=AccessLog.Kind.SEARCH_REFUSED, detail=mask_number(number))
        raise DisputeError(
            _("Your role does not search by payers' numbers; search by case number.")
        )
    day = f"{timezone.localdate():%Y%m%d}"
    # The cache never holds the number itself, only a keyed digest of it.
    digest = hmac.new(settings.SECRET_KEY.encode(), number.encode(), "sha256").hexdigest()[:32]
    seen = f"number-searched:{user.pk}:{day}:{digest}"
    if cache.add(seen, 0, 2 * _DAY_SECONDS):
        count = _incr(f"number-searches:{user.pk}:{day}", 2 * _DAY_SECONDS)
        cache.set(seen, count, 2 * _DAY_SECONDS)
    else:
        count = cache.get(seen) or 0  # its place in the day's count when first searched
    limit = settings.NUMBER_SEARCHES_PER_DAY
    if count > limit:
        log_access(user=user, kind=AccessLog.Kind.SEARCH_REFUSED, detail=mask_number(number))
        raise DisputeError(
            _(
                "You have searched by %(limit)d different identity numbers, credit codes or "
                "phones today, the daily limit; this search was refused and recorded. Search by "
                "name or case number, or ask a supervisor."
            )
            % {"limit": limit}
        )
    log_access(user=user, kind=AccessLog.Kind.SEARCH, detail=mask_number(number))


# -- showing numbers in full ------------------------------------------------------------------

_SESSION_KEY = "revealed"


def reveal(*, request, dispute: Dispute, payer: Payer, reason: str) -> None:
    """Show one payer's numbers in full to this user for a few minutes; logged with the reason."""
    if not rules.may_reveal(dispute, request.user):
        raise ActionNotPermitted(_("Your role does not see payers' numbers in full."))
    if not dispute.parties.filter(payer=payer).exists():
        raise DisputeError(_("That payer is not a party to this case."))
    if not reason.strip():
        raise DisputeError(_("Say why you need to see the number in full."))
    log_access(
        user=request.user,
        kind=AccessLog.Kind.REVEAL,
        dispute=dispute,
        reason=reason.strip(),
        detail=payer.name,
    )
    until = (timezone.now() + datetime.timedelta(minutes=REVEAL_MINUTES)).timestamp()
    revealed = request.session.get(_SESSION_KEY, {})
    revealed[f"{dispute.pk}:{payer.pk}"] = until
    request.session[_SESSION_KEY] = revealed


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


def revealed_payers(request, dispute: Dispute) -> set[int]:
    now = timezone.now().timestamp()
    prefix = f"{dispute.pk}:"
    return {
        int(key[len(prefix) :])
        for key, until in request.session.get(_SESSION_KEY, {}).items()
        if key.startswith(prefix) and until > now
    }


# -- the payers' public status page -----------------------------------------------------------

STATUS_ATTEMPTS = 10  # wrong number/code pairs one address may try ...
STATUS_WINDOW_SECONDS = 15 * 60  # ... in this many seconds


def _status_key(address: str) -> str:
    # An IPv6 client counts by its /64, as in the log-in lockout.
    return f"status-failures:{counted(address)}"


def status_locked_out(address: str) -> bool:
    return cache.get(_status_key(address), 0) >= STATUS_ATTEMPTS


def status_failed(address: str) -> None:
    """Count a wrong guess; the count expires a window after the first one."""
    key = _status_key(address)
    if not cache.add(key, 1, STATUS_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, STATUS_WINDOW_SECONDS)
