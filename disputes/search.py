"""Finding cases by what a user types: a fragment of a payer's name or of a case number, or a
payer's whole number. Each is a set of case keys that an index answers, for the lists to
intersect with what the user may see (``selectors.visible_disputes``).

On PostgreSQL a fragment is looked up through GIN indexes on the text's two-character pieces
(``disputes_bigrams()``, created by migration 0010): every piece of the fragment must be in the
text, then the text must hold the fragment itself. That serves a Chinese name of two characters
as well as a longer company name, which a trigram index cannot. SQLite, the embedded default,
scans (``LIKE``), which is quick at the sizes it serves.
"""

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, Value
from django.utils.translation import gettext as _

from disputes import access_log
from disputes.exceptions import DisputeError
from disputes.models import Dispute, Party, Payer

# A fragment shorter than this would match nearly everything, and no index serves it.
MIN_FRAGMENT = 2


class _HoldsPiecesOf(Func):
    """``disputes_bigrams(text) @> disputes_bigrams(fragment)``: the GIN index's question."""

    template = "disputes_bigrams(%(expressions)s)"
    arg_joiner = ") @> disputes_bigrams("
    arity = 2
    output_field = BooleanField()


def text_contains(field: str, fragment: str) -> Q:
    """Rows whose ``field`` contains ``fragment`` (case-insensitive), through the index."""
    contains = Q(**{f"{field}__icontains": fragment})
    if connection.vendor != "postgresql":
        return contains
    return Q(_HoldsPiecesOf(F(field), Value(fragment))) & contains


def cases_matching(fragment: str):
    """The keys of the cases whose number, or a payer's name, contains ``fragment``."""
    numbers = Dispute.objects.filter(text_contains("number", fragment)).values("pk")
    payers = Payer.objects.filter(text_contains("name", fragment)).values("pk")
    names = Party.objects.filter(payer__in=payers).values("dispute_id")
    return numbers.order_by().union(names.order_by())


def cases_of_payer_number(number: str):
    """The keys of the cases of the payer with this whole number (identity number, credit
    code), or registered with this phone; ``number`` in its stored (normalised) form."""
    by_code = Party.objects.filter(payer__id_number=number).values("dispute_id")
    by_phone = Party.objects.filter(phone=number).values("dispute_id")
    return by_code.order_by().union(by_phone.order_by())


def search_cases(qs, term: str, *, user):
    """``qs`` narrowed to what ``term`` finds, as every list's search box does: a fragment of a
    payer's name or of a case number, or a payer's whole number, which is logged and counted
    in the user's daily allowance (``access_log.number_search``). DisputeError says, in the
    user's language, why a term is refused."""
    term = term.strip()
    number = access_log.searched_number(term)
    if number is None:  # a fragment of a payer's name or of a case number
        if len(term) < MIN_FRAGMENT:
            raise DisputeError(_("Type at least two characters of a name or case number."))
        return qs.filter(pk__in=cases_matching(term))
    access_log.number_search(user=user, number=number)
    return qs.filter(pk__in=cases_of_payer_number(number))
