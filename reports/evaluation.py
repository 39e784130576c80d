"""Department evaluation (绩效考评): a scorecard per department and per centre for a month, a
quarter or a year, scored by the scoring policy in force, ranked, the best and the worst marked
(红黑榜). The page, its PDF circular (通报) and the monthly mail all read ``scorecard``.

What is counted (the page and the circular say the same, in ``DEFINITIONS``). Every figure
but the accountability entries counts *cases*, so that each links to the ledger filtered to
exactly the cases it counts (``ledger_url``) and the ledger lists as many as the figure says:

- The period's cases are those *closed* in it (对表销号: a case is ticked off, and its time
  limits judged, when it is closed: the reply accepted, the objection's outcome recorded,
  settled on the spot or withdrawn). Every figure but the last two is about them
  (``closed_from`` / ``closed_to``).
- Cases handled: those of them the department led or co-handled, the centre owned.
- Cases judged: those on which the unit had a time limit that ended (met or late; a limit
  cancelled because its stage was no longer needed is not judged). Late: those on which one
  of them ended late; on time: the others (every limit of the unit met). The on-time rate
  (及时率) is on time / judged; the mean working days late is the days late of the unit's late
  limits over the cases late.
- Declines without good reason: cases on which the department refused its part as not its
  duty and the coordinator passed the refusal's clue to the discipline commission (a refusal
  without good reason, in the domain's words).
- Extensions: cases with an extension granted on one of the unit's limits.
- Accountability entries: the records made in the period (one per limit missed, by the sweep
  or at the late closing), on any case: the events of the period, listed one by one on the
  accountability page, which is where they link.
- Overdue still open: cases with a limit of the unit overdue and not met when the report is
  made, on any case: a snapshot of today, not a figure of the period.
- Rated: the cases handled that carry the payer's rating (回访 or online) of the reply they
  were closed on (``Dispute.satisfaction``: the latest of that reply; a redo clears the earlier
  one). Satisfied: those rated satisfied *or basically satisfied* (满意 + 基本满意: "basically"
  is not a complaint). The satisfaction rate (满意率) is satisfied / rated, none without a rated
  case (the page shows the count rated beside it).
- Replied: the cases handled replied to at least once (the reply they were closed on, or one
  redone since: a case withdrawn during its redo was replied to once). Redone: those redone
  (重办) at least once. The redo rate (重办率) is redone / replied, none without a replied case.

The ratings and the redos are the case's, counted like the cases handled: for each department
that led or co-handled it and for the owning centre.

A department answers for the limits that name it (``Deadline.department``), a centre for those
that name it (``Deadline.centre``); the consolidated reply names both the lead department and
the owning centre, and counts for both. The ledger narrows time limits by department only, so a
centre's row links its cases (and its accountability entries) alone.

Each figure is one grouped SQL aggregate over the cases given (``visible_disputes(user)`` for
the page; a county's cases for the mail), computed when asked: the page is as fresh as the data.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.models import DisciplineReferral
from departments import clock
from departments.models import Centre, Department, staff_of
from disputes.models import Dispute
from reports.accountability import accountability_url
from reports.figures import RATE_FIGURES, rate_aggregates
from reports.ledger import DeadlineCondition, SatisfactionCondition, day_start, ledger_url
from reports.models import ScoringPolicy
from routing.models import Accountability, Deadline, ExtensionRequest, LateCircular

MONTH, QUARTER, YEAR = "month", "quarter", "year"
PERIOD_KINDS = (
    (MONTH, gettext_lazy("Month")),
    (QUARTER, gettext_lazy("Quarter")),
    (YEAR, gettext_lazy("Year")),
)

DEFINITIONS = (
    (
        gettext_lazy("Cases of the period"),
        gettext_lazy(
            "The cases closed in the period (reply accepted, objection settled, settled on the "
            "spot or withdrawn): a case's time limits are judged when it is ticked off."
        ),
    ),
    (
        gettext_lazy("Cases handled"),
        gettext_lazy("Of those, the cases the department led or co-handled, or the centre owned."),
    ),
    (
        gettext_lazy("Judged"),
        gettext_lazy(
            "Of those, the cases on which a time limit of the unit ended, met or late (a limit "
            "cancelled because its stage was no longer needed is not judged)."
        ),
    ),
    (
        gettext_lazy("On-time rate"),
        gettext_lazy(
            "The cases judged on which every time limit of the unit was met by its due moment, "
            "out of the cases judged."
        ),
    ),
    (
        gettext_lazy("Mean working days late"),
        gettext_lazy("The working days late of the unit's late time limits, per case late."),
    ),
    (
        gettext_lazy("Declines without good reason"),
        gettext_lazy(
            "The cases on which the department refused its part as not its duty and the "
            "coordinator passed the refusal to the discipline commission."
        ),
    ),
    (
        gettext_lazy("Extensions"),
        gettext_lazy("The cases with an extension granted on a time limit of the unit."),
    ),
    (
        gettext_lazy("Accountability entries"),
        gettext_lazy("Recorded in the period, one per time limit missed, on any case."),
    ),
    (
        gettext_lazy("Circulars"),
        gettext_lazy(
            "Circular entries (通报) issued in the period: a time limit of the department still "
            "not met five working days after its urging notice, on any case."
        ),
    ),
    (
        gettext_lazy("Overdue still open"),
        gettext_lazy(
            "The cases with a time limit of the unit overdue and still not met when this "
            "report is made: today's figure, not the period's."
        ),
    ),
    (
        gettext_lazy("Satisfaction rate"),
        gettext_lazy(
            "Of the cases handled that carry the payer's rating of the reply they were closed "
            "on (the latest rating at the follow-up visit or online), those rated satisfied or "
            "basically satisfied, out of the cases rated; shown with the number rated."
        ),
    ),
    (
        gettext_lazy("Redo rate"),
        gettext_lazy(
            "Of the cases handled that were replied to at least once, those redone at least "
            "once because the payer was not satisfied, out of the cases replied to."
        ),
    ),
)

_TENTH = Decimal("0.1")
_HUNDRED = Decimal(100)


def _tenth(value: Decimal) -> Decimal:
    return value.quantize(_TENTH, rounding=ROUND_HALF_UP)


# -- the period --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date  # the period's first day

    @classmethod
    def containing(cls, kind: str, day: datetime.date) -> "Period":
        if kind == YEAR:
            return cls(kind, datetime.date(day.year, 1, 1))
        if kind == QUARTER:
            return cls(kind, datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
        return cls(MONTH, datetime.date(day.year, day.month, 1))

    @classmethod
    def last_month(cls, today: datetime.date | None = None) -> "Period":
        today = today or clock.localdate()
        return cls.containing(MONTH, today.replace(day=1) - datetime.timedelta(days=1))

    @property
    def _months(self) -> int:
        return {MONTH: 1, QUARTER: 3, YEAR: 12}[self.kind]

    @property
    def next_start(self) -> datetime.date:
        month = self.start.month - 1 + self._months
        return datetime.date(self.start.year + month // 12, month % 12 + 1, 1)

    @property
    def end(self) -> datetime.date:
        """The period's last day (included)."""
        return self.next_start - datetime.timedelta(days=1)

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """From the first moment of the first day up to (not including) the next period's."""
        return day_start(self.start), day_start(self.next_start)

    def previous(self) -> "Period":
        return Period.containing(self.kind, self.start - datetime.timedelta(days=1))

    def following(self) -> "Period":
        return Period(self.kind, self.next_start)

    @property
    def label(self) -> str:
        if self.kind == YEAR:
            return _("Year %(year)d") % {"year": self.start.year}
        if self.kind == QUARTER:
            return _("Q%(quarter)d %(year)d") % {
                "year": self.start.year,
                "quarter": (self.start.month - 1) // 3 + 1,
            }
        return _("%(month)d/%(year)d") % {"year": self.start.year, "month": self.start.month}

    @property
    def slug(self) -> str:
        """For file names: 2026-03, 2026-Q1, 2026."""
        if self.kind == YEAR:
            return f"{self.start.year}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    def query(self) -> dict[str, str]:
        return {"period": self.kind, "start": self.start.isoformat()}


