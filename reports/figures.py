"""What each dashboard figure counts, said once for the two places it is counted from.

A figure is a *spec*: which rows (the cases, or their time limits, sub-tasks, extensions or
court enforcements), grouped by which of their fields, summed how. ``reports.statistics``
turns the grouped numbers into the dashboard's series; it reads them either live from the
cases a user sees (``LiveCounts``), or from the tally (``reports.tally``), where the same specs
were counted ahead, per day received, place, owning centre and unit. Every aggregate is
additive over those dimensions (each case has one day, one place and one centre; counts of
distinct cases stay distinct), so a period, a town or a centre is a sum of tally rows.

Rows that belong to a department (a time limit, a sub-task, an extension) are narrowed to one
department when the scope names it (the ledger reads ``department`` the same way beside a
question about limits: ``reports.ledger``). For the tally, such a spec is also counted per
department (``DEPARTMENT`` among its fields); a spec that is not already grouped by department
is counted a second time without it, as a distinct count over several departments is not the
sum of theirs.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from consultations.models import CourtEnforcement, DepartmentTask, DisciplineReferral
from disputes.models import CaseReach, Dispute
from reports.ledger import (
    DEADLINE_CONDITIONS,
    DECLINED_TASKS,
    DeadlineCondition,
    SatisfactionCondition,
    ever_replied_q,
    redone_q,
    satisfaction_q,
)
from routing.models import Accountability, Deadline, ExtensionRequest, Stage
from routing.workdays import Calendar, working_days_between

# The field a department's rows are grouped by when counted per department.
DEPARTMENT = "_department"


@dataclass(frozen=True)
class Base:
    """Rows of one model and how they reach their case."""

    model: type
    case: str  # the path from a row to its case ("" for the cases themselves)
    department: str | None = None  # the path to the department the row belongs to
    limits: bool = False  # drawn from the scope without its department (the limit questions)

    def of(self, cases: QuerySet) -> QuerySet:
        if not self.case:
            return cases
        return self.model.objects.filter(**{f"{self.case}in": cases})


CASES = Base(Dispute, "")
LIMITS = Base(Deadline, "dispute__", "department", limits=True)
TASKS = Base(DepartmentTask, "dispute__", "department", limits=True)
EXTENSIONS = Base(ExtensionRequest, "deadline__dispute__", "deadline__department", limits=True)
COURT = Base(CourtEnforcement, "dispute__")
REFERRALS = Base(DisciplineReferral, "dispute__")
ENTRIES = Base(Accountability, "dispute__")
# The units a case is reached by: its lead and co-handling departments are its "dept:<id>" rows
# (``disputes.reach``), the cases the ledger's ``department`` alone selects.
REACH = Base(CaseReach, "dispute__")
DEPARTMENT_UNITS = Q(unit__startswith="dept:")


@dataclass(frozen=True)
class Spec:
    name: str
    base: Base
    aggregates: dict  # name -> an additive aggregate over the base's rows (four at most)
    fields: tuple = ()  # grouped by these fields of the base (codes and values, never names)
    where: Q | None = None
    # Grouped also by the case's month received, place (its jurisdiction) or owning centre.
    dims: tuple = ()
    # Groups computed in the database then folded in Python (working days need the calendar).
    annotate: dict = field(default_factory=dict)
    fold: Callable | None = None
    # The moment a row is counted by (a path from the base's row): the day the case was
    # received unless said (the evaluation counts cases by the day closed).
    day: str | None = None
    # The units the tally counts it for, and whether a scope's department narrows it.
    units: tuple = ("", "escalated", "dept:")
    narrowed: bool = True

    @property
    def day_path(self) -> str:
        return self.day or f"{self.base.case}received_at"

    @property
    def by_department(self) -> bool:
        return self.narrowed and self.base.department is not None

    @property
    def grouped_by_department(self) -> bool:
        return f"{self.base.department}__code" in self.fields


def _distinct(base: Base, condition: Q | None = None):
    """The number of distinct cases among the base's rows."""
    if not base.case:
        return Count("pk", filter=condition)
    return Count(base.case.removesuffix("__"), distinct=True, filter=condition)


def _reply_days(rows: list[dict]) -> list[dict]:
    """(classification, received day, replied day) -> (classification, working days)."""
    if not rows:
        return []
    calendar = Calendar(min(r["received"] for r in rows), max(r["replied"] for r in rows))
    out: dict[tuple, dict] = {}
    for r in rows:
        days = working_days_between(_date(r["received"]), _date(r["replied"]), calendar)
        extra = {name: value for name, value in r.items() if name.startswith("dim_")}
        key = (r["classification"], days, *sorted(extra.items()))
        slot = out.setdefault(
            key, {"classification": r["classification"], "days": days, "n": 0, **extra}
        )
        slot["n"] += r["n"]
    return list(out.values())


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


