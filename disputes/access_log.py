"""The access log: who looked at what and why (case pages, lookups, searches by a payer's
number), with every number in it masked."""

import re

from django.conf import settings
from django.utils.translation import gettext as _

from disputes import limits, rules
from disputes.exceptions import DisputeError
from disputes.models import AccessLog, Dispute
from disputes.validators import mask_number, mask_numbers, normalise_number


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


def number_search(*, user, number: str, kind: str = AccessLog.Kind.SEARCH) -> None:
    """Record one search by a payer's number (like a reveal: who, what, when), or refuse it.

    Such a search confirms or refutes a guess at a masked number, so each user may search a
    few dozen different numbers a day (``settings.NUMBER_SEARCHES_PER_DAY``), counted by
    ``limits.number_searched``; the same number again that day (the next page, the export) is
    logged but not counted again. Past the allowance the search is refused, and the
    refusal is an entry of its own that the supervisors read. ``kind``: what the entry says
    the number was looked for by (the case list's search, the intake's payer lookup).
    """
    if not rules.may_search_by_number(user):
        log_access(user=user, kind=AccessLog.Kind.SEARCH_REFUSED, detail=mask_number(number))
        raise DisputeError(
            _("Your role does not search by payers' numbers; search by case number.")
        )
    limit = settings.NUMBER_SEARCHES_PER_DAY
    if limits.number_searched(user=user, number=number) > limit:
        log_access(user=user, kind=AccessLog.Kind.SEARCH_REFUSED, detail=mask_number(number))
        raise DisputeError(
            _(
                "You have searched by %(limit)d different identity numbers, credit codes or "
                "phones today, the daily limit; this search was refused and recorded. Search by "
                "name or case number, or ask a supervisor."
            )
            % {"limit": limit}
        )
    log_access(user=user, kind=kind, detail=mask_number(number))