# -- the policy and the score ------------------------------------------------------------------


def policy_for(period: Period) -> ScoringPolicy:
    """The active policy in force on the period's first day; the model's defaults (unsaved)
    when none is."""
    policy = (
        ScoringPolicy.objects.filter(active=True, valid_from__lte=period.start)
        .order_by("-valid_from", "-pk")
        .first()
    )
    return policy or ScoringPolicy(name=_("Default weights"), valid_from=period.start)


def score(policy: ScoringPolicy, row: "UnitScore") -> Decimal:
    """The base score less the points each shortcoming costs, never below zero; computed from
    the figures as shown (the rate in percent and the mean lateness to a tenth), so that a
    reader can check it by hand."""
    off = Decimal(0)
    if row.rate_percent is not None:
        off += policy.on_time_weight * (_HUNDRED - row.rate_percent)
    off += policy.days_late_weight * row.mean_late
    off += policy.decline_weight * row.declines
    off += policy.extension_weight * row.extensions
    off += policy.accountability_weight * row.accountability
    off += policy.overdue_open_weight * row.overdue_open
    # A unit with no case rated (or replied) loses nothing for it.
    if row.satisfaction_percent is not None:
        off += policy.satisfaction_weight * (_HUNDRED - row.satisfaction_percent)
    if row.redo_percent is not None:
        off += policy.redo_weight * row.redo_percent
    return _tenth(max(Decimal(0), policy.base_score - off))