# The figures of the payer's rating and of the redo, per case (``UnitScore``): the rated and
# the satisfied cases, the replied and the redone ones.
RATE_FIGURES = ("rated", "satisfied", "replied", "redone")


def rate_aggregates(counted: str = "pk", prefix: str = "") -> dict:
    """The distinct cases (``counted``) rated, satisfied, replied and redone, ``prefix`` the
    path from a row to its case (the same questions as the ledger's filters)."""
    return {
        "rated": Count(
            counted, distinct=True, filter=satisfaction_q(SatisfactionCondition.RATED, prefix)
        ),
        "satisfied": Count(
            counted, distinct=True, filter=satisfaction_q(SatisfactionCondition.CONTENT, prefix)
        ),
        "replied": Count(counted, distinct=True, filter=ever_replied_q(prefix)),
        "redone": Count(counted, distinct=True, filter=redone_q(prefix)),
    }


CLOSED = DEADLINE_CONDITIONS[DeadlineCondition.CLOSED]
MET = Q(status=Deadline.Status.MET)
PASS_ON_CONDITIONS = (
    DeadlineCondition.RUNNING,
    DeadlineCondition.MET,
    DeadlineCondition.LATE,
    DeadlineCondition.OVERDUE_NOW,
)

SPECS = {
    spec.name: spec
    for spec in [
        Spec(
            "totals",
            CASES,
            {
                "received": Count("pk"),
                "escalated": Count("pk", filter=Q(escalated_at__isnull=False)),
                "replied": Count("pk", filter=Q(replied_at__isnull=False)),
            },
            dims=("month", "place", "centre"),
        ),
        Spec(
            "overdue_now",
            LIMITS,
            {"cases": _distinct(LIMITS)},
            where=DEADLINE_CONDITIONS[DeadlineCondition.OVERDUE_NOW],
        ),
        Spec("channel", CASES, {"n": Count("pk")}, fields=("channel__code",)),
        Spec("category", CASES, {"n": Count("pk")}, fields=("category__code",), dims=("place",)),
        Spec("payer_kind", CASES, {"n": Count("pk")}, fields=("payer_kind",)),
        Spec("classification", CASES, {"n": Count("pk")}, fields=("classification",)),
        Spec("state", CASES, {"n": Count("pk")}, fields=("state",)),
        Spec(
            "on_time_department",
            LIMITS,
            {"total": Count("pk"), "met": Count("pk", filter=MET), "cases": _distinct(LIMITS)},
            fields=("department__code",),
            where=CLOSED & Q(department__isnull=False),
        ),
        Spec(
            "on_time_stage",
            LIMITS,
            {"total": Count("pk"), "met": Count("pk", filter=MET), "cases": _distinct(LIMITS)},
            fields=("stage",),
            where=CLOSED,
        ),
        Spec(
            "reply_days",
            CASES,
            {"n": Count("pk")},
            fields=("classification",),
            where=Q(replied_at__isnull=False),
            annotate={"received": TruncDate("received_at"), "replied": TruncDate("replied_at")},
            fold=_reply_days,
        ),
        Spec(
            "overdue_department",
            LIMITS,
            {"cases": _distinct(LIMITS)},
            fields=("department__code",),
            where=DEADLINE_CONDITIONS[DeadlineCondition.OVERDUE_NOW] & Q(department__isnull=False),
        ),
        Spec(
            "declines",
            TASKS,
            {"total": _distinct(TASKS), "declined": _distinct(TASKS, DECLINED_TASKS)},
            fields=("department__code",),
        ),
        Spec(
            "pass_on",
            LIMITS,
            {str(c): _distinct(LIMITS, DEADLINE_CONDITIONS[c]) for c in PASS_ON_CONDITIONS},
            where=Q(stage=Stage.PASS_ON),
        ),
        Spec(
            "extensions",
            EXTENSIONS,
            {
                "cases": _distinct(EXTENSIONS),
                "requests": Count("pk"),
                "days": Sum("working_days"),
            },
            fields=("deadline__department__code",),
            where=Q(status=ExtensionRequest.Status.GRANTED, deadline__department__isnull=False),
        ),
        # The payer's rating and the redo: per owning centre, per department (lead or co).
        Spec("rates_centre", CASES, rate_aggregates(), dims=("centre",)),
        Spec(
            "rates_department",
            REACH,
            rate_aggregates("dispute", "dispute__"),
            fields=("unit",),
            where=DEPARTMENT_UNITS,
        ),
        Spec(
            "court",
            COURT,
            {"cases": _distinct(COURT), "amount": Sum("amount")},
            fields=("status",),
        ),
    ]
}


