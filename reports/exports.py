"""The ledger's rows (台账), for its page and its exports (.xlsx and CSV), read in chunks.

One builder, ``ledger_rows``, reads the cases as plain values (one query; a server-side cursor
on PostgreSQL) and, per chunk of cases, their payers, insurance types, co-handling departments
and time limits with one query each: the page's 25 rows and an export's 100,000 are the same
rows, at a fixed number of queries per chunk. Nothing here costs a query, or a model instance,
per case.

The exports write exactly what the filter shows, in the ledger's order: payers' numbers as
``rules.number_display`` shows them in a list (masked), Chinese headers, dates as dates, amounts
as numbers with two decimals, and every text as text — ``write_string`` in the workbook, a
leading quote in the CSV (``disputes.spreadsheet``) — never as a formula. The workbook is
written by XlsxWriter in constant-memory mode (a row is flushed to disk once the next one
starts), so its memory stays flat whatever the number of rows.
"""

import datetime
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disputes import spreadsheet
from disputes.exports import chunks, payer_cells
from disputes.models import (
    Classification,
    Dispute,
    ObjectionRoute,
    PayerKind,
    Satisfaction,
    State,
)
from disputes.rules import NumberDisplay
from routing.models import Deadline, Stage
from routing.workdays import Calendar, working_days_between, working_days_late


def chunk_size() -> int:
    """Cases per fetch from the database, per query for what hangs off them, and per step of
    an export job's progress (``LEDGER_EXPORT_CHUNK_ROWS``)."""
    return settings.LEDGER_EXPORT_CHUNK_ROWS


# The orders the ledger sorts by (``sort`` in the query string), each served by an index of
# the cases (``Dispute.Meta.indexes``) so that a page of a wide filter stops after its rows.
# Any other value is the default, newest first.
SORTS = {
    "received": ("received_at", "id"),
    "-received": ("-received_at", "-id"),
    "number": ("number",),
    "-number": ("-number",),
    "state": ("state", "received_at", "id"),
    "-state": ("-state", "-received_at", "-id"),
}
DEFAULT_SORT = "-received"
# Orders no index serves: offered once the filter leaves no more cases than the ledger counts
# (``LEDGER_COUNT_CAP``), which the database sorts at once; the exports sort by them always.
NARROW_SORTS = {
    "amount": ("amount", "id"),
    "-amount": ("-amount", "-id"),
    "replied_at": ("replied_at", "id"),
    "-replied_at": ("-replied_at", "-id"),
    "closed_at": ("closed_at", "id"),
    "-closed_at": ("-closed_at", "-id"),
}


def sort_of(params) -> str:
    """The ``sort`` asked for when it is one the ledger offers, otherwise the default."""
    value = params.get("sort", "") if params is not None else ""
    return value if value in SORTS or value in NARROW_SORTS else DEFAULT_SORT


def sorted_cases(cases: QuerySet, sort: str) -> QuerySet:
    return cases.order_by(*{**SORTS, **NARROW_SORTS}.get(sort, SORTS[DEFAULT_SORT]))


# -- one time limit, one case ----------------------------------------------------------------


class Tick:
    """How a time limit stands (对表销号): met on time, met late, running, overdue."""

    MET = "met"
    LATE = "late"
    OPEN = "open"
    OVERDUE = "overdue"

    LABELS = {
        MET: gettext_lazy("Met"),
        LATE: gettext_lazy("Met late"),
        OPEN: gettext_lazy("Running"),
        OVERDUE: gettext_lazy("Overdue"),
    }


@dataclass
class TickOff:
    stage: str
    state: str  # a Tick
    day: datetime.date  # met on (met, late) or due on (open, overdue)
    department: str = ""
    days_late: int = 0

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label) if self.stage in Stage.values else self.stage

    @property
    def state_label(self) -> str:
        return str(Tick.LABELS[self.state])

    @property
    def summary(self) -> str:
        who = f"（{self.department}）" if self.department else ""
        late = _("%(days)s working days late") % {"days": self.days_late} if self.days_late else ""
        return " ".join(
            part
            for part in (f"{self.stage_label}{who}", self.state_label, self.day.isoformat(), late)
            if part
        )


class Overdue:
    NOW = "now"
    EVER = "ever"
    LABELS = {NOW: gettext_lazy("Overdue now"), EVER: gettext_lazy("Was overdue")}


class Response:
    """What the payer answered to the reply (缴费人意见), read off the case's own fields."""

    ACCEPTED = "accepted"
    OBJECTED = "objected"
    AWAITING = "awaiting"
    WITHDRAWN = "withdrawn"


