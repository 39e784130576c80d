"""The case list as rows of a spreadsheet (the CSV export), read in chunks.

A supervisor's export runs to a hundred thousand rows, so nothing here costs a query, or a
model instance, per case: the cases are read as plain values through one query (a server-side
cursor on PostgreSQL), their payers with one query per chunk of cases, and the labels of the
states and classifications are looked up in dictionaries made once per export.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from disputes.models import Classification, Party, State
from disputes.rules import NumberDisplay

# Cases per fetch from the database, and per query for their payers.
CHUNK_SIZE = 2000

_COLUMNS = (
    "pk",
    "number",
    "received_at",
    "centre__name",
    "category__name",
    "state",
    "classification",
    "lead_department__name",
    "amount",
)


def case_header() -> list[str]:
    return [
        _("Case number"),
        _("Received"),
        _("Centre"),
        _("Category"),
        _("State"),
        _("Classification"),
        _("Lead department"),
        _("Payers"),
        _("Amount in dispute (yuan)"),
    ]


def case_rows(cases: QuerySet, *, numbers: NumberDisplay, limit: int) -> Iterator[list[str]]:
    """One row per case of ``cases``, in its order, at most ``limit``; the payers' numbers as
    ``numbers`` shows them (in an export: masked, or not at all)."""
    states = {value: str(label) for value, label in State.choices}
    classifications = {"": "", **{value: str(label) for value, label in Classification.choices}}
    zone = timezone.get_current_timezone()
    values = cases.values_list(*_COLUMNS)[:limit].iterator(chunk_size=CHUNK_SIZE)
    for chunk in chunks(values, CHUNK_SIZE):
        payers = payer_cells([row[0] for row in chunk], numbers)
        for pk, number, received, centre, category, state, classification, lead, amount in chunk:
            yield [
                number,
                received.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                centre,
                category,
                states.get(state, state),
                classifications.get(classification, classification),
                lead or "",
                "；".join(payers.get(pk, ())),
                f"{amount:.2f}" if amount is not None else "",
            ]


def chunks(rows: Iterable, size: int) -> Iterator[list]:
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def payer_cells(dispute_ids: list[int], numbers: NumberDisplay) -> dict[int, list[str]]:
    """Each case's payers, "name（masked number）", the representative first (as on its page)."""
    cells = defaultdict(list)
    parties = (
        Party.objects.filter(dispute_id__in=dispute_ids)
        .order_by("dispute_id", "-is_representative", "id")
        .values_list("dispute_id", "payer__name", "payer__id_number")
    )
    for dispute_id, name, id_number in parties:
        number = numbers.number(id_number)
        cells[dispute_id].append(f"{name}（{number}）" if number else name)
    return cells