def _evaluation_specs() -> list[Spec]:
    """The department evaluation's figures (``reports.evaluation``), per department and per
    centre: the cases closed in the period and their limits, extensions and refusals passed to
    the discipline commission by the day closed; accountability entries by the day recorded;
    limits overdue now by the day received (read over every day)."""
    closed_at = "dispute__closed_at"
    ended = CLOSED
    late = Q(status=Deadline.Status.OVERDUE)
    limit_sums = {
        "closed": _distinct(LIMITS),
        "late": _distinct(LIMITS, late),
        "late_days": Sum("days_late", filter=late),
    }
    overdue = DEADLINE_CONDITIONS[DeadlineCondition.OVERDUE_NOW]
    granted = Q(status=ExtensionRequest.Status.GRANTED)
    one = {"units": ("",), "narrowed": False}
    specs = [
        Spec(
            "eval_cases",
            CASES,
            {"n": Count("pk")},
            day="closed_at",
            dims=("centre",),
            units=("", "dept:"),
            narrowed=False,
        ),
        # The cases rated, satisfied, replied and redone (``reports.evaluation``), the same way.
        Spec(
            "eval_rates",
            CASES,
            rate_aggregates(),
            day="closed_at",
            dims=("centre",),
            units=("", "dept:"),
            narrowed=False,
        ),
    ]
    for unit in ("department", "centre"):
        specs += [
            Spec(
                f"eval_limits_{unit}",
                LIMITS,
                limit_sums,
                fields=(f"{unit}_id",),
                where=ended & Q(**{f"{unit}__isnull": False}),
                day=closed_at,
                **one,
            ),
            Spec(
                f"eval_overdue_{unit}",
                LIMITS,
                {"n": _distinct(LIMITS)},
                fields=(f"{unit}_id",),
                where=overdue & Q(**{f"{unit}__isnull": False}),
                **one,
            ),
            Spec(
                f"eval_extensions_{unit}",
                EXTENSIONS,
                {"n": _distinct(EXTENSIONS)},
                fields=(f"deadline__{unit}_id",),
                where=granted & Q(**{f"deadline__{unit}__isnull": False}),
                day="deadline__dispute__closed_at",
                **one,
            ),
            Spec(
                f"eval_accountability_{unit}",
                ENTRIES,
                {"n": Count("pk")},
                fields=(f"{unit}_id",),
                where=Q(**{f"{unit}__isnull": False}),
                day="recorded_at",
                **one,
            ),
        ]
    specs.append(
        Spec(
            "eval_declines_department",
            REFERRALS,
            {"n": _distinct(REFERRALS)},
            fields=("department_id",),
            where=Q(department__isnull=False),
            day=closed_at,
            **one,
        )
    )
    return specs


EVALUATION_SPECS = {spec.name: spec for spec in _evaluation_specs()}
TALLIED = {**SPECS, **EVALUATION_SPECS}


def dimension_fields(base: Base, dims) -> dict:
    """The grouping expressions of the case's dimensions, counted live: ``dim_month`` (the
    month received), ``dim_place`` (the jurisdiction's path), ``dim_centre`` (its code)."""
    out = {}
    if "month" in dims:
        out["dim_month"] = TruncMonth(f"{base.case}received_at")
    if "place" in dims:
        out["dim_place"] = F(f"{base.case}jurisdiction__path")
    if "centre" in dims:
        out["dim_centre"] = F(f"{base.case}centre__code")
    return out


def grouped(spec: Spec, rows_qs: QuerySet, group: dict, *, department: bool = False) -> list:
    """Run ``spec`` over ``rows_qs`` (its base's rows), grouped by its fields, its annotations
    and ``group`` (name -> expression); per department too when ``department``."""
    qs = rows_qs.order_by()
    if spec.where is not None:
        qs = qs.filter(spec.where)
    names = {**spec.annotate, **group}
    if department:
        names[DEPARTMENT] = F(f"{spec.base.department}__code")
        qs = qs.filter(**{f"{spec.base.department}__isnull": False})
    if names:
        qs = qs.annotate(**names)
    if not spec.fields and not names:  # values() without fields would group by every column
        rows = [qs.aggregate(**spec.aggregates)]
    else:
        rows = list(qs.values(*spec.fields, *names).annotate(**spec.aggregates))
    if spec.fold is not None:
        rows = spec.fold(rows)
    return rows


class LiveCounts:
    """The specs counted now, from the scope's cases (``reports.statistics.Dashboard``)."""

    as_of = None  # counted when asked

    def __init__(self, cases: QuerySet, limit_cases: QuerySet, department=None):
        self.cases, self.limit_cases, self.department = cases, limit_cases, department

    def rows(self, spec: Spec) -> list[dict]:
        cases = self.limit_cases if spec.base.limits else self.cases
        qs = spec.base.of(cases)
        if spec.by_department and self.department is not None:
            qs = qs.filter(**{spec.base.department: self.department})
        return grouped(spec, qs, dimension_fields(spec.base, spec.dims))