@dataclass
class LedgerRow:
    pk: int
    number: str
    received_at: datetime.datetime
    channel: str
    payer_kind: str
    payers: list[str]
    category: str
    summary: str
    insurance_types: list[str]
    amount: Decimal | None
    jurisdiction: str
    centre: str
    classification: str
    lead_department: str
    co_departments: list[str]
    state: str
    current_stage: str
    stage_due: datetime.date | None
    working_days: int
    overdue: str  # Overdue.NOW, Overdue.EVER or ""
    days_late: int
    replied_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    response: str
    archive_number: str
    is_group_dispute: bool = False
    is_public_opinion_risk: bool = False
    tick_offs: list[TickOff] = field(default_factory=list)
    satisfaction: str = ""  # the current reply's latest rating, as its label; "" before one
    redo_count: int = 0  # times redone (重办)

    @property
    def state_label(self) -> str:
        return _label(State, self.state)

    @property
    def overdue_label(self) -> str:
        return str(Overdue.LABELS.get(self.overdue, ""))


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(moment) if moment is not None else None


def response_of(*, replied_at, closed_at, objection_route, has_outcome, withdrawn) -> str:
    """The payer's response as the ledger writes it."""
    if withdrawn:
        return _("Withdrawn")
    if objection_route:
        route = _label(ObjectionRoute, objection_route)
        if has_outcome:
            return _("Objected (%(route)s), outcome recorded") % {"route": route}
        return _("Objected (%(route)s)") % {"route": route}
    if replied_at is not None and closed_at is not None:
        return _("Accepted")
    if replied_at is not None:
        return _("Awaiting the payer's response")
    return ""


_COLUMNS = (
    "pk",
    "number",
    "received_at",
    "channel__name",
    "payer_kind",
    "category__name",
    "summary",
    "amount",
    "jurisdiction__name",
    "centre__name",
    "classification",
    "lead_department__name",
    "state",
    "replied_at",
    "closed_at",
    "objection_route",
    "archive_number",
    "is_group_dispute",
    "is_public_opinion_risk",
    "withdrawn",
    "has_outcome",
    "satisfaction",
    "redo_count",
)