RED, BLACK = "red", "black"


def rank(rows: list["UnitScore"], marked: int) -> list["UnitScore"]:
    """Ranks (ties share one) and the marks of the red and the black list, best first.

    Each list names at most ``marked`` units and at most half of them (the red list at most
    half of the units judged), so no unit is on both and a unit alone is on neither; units
    tied at a boundary go together. A unit is on the red list only if it was judged on some
    case in the period (a full score for having nothing to answer for is no merit) and some
    unit scored less; on the black list only if some unit scored more (when all score alike,
    nobody is marked).
    """
    scores = [r.score for r in rows]
    judged = [r.score for r in rows if r.closed]
    size = min(marked, len(rows) // 2)
    # The red list is the better half of the units judged at most: with three judged, one.
    red_size = min(marked, len(judged) // 2)
    for r in rows:
        r.rank = 1 + sum(s > r.score for s in scores)
        among_judged = 1 + sum(s > r.score for s in judged)
        from_bottom = 1 + sum(s < r.score for s in scores)
        if red_size and r.closed and among_judged <= red_size and r.score > min(scores):
            r.mark = RED
        elif size and from_bottom <= size and r.score < max(scores):
            r.mark = BLACK
        else:
            r.mark = ""
    return sorted(rows, key=lambda r: (r.rank, r.name))


# -- the scorecard -----------------------------------------------------------------------------


@dataclass
class UnitScore:
    unit: Department | Centre
    cases: int = 0
    closed: int = 0
    met: int = 0
    late: int = 0
    late_days: int = 0
    declines: int = 0
    extensions: int = 0
    accountability: int = 0
    overdue_open: int = 0
    circulars: int = 0
    rated: int = 0
    satisfied: int = 0  # rated satisfied or basically satisfied
    replied: int = 0
    redone: int = 0
    score: Decimal = Decimal(0)
    rank: int = 0
    mark: str = ""
    links: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def rate_percent(self) -> Decimal | None:
        """Percent on time, to a tenth; None when no limit closed."""
        if not self.closed:
            return None
        return _tenth(Decimal(self.met) * _HUNDRED / Decimal(self.closed))

    @property
    def mean_late(self) -> Decimal:
        if not self.late:
            return Decimal("0.0")
        return _tenth(Decimal(self.late_days) / Decimal(self.late))

    @property
    def satisfaction_percent(self) -> Decimal | None:
        """满意率: percent of the rated cases satisfied or basically satisfied, to a tenth;
        None when no case is rated."""
        if not self.rated:
            return None
        return _tenth(Decimal(self.satisfied) * _HUNDRED / Decimal(self.rated))

    @property
    def redo_percent(self) -> Decimal | None:
        """重办率: percent of the replied cases redone, to a tenth; None when none replied."""
        if not self.replied:
            return None
        return _tenth(Decimal(self.redone) * _HUNDRED / Decimal(self.replied))

    @property
    def is_red(self) -> bool:
        return self.mark == RED

    @property
    def is_black(self) -> bool:
        return self.mark == BLACK


@dataclass
class Scorecard:
    period: Period
    policy: ScoringPolicy
    departments: list[UnitScore]
    centres: list[UnitScore]
    made_at: datetime.datetime
    cases: int  # cases closed in the period

    @property
    def red(self) -> list[UnitScore]:
        return [r for r in self.departments + self.centres if r.is_red]

    @property
    def black(self) -> list[UnitScore]:
        return [r for r in self.departments + self.centres if r.is_black]


def _grouped(qs: QuerySet, key: str, **aggregates) -> dict[int, dict]:
    """``{unit id: {name: value}}`` of one GROUP BY query (rows without a unit left out)."""
    rows = qs.filter(**{f"{key}__isnull": False}).values(key).annotate(**aggregates).order_by(key)
    return {row.pop(key): row for row in rows}


def _limit_figures(limits: QuerySet, key: str) -> dict[int, dict]:
    """Per unit: the cases judged, the cases late (one of its limits ended late), the days
    late of its late limits."""
    late = Q(status=Deadline.Status.OVERDUE)
    return _grouped(
        limits,
        key,
        closed=Count("dispute", distinct=True),
        late=Count("dispute", distinct=True, filter=late),
        late_days=Sum("days_late", filter=late),
    )


def _counts(qs: QuerySet, key: str, counted: str = "dispute") -> dict[int, int]:
    """Per unit, the distinct cases (``counted``) of ``qs``."""
    return {
        unit: row["n"] for unit, row in _grouped(qs, key, n=Count(counted, distinct=True)).items()
    }


def _summed(*grouped: dict[int, dict]) -> dict[int, dict]:
    """Per unit, the rate figures (``RATE_FIGURES``) of ``grouped`` added up."""
    out: dict[int, dict] = {}
    for rows in grouped:
        for unit, row in rows.items():
            slot = out.setdefault(unit, dict.fromkeys(RATE_FIGURES, 0))
            for name in RATE_FIGURES:
                slot[name] += row.get(name) or 0
    return out


def scorecard(
    cases: QuerySet[Dispute],
    period: Period,
    *,
    policy: ScoringPolicy | None = None,
    counted=None,
) -> Scorecard:
    """The scorecard of ``cases`` (the cases a user sees, or a county's) for ``period``;
    ``counted``: its figures as the tally gives them (``reports.tally.evaluation_figures``),
    else they are counted now."""
    policy = policy or policy_for(period)
    start, end = period.bounds
    # The circulars are few (one per limit still late after its notice): counted live always.
    circulars = _counts(
        LateCircular.objects.filter(
            dispute__in=cases.values("pk"), issued_at__gte=start, issued_at__lt=end
        ),
        "department_id",
        "pk",
    )
    if counted is not None:
        department_figures, centre_figures, closed_count, made_at = counted
        department_figures = {**department_figures, "circulars": circulars}
        return _card(period, policy, department_figures, centre_figures, closed_count, made_at)
    closed = cases.filter(closed_at__gte=start, closed_at__lt=end)
    closed_ids = closed.values("pk")
    all_ids = cases.values("pk")
    limits = Deadline.objects.filter(
        dispute__in=closed_ids,
        met_at__isnull=False,
        status__in=[Deadline.Status.MET, Deadline.Status.OVERDUE],
    )
    overdue = Deadline.objects.filter(
        dispute__in=all_ids, status=Deadline.Status.OVERDUE, met_at__isnull=True
    )
    granted = ExtensionRequest.objects.filter(
        status=ExtensionRequest.Status.GRANTED, deadline__dispute__in=closed_ids
    )
    recorded = Accountability.objects.filter(
        dispute__in=all_ids, recorded_at__gte=start, recorded_at__lt=end
    )
    co = Dispute.co_departments.through.objects.filter(dispute__in=closed_ids).exclude(
        # A lead named among its own case's co-handling departments counts once.
        department_id=F("dispute__lead_department_id")
    )
    # The cases handled and their ratings and redos, in the one grouped query of each.
    lead = _grouped(closed, "lead_department_id", n=Count("pk"), **rate_aggregates())
    co_rows = _grouped(
        co,
        "department_id",
        n=Count("dispute", distinct=True),
        **rate_aggregates("dispute", "dispute__"),
    )
    lead_cases = {unit: row["n"] for unit, row in lead.items()}
    co_cases = {unit: row["n"] for unit, row in co_rows.items()}
    by_centre = _grouped(closed, "centre_id", n=Count("pk"), **rate_aggregates())
    department_figures = {
        "cases": {d: lead_cases.get(d, 0) + co_cases.get(d, 0) for d in {*lead_cases, *co_cases}},
        "rates": _summed(lead, co_rows),
        "limits": _limit_figures(limits, "department_id"),
        "overdue_open": _counts(overdue, "department_id"),
        "extensions": _counts(granted, "deadline__department_id", "deadline__dispute"),
        "declines": _counts(
            DisciplineReferral.objects.filter(dispute__in=closed_ids), "department_id"
        ),
        "accountability": _counts(recorded, "department_id", "pk"),
        "circulars": circulars,
    }
    centre_figures = {
        "cases": {unit: row["n"] for unit, row in by_centre.items()},
        "rates": _summed(by_centre),
        "limits": _limit_figures(limits, "centre_id"),
        "overdue_open": _counts(overdue, "centre_id"),
        "extensions": _counts(granted, "deadline__centre_id", "deadline__dispute"),
        "declines": {},
        "accountability": _counts(recorded, "centre_id", "pk"),
    }
    return _card(period, policy, department_figures, centre_figures, closed.count(), clock.now())


def _card(period, policy, department_figures, centre_figures, closed_count, made_at) -> Scorecard:
    departments = _rows(Department.objects.all(), department_figures)
    centres = _rows(Centre.objects.all(), centre_figures)
    for row in departments:
        row.links = _department_links(row.unit, period)
    for row in centres:
        row.links = _centre_links(row.unit, period)
    for row in departments + centres:
        row.score = score(policy, row)
    return Scorecard(
        period=period,
        policy=policy,
        departments=rank(departments, policy.marked),
        centres=rank(centres, policy.marked),
        made_at=made_at,
        cases=closed_count,
    )


def _rows(units: QuerySet, figures: dict[str, dict]) -> list[UnitScore]:
    """One row per unit that has any figure at all."""
    ids: set[int] = set()
    for values in figures.values():
        ids |= set(values)
    rows = []
    for unit in units.filter(pk__in=ids).order_by("name"):
        limit = figures["limits"].get(unit.pk, {})
        closed, late = limit.get("closed", 0), limit.get("late", 0)
        rates = figures.get("rates", {}).get(unit.pk, {})
        rows.append(
            UnitScore(
                **{name: rates.get(name, 0) for name in RATE_FIGURES},
                unit=unit,
                cases=figures["cases"].get(unit.pk, 0),
                closed=closed,
                met=closed - late,
                late=late,
                late_days=limit.get("late_days") or 0,
                declines=figures["declines"].get(unit.pk, 0),
                extensions=figures["extensions"].get(unit.pk, 0),
                accountability=figures["accountability"].get(unit.pk, 0),
                overdue_open=figures["overdue_open"].get(unit.pk, 0),
                circulars=figures.get("circulars", {}).get(unit.pk, 0),
            )
        )
    return rows


def _department_links(department: Department, period: Period) -> dict[str, str]:
    """Each figure of a department's row as the ledger (or the accountability page) filtered
    to exactly the cases (records) it counts."""
    closed = {"closed_from": period.start, "closed_to": period.end, "department": department}
    return {
        "cases": ledger_url(**closed),
        "closed": ledger_url(deadline=DeadlineCondition.CLOSED, **closed),
        "met": ledger_url(deadline=DeadlineCondition.ALL_MET, **closed),
        "late": ledger_url(deadline=DeadlineCondition.LATE, **closed),
        "declines": ledger_url(discipline=True, **closed),
        "extensions": ledger_url(extended=True, **closed),
        "overdue_open": ledger_url(deadline=DeadlineCondition.OVERDUE_NOW, department=department),
        **_rate_links(closed),
        "accountability": accountability_url(
            department=department, date_from=period.start, date_to=period.end
        ),
        "circulars": circulars_url(
            department=department, date_from=period.start, date_to=period.end
        ),
    }


def circulars_url(*, department=None, date_from=None, date_to=None) -> str:
    """The circular entries (通报) listed: of a department (by code), issued in a period."""
    query = {
        key: value
        for key, value in (
            ("department", department.code if department is not None else ""),
            ("from", date_from.isoformat() if date_from else ""),
            ("to", date_to.isoformat() if date_to else ""),
        )
        if value
    }
    url = reverse("reports:circulars")
    return f"{url}?{urlencode(query)}" if query else url


def circular_entries(cases: QuerySet[Dispute], *, department=None, date_from=None, date_to=None):
    """The circular entries of ``cases`` (those the user sees), narrowed as the link says,
    newest first, with what the listing shows of each."""
    entries = LateCircular.objects.filter(dispute__in=cases.values("pk"))
    if department is not None:
        entries = entries.filter(department=department)
    if date_from:
        entries = entries.filter(issued_at__gte=day_start(date_from))
    if date_to:
        entries = entries.filter(issued_at__lt=day_start(date_to + datetime.timedelta(days=1)))
    return entries.select_related(
        "dispute", "department", "deadline", "deadline__urging_notice"
    ).order_by("-issued_at", "-pk")


def _rate_links(closed: dict) -> dict[str, str]:
    """The rated, satisfied, replied and redone cases of a unit's row in the ledger."""
    return {
        "rated": ledger_url(satisfaction=SatisfactionCondition.RATED, **closed),
        "satisfied": ledger_url(satisfaction=SatisfactionCondition.CONTENT, **closed),
        "replied": ledger_url(ever_replied=True, **closed),
        "redone": ledger_url(redone=True, **closed),
    }


def _centre_links(centre: Centre, period: Period) -> dict[str, str]:
    return {
        "cases": ledger_url(centre=centre, closed_from=period.start, closed_to=period.end),
        **_rate_links({"closed_from": period.start, "closed_to": period.end, "centre": centre}),
        "accountability": accountability_url(
            centre=centre, date_from=period.start, date_to=period.end
        ),
    }


def units_named(rows: Iterable[UnitScore]) -> str:
    return "、".join(r.name for r in rows)


def scope_name(user) -> str:
    """Whose circular a user prints: their department's, their county's (supervisors, the
    leading group) or their centre's."""
    staff = staff_of(user)
    if staff is None:
        return _("All counties")
    if staff.department_id:
        return staff.department.name
    if staff.jurisdiction_id:
        return staff.jurisdiction.county.name
    if staff.centre_id:
        return staff.centre.name
    return _("All counties")