def ledger_rows(
    cases: QuerySet,
    *,
    numbers: NumberDisplay,
    limit: int | None = None,
    now: datetime.datetime | None = None,
) -> Iterator[LedgerRow]:
    """One ``LedgerRow`` per case of ``cases``, in its order, at most ``limit``."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    values = cases.annotate(
        withdrawn=ExpressionWrapper(~Q(withdrawal_reason=""), output_field=BooleanField()),
        has_outcome=ExpressionWrapper(~Q(objection_outcome=""), output_field=BooleanField()),
    ).values_list(*_COLUMNS)
    if limit is not None:
        values = values[:limit]
    size = chunk_size()
    for chunk in chunks(values.iterator(chunk_size=size), size):
        yield from _chunk_rows(chunk, numbers=numbers, now=now, today=today)


def _chunk_rows(chunk: list, *, numbers, now, today) -> Iterator[LedgerRow]:
    ids = [row[0] for row in chunk]
    payers = payer_cells(ids, numbers)
    insurance = _names(
        Dispute.insurance_types.through.objects.filter(dispute_id__in=ids).order_by(
            "dispute_id", "insurancetype__sort_order", "insurancetype__code"
        ),
        "insurancetype__name",
    )
    co = _names(
        Dispute.co_departments.through.objects.filter(dispute_id__in=ids).order_by(
            "dispute_id", "department__name"
        ),
        "department__name",
    )
    limits = defaultdict(list)
    deadlines = (
        Deadline.objects.filter(dispute_id__in=ids)
        .exclude(status=Deadline.Status.CANCELLED)
        .order_by("dispute_id", "started_at", "id")
        .values_list(
            "dispute_id", "stage", "status", "due_at", "met_at", "days_late", "department__name"
        )
    )
    for dispute_id, *rest in deadlines:
        limits[dispute_id].append(rest)
    first = min((row[2] for row in chunk), default=now)
    calendar = Calendar(timezone.localtime(first).date(), today)
    classifications = dict(Classification.choices)
    kinds = dict(PayerKind.choices)
    ratings = dict(Satisfaction.choices)
    for (
        pk,
        number,
        received,
        channel,
        payer_kind,
        category,
        summary,
        amount,
        jurisdiction,
        centre,
        classification,
        lead,
        state,
        replied,
        closed,
        route,
        archive_number,
        group,
        opinion_risk,
        withdrawn,
        has_outcome,
        satisfaction,
        redo_count,
    ) in chunk:
        ticks = [_tick(*limit, now=now, calendar=calendar) for limit in limits.get(pk, ())]
        running = [t for t in ticks if t.state in (Tick.OPEN, Tick.OVERDUE)]
        current = min(running, key=lambda t: t.day, default=None)
        end = timezone.localtime(closed).date() if closed is not None else today
        if any(t.state == Tick.OVERDUE for t in ticks):
            overdue = Overdue.NOW
        elif any(t.state == Tick.LATE for t in ticks):
            overdue = Overdue.EVER
        else:
            overdue = ""
        yield LedgerRow(
            pk=pk,
            number=number,
            received_at=timezone.localtime(received),
            channel=channel,
            payer_kind=str(kinds.get(payer_kind, payer_kind)),
            payers=payers.get(pk, []),
            category=category,
            summary=summary,
            insurance_types=insurance.get(pk, []),
            amount=amount,
            jurisdiction=jurisdiction,
            centre=centre,
            classification=str(classifications.get(classification, classification)),
            lead_department=lead or "",
            co_departments=co.get(pk, []),
            state=state,
            current_stage=current.stage_label if current else "",
            stage_due=current.day if current else None,
            working_days=working_days_between(timezone.localtime(received).date(), end, calendar),
            overdue=overdue,
            days_late=max((t.days_late for t in ticks), default=0),
            replied_at=_local(replied),
            closed_at=_local(closed),
            response=response_of(
                replied_at=replied,
                closed_at=closed,
                objection_route=route,
                has_outcome=has_outcome,
                withdrawn=withdrawn,
            ),
            archive_number=archive_number,
            is_group_dispute=group,
            is_public_opinion_risk=opinion_risk,
            tick_offs=ticks,
            satisfaction=str(ratings.get(satisfaction, satisfaction)),
            redo_count=redo_count,
        )


def _names(through: QuerySet, name: str) -> dict[int, list[str]]:
    names = defaultdict(list)
    for dispute_id, value in through.values_list("dispute_id", name):
        names[dispute_id].append(value)
    return names


def _tick(stage, status, due_at, met_at, days_late, department, *, now, calendar) -> TickOff:
    if met_at is not None:
        late = status == Deadline.Status.OVERDUE
        return TickOff(
            stage=stage,
            state=Tick.LATE if late else Tick.MET,
            day=timezone.localtime(met_at).date(),
            department=department or "",
            days_late=days_late if late else 0,
        )
    due = timezone.localtime(due_at).date()
    if status == Deadline.Status.OVERDUE:
        return TickOff(
            stage=stage,
            state=Tick.OVERDUE,
            day=due,
            department=department or "",
            days_late=working_days_late(due_at, now, calendar if calendar.covers(due) else None),
        )
    return TickOff(stage=stage, state=Tick.OPEN, day=due, department=department or "")


# -- the exported table ------------------------------------------------------------------------

TEXT, NUMBER, MONEY, DATE, MOMENT = "text", "number", "money", "date", "moment"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str
    value: Callable[[LedgerRow], object]
    width: int = 12


def _join(values: Iterable[str]) -> str:
    return "；".join(values)


def columns() -> list[Column]:
    """The exported columns in the ledger's order, headers in the active language."""
    return [
        Column(_("Case number"), TEXT, lambda r: r.number, 20),
        Column(_("Received"), MOMENT, lambda r: r.received_at, 17),
        Column(_("Channel"), TEXT, lambda r: r.channel),
        Column(_("Payer kind"), TEXT, lambda r: r.payer_kind, 8),
        Column(_("Payers"), TEXT, lambda r: _join(r.payers), 30),
        Column(_("Category"), TEXT, lambda r: r.category),
        Column(_("Main content"), TEXT, lambda r: r.summary, 40),
        Column(_("Insurance types"), TEXT, lambda r: _join(r.insurance_types), 18),
        Column(_("Amount in dispute (yuan)"), MONEY, lambda r: r.amount, 14),
        Column(_("Jurisdiction"), TEXT, lambda r: r.jurisdiction),
        Column(_("Owning centre"), TEXT, lambda r: r.centre, 18),
        Column(_("Classification"), TEXT, lambda r: r.classification),
        Column(_("Lead department"), TEXT, lambda r: r.lead_department, 16),
        Column(_("Co-handling departments"), TEXT, lambda r: _join(r.co_departments), 24),
        Column(_("State"), TEXT, lambda r: r.state_label, 10),
        Column(_("Current stage"), TEXT, lambda r: r.current_stage, 18),
        Column(_("Stage due"), DATE, lambda r: r.stage_due, 11),
        Column(_("Working days used"), NUMBER, lambda r: r.working_days, 8),
        Column(_("Overdue"), TEXT, lambda r: r.overdue_label, 8),
        Column(_("Working days late"), NUMBER, lambda r: r.days_late or None, 8),
        Column(_("Replied at"), MOMENT, lambda r: r.replied_at, 17),
        Column(_("Closed at"), MOMENT, lambda r: r.closed_at, 17),
        Column(_("Payer's response"), TEXT, lambda r: r.response, 16),
        Column(_("Archive number"), TEXT, lambda r: r.archive_number, 18),
        Column(_("Payer's satisfaction"), TEXT, lambda r: r.satisfaction, 10),
        Column(_("Times redone"), NUMBER, lambda r: r.redo_count or None, 8),
        Column(
            _("Time limits (tick-off)"),
            TEXT,
            lambda r: _join(t.summary for t in r.tick_offs),
            60,
        ),
    ]


def _cells(rows: Iterable[LedgerRow], cols: list[Column]) -> Iterator[list]:
    for row in rows:
        yield [column.value(row) for column in cols]


def csv_stream(rows: Iterable[LedgerRow]) -> Iterator[str]:
    """The rows as CSV text in pieces (UTF-8 with a byte-order mark: ``spreadsheet.stream``)."""
    cols = columns()
    return spreadsheet.stream(_cells(rows, cols), header=[c.header for c in cols])


def write_csv(rows: Iterable[LedgerRow], out, progress: Callable[[int], None] | None = None):
    """The rows as CSV into the binary file ``out``; ``progress(rows written)`` after each
    chunk and at the end."""
    for piece in csv_stream(_counted(rows, progress)):
        out.write(piece.encode("utf-8"))


def _counted(rows: Iterable[LedgerRow], progress) -> Iterator[LedgerRow]:
    n, step = 0, chunk_size()
    for row in rows:
        yield row
        n += 1
        if progress is not None and n % step == 0:
            progress(n)
    if progress is not None:
        progress(n)


def write_xlsx(rows: Iterable[LedgerRow], out, progress: Callable[[int], None] | None = None):
    """The rows as a workbook into ``out`` (a path or a binary file), constant-memory."""
    cols = columns()
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            # Belt and braces: text is written with write_string below, never through write().
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    try:
        sheet = workbook.add_worksheet(_("Ledger"))
        bold = workbook.add_format({"bold": True, "bg_color": "#E9ECEF", "border": 1})
        formats = {
            MONEY: workbook.add_format({"num_format": "0.00"}),
            DATE: workbook.add_format({"num_format": "yyyy-mm-dd"}),
            MOMENT: workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            NUMBER: workbook.add_format({"num_format": "0"}),
        }
        for index, column in enumerate(cols):
            sheet.set_column(index, index, column.width)
        sheet.freeze_panes(1, 1)
        for index, column in enumerate(cols):
            sheet.write_string(0, index, column.header, bold)
        n = 0
        for n, row in enumerate(_counted(rows, progress), start=1):
            for index, column in enumerate(cols):
                _write(sheet, n, index, column.kind, column.value(row), formats)
        sheet.autofilter(0, 0, max(n, 1), len(cols) - 1)
    finally:
        workbook.close()


def _write(sheet, row: int, col: int, kind: str, value, formats) -> None:
    if value is None or value == "":
        return  # constant-memory: an empty cell is simply not written
    if kind == MONEY:
        sheet.write_number(row, col, float(value), formats[MONEY])
    elif kind == NUMBER:
        sheet.write_number(row, col, value, formats[NUMBER])
    elif kind == MOMENT:
        sheet.write_datetime(row, col, value.replace(tzinfo=None), formats[MOMENT])
    elif kind == DATE:
        sheet.write_datetime(row, col, value, formats[DATE])
    else:
        sheet.write_string(row, col, str(value))


WRITERS = {"xlsx": write_xlsx, "csv": write_csv}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def xlsx_bytes(rows: Iterable[LedgerRow]) -> bytes:
    """A small workbook written in memory (the exports answered within the request)."""
    out = io.BytesIO()
    write_xlsx(rows, out)
    return out.getvalue()
