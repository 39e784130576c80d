"""The dashboard's figures counted ahead, so that a county's year answers at once.

Counting the dashboard live means some twenty grouped queries over every case of the period and
their time limits: at a million cases, seconds. The tally counts the same specs
(``reports.figures``) per day received, place (the town, or the jurisdiction itself above the
towns), owning centre and *unit* — every case (""), the cases a department leads or co-handles
(``dept:<id>``, as ``disputes.reach`` names them) and the cases escalated to the leading group
(``escalated``) — and sums each month's days into a month row. A dashboard then reads a few
thousand rows: whole months from the month rows, the days at the period's edges from the day
rows.

``refresh`` counts everything again, month by month, each month replaced in one transaction;
the beat job runs it every ``REPORTS_TALLY_SECONDS`` (``refresh_tally``). The figures are those
of the moment it started (``TallyState.counted_at``), and the dashboard says so. When the tally
is older than ``REPORTS_TALLY_MAX_AGE`` (no beat running: a development machine, the tests) or
cannot express what a user sees within the scope asked, the dashboard counts live, and says
that too (``counts_for`` is ``None``).

What a user sees must be exactly one unit's cases, narrowed by centre and area: the supervisor's
county, the coordinator's or clerk's centre, the department officer's department, the leading
group's escalated cases of its county. Anyone whose other ways to a case (a case shared with a
group of theirs, one taken at another centre) reach beyond that set is counted live, and so is a
scope the tally has no dimension for (a village, or a department within a department's view).
"""

import datetime
import json
import time
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from departments import clock
from departments.models import Jurisdiction, Role, roles_of, staff_of
from disputes import reach
from disputes.models import CaseReach, Dispute
from disputes.rules import referral_area
from reports.figures import DEPARTMENT, EVALUATION_SPECS, TALLIED, Spec, grouped
from reports.ledger import day_start
from reports.models import TallyRow, TallyState

DEPARTMENT_VARIANT = "department"
ESCALATED = "escalated"
# Aggregates kept in fen (whole numbers) and read back as yuan.
MONEY = {"amount"}


# -- counting ---------------------------------------------------------------------------------


def refresh() -> TallyState:
    """Count the tally again, every month received; returns its state."""
    started, t0 = clock.now(), time.perf_counter()
    places = _places()
    first = Dispute.objects.order_by("received_at").values_list("received_at", flat=True).first()
    last = Dispute.objects.order_by("-received_at").values_list("received_at", flat=True).first()
    # Through this month: a case is closed, and an entry recorded, after the day received.
    months = _months_between(_local(first), max(_local(last), clock.localdate())) if first else []
    written = 0
    for month in months:
        rows = _count_month(month, places)
        with transaction.atomic():
            TallyRow.objects.filter(day__gte=month, day__lt=_next_month(month)).delete()
            TallyRow.objects.bulk_create(rows, batch_size=5000)
        written += len(rows)
    with transaction.atomic():
        if months:
            TallyRow.objects.filter(
                Q(day__lt=months[0]) | Q(day__gte=_next_month(months[-1]))
            ).delete()
        else:
            TallyRow.objects.all().delete()
        TallyState.objects.update_or_create(
            pk=1,
            defaults={
                "counted_at": started,
                "seconds": time.perf_counter() - t0,
                "rows": written,
            },
        )
    return TallyState.objects.get(pk=1)


def _count_month(month: datetime.date, places: dict[int, int]) -> list[TallyRow]:
    start, end = day_start(month), day_start(_next_month(month))
    sums: dict[tuple, list[int]] = {}
    for spec in TALLIED.values():
        case = spec.base.case
        counted = spec.base.model.objects.filter(
            **{f"{spec.day_path}__gte": start, f"{spec.day_path}__lt": end}
        )
        for unit in spec.units:
            rows_qs = counted
            if unit == ESCALATED:
                rows_qs = rows_qs.filter(**{f"{case}escalated_at__isnull": False})
            elif unit == "dept:":  # one group per department: the join the grouping reads
                rows_qs = rows_qs.filter(**{f"{case}reach__unit__startswith": unit})
            variants = [""]
            if spec.by_department and not spec.grouped_by_department:
                variants.append(DEPARTMENT_VARIANT)
            for variant in variants:
                rows = grouped(
                    spec,
                    rows_qs,
                    _dimensions(spec, per_unit=unit == "dept:"),
                    department=variant == DEPARTMENT_VARIANT,
                )
                names = list(spec.aggregates)
                for r in rows:
                    values = [_whole(name, r[name]) for name in names]
                    if not any(values):
                        continue
                    key = _key(spec, r, variant)
                    day = r["dim_day"]
                    place = places[r["dim_jurisdiction"]]
                    at = (r.get("dim_unit", unit), spec.name, variant, key, place, r["dim_centre"])
                    for grain, when in (("d", day), ("m", day.replace(day=1))):
                        slot = sums.setdefault((grain, when, *at), [0, 0, 0, 0])
                        for i, value in enumerate(values):
                            slot[i] += value
    return [
        TallyRow(
            grain=grain,
            day=day,
            unit=unit,
            spec=spec,
            variant=variant,
            key=key,
            place_id=place,
            centre_id=centre,
            a=a,
            b=b,
            c=c,
            d=d,
        )
        for (grain, day, unit, spec, variant, key, place, centre), (a, b, c, d) in sums.items()
    ]


def _dimensions(spec: Spec, *, per_unit: bool) -> dict:
    case = spec.base.case
    out = {
        "dim_day": TruncDate(spec.day_path),
        "dim_jurisdiction": F(f"{case}jurisdiction_id"),
        "dim_centre": F(f"{case}centre_id"),
    }
    if per_unit:
        out["dim_unit"] = F(f"{case}reach__unit")
    return out


def _key(spec: Spec, row: dict, variant: str) -> str:
    fields = [*spec.fields, *(["days"] if spec.fold else [])]
    if variant == DEPARTMENT_VARIANT:
        fields.append(DEPARTMENT)
    return json.dumps([row[f] for f in fields], ensure_ascii=False)


def _whole(name: str, value) -> int:
    if value is None:
        return 0
    if name in MONEY:
        return int((Decimal(value) * 100).to_integral_value())
    return int(value)


def _places() -> dict[int, int]:
    """Each jurisdiction's place: its town, or itself where it lies above the towns."""
    nodes = {j.pk: j for j in Jurisdiction.objects.only("pk", "level", "parent_id")}
    out = {}
    for pk, node in nodes.items():
        walk = node
        while walk is not None and walk.level != Jurisdiction.Level.TOWN:
            walk = nodes.get(walk.parent_id)
        out[pk] = walk.pk if walk is not None else pk
    return out


# -- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The cases a user sees, as the tally's dimensions: one unit, narrowed."""

    unit: str
    centre_id: int | None = None
    area: str | None = None  # a jurisdiction path


def selection_of(user) -> Selection | None:
    """The user's visible cases as a tally selection, or None when the tally cannot say
    exactly which (see the module's docstring)."""
    if user.is_superuser:
        return Selection("")
    staff = staff_of(user)
    if staff is None:
        return None
    roles = roles_of(user)
    if Role.CYBERSPACE in roles or referral_area(user) is not None:
        return None
    county = staff.jurisdiction.path if staff.jurisdiction_id else None
    units = reach.user_units(user)
    main, covered = None, None
    if Role.SUPERVISOR in roles and county:
        chosen = Selection("", area=county)
        covered = Q(dispute__jurisdiction__path__startswith=county)
    elif roles & {Role.LEADING_GROUP_OFFICE, Role.LEADER} and county:
        chosen = Selection(ESCALATED, area=county)
        covered = Q(
            dispute__escalated_at__isnull=False, dispute__jurisdiction__path__startswith=county
        )
    elif f"centre:{staff.centre_id}" in units:
        main = f"centre:{staff.centre_id}"
        chosen = Selection("", centre_id=staff.centre_id)
        covered = Q(dispute__centre_id=staff.centre_id)
    elif f"dept:{staff.department_id}" in units:
        main = f"dept:{staff.department_id}"
        chosen = Selection(main)
        covered = Q(Exists(CaseReach.objects.filter(dispute_id=OuterRef("dispute_id"), unit=main)))
    else:
        return None
    others = sorted(units - {main})
    if others and CaseReach.objects.filter(unit__in=others).exclude(covered).exists():
        return None
    return chosen


def counts_for(scope) -> "TallyCounts | None":
    """The tally's counts for a dashboard scope, or None to count live."""
    state = fresh_state()
    if state is None:
        return None
    chosen = selection_of(scope.user)
    if chosen is None:
        return None
    cleaned = scope.form.cleaned_data
    area, centre, department = cleaned.get("area"), cleaned.get("centre"), cleaned.get("department")
    if area is not None and area.level == Jurisdiction.Level.VILLAGE:
        return None
    case_unit = limit_unit = chosen.unit
    if department is not None:
        if chosen.unit == "":
            case_unit = f"dept:{department.pk}"
        elif chosen.unit != f"dept:{department.pk}":
            return None
    rows = TallyRow.objects.all()
    if chosen.centre_id is not None:
        rows = rows.filter(centre_id=chosen.centre_id)
    if centre is not None:
        rows = rows.filter(centre_id=centre.pk)
    for path in (chosen.area, area.path if area is not None else None):
        if path:
            rows = rows.filter(place__path__startswith=path)
    return TallyCounts(
        rows.filter(_period(cleaned["from"], cleaned["to"])),
        case_unit=case_unit,
        limit_unit=limit_unit,
        department=department,
        as_of=state.counted_at,
    )


def fresh_state() -> TallyState | None:
    """The tally's state when it is recent enough to be read."""
    state = TallyState.objects.filter(pk=1).first()
    if state is None:
        return None
    if state.counted_at < clock.now() - datetime.timedelta(seconds=settings.REPORTS_TALLY_MAX_AGE):
        return None
    return state


class TallyCounts:
    """The specs summed from the tally rows of a scope (the same rows ``LiveCounts`` gives)."""

    def __init__(self, rows, *, case_unit, limit_unit, department, as_of):
        self.tally_rows, self.department, self.as_of = rows, department, as_of
        self.case_unit, self.limit_unit = case_unit, limit_unit

    def rows(self, spec: Spec) -> list[dict]:
        unit = self.limit_unit if spec.base.limits else self.case_unit
        variant, narrowed = "", None
        fields = [*spec.fields, *(["days"] if spec.fold else [])]
        if self.department is not None and spec.by_department:
            if spec.grouped_by_department:
                narrowed = fields.index(f"{spec.base.department}__code")
            else:
                variant, narrowed = DEPARTMENT_VARIANT, len(fields)
        dims = {
            "dim_month": F("day"),
            "dim_place": F("place__path"),
            "dim_centre": F("centre__code"),
        }
        wanted = {f"dim_{d}": dims[f"dim_{d}"] for d in spec.dims}
        grouped_rows = (
            self.tally_rows.filter(unit=unit, spec=spec.name, variant=variant)
            .annotate(**wanted)
            .values("key", *wanted)
            .annotate(a=Sum("a"), b=Sum("b"), c=Sum("c"), d=Sum("d"))
            .order_by()
        )
        names = list(spec.aggregates)
        out: dict[tuple, dict] = {}
        for r in grouped_rows:
            values = json.loads(r["key"])
            if narrowed is not None:
                if values[narrowed] != self.department.code:
                    continue
                values = values[: len(fields)]
            row = dict(zip(fields, values, strict=True))
            for name in wanted:
                row[name] = _month_of(r[name]) if name == "dim_month" else r[name]
            slot_key = tuple(sorted((k, v) for k, v in row.items()))
            slot = out.setdefault(slot_key, {**row, **dict.fromkeys(names, 0)})
            for name, total in zip(names, (r["a"], r["b"], r["c"], r["d"]), strict=False):
                slot[name] += total or 0
        for slot in out.values():
            for name in MONEY & set(names):
                slot[name] = Decimal(slot[name]) / 100
        return list(out.values())


def _period(start: datetime.date, end: datetime.date) -> Q:
    """The rows of the days from ``start`` to ``end``: whole months from the month rows, the
    days of a month begun or not ended within the period from the day rows."""
    days = Q(grain=TallyRow.Grain.DAY)
    first_whole = start if start.day == 1 else _next_month(start)
    after_whole = (
        _next_month(end)
        if _next_month(end) - datetime.timedelta(days=1) == end
        else end.replace(day=1)
    )
    if first_whole >= after_whole:  # no whole month: the days alone
        return days & Q(day__gte=start, day__lte=end)
    q = Q(grain=TallyRow.Grain.MONTH, day__gte=first_whole, day__lt=after_whole)
    if start < first_whole:
        q |= days & Q(day__gte=start, day__lt=first_whole)
    if after_whole <= end:
        q |= days & Q(day__gte=after_whole, day__lte=end)
    return q


def _month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _local(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = _next_month(month)
    return months


def evaluation_figures(user, period):
    """The evaluation's figures of the cases ``user`` sees over ``period`` (a
    ``reports.evaluation.Period``) from the tally: ``(departments, centres, cases closed,
    counted at)``, each a ``{unit id: figure}`` dict as ``reports.evaluation.scorecard``
    counts them live; None to count live (no fresh tally, or a user whose cases are not one
    area or centre of every unit: a department's officer, the leading group)."""
    state = fresh_state()
    if state is None:
        return None
    chosen = selection_of(user)
    if chosen is None or chosen.unit != "":
        return None
    rows = TallyRow.objects.filter(spec__in=list(EVALUATION_SPECS), variant="")
    if chosen.centre_id is not None:
        rows = rows.filter(centre_id=chosen.centre_id)
    if chosen.area:
        rows = rows.filter(place__path__startswith=chosen.area)
    in_period = rows.filter(_period(period.start, period.end))
    every_day = rows.filter(grain=TallyRow.Grain.MONTH)

    def per_unit(qs, name: str) -> dict[int, dict]:
        spec = EVALUATION_SPECS[name]
        out: dict[int, dict] = {}
        sums = (
            qs.filter(spec=name, unit="")
            .values("key")
            .annotate(a=Sum("a"), b=Sum("b"), c=Sum("c"), d=Sum("d"))
            .order_by()
        )
        for r in sums:
            (unit_id,) = json.loads(r["key"])
            slot = out.setdefault(unit_id, dict.fromkeys(spec.aggregates, 0))
            totals = (r["a"], r["b"], r["c"], r["d"])
            for aggregate, total in zip(spec.aggregates, totals, strict=False):
                slot[aggregate] += total or 0
        return out

    def counts(qs, name: str) -> dict[int, int]:
        return {unit: values["n"] for unit, values in per_unit(qs, name).items()}

    cases = in_period.filter(spec="eval_cases").order_by()
    by_department = {
        int(r["unit"].removeprefix("dept:")): r["n"]
        for r in cases.filter(unit__startswith="dept:").values("unit").annotate(n=Sum("a"))
    }
    by_centre = {
        r["centre_id"]: r["n"]
        for r in cases.filter(unit="").values("centre_id").annotate(n=Sum("a"))
    }
    rate_names = list(EVALUATION_SPECS["eval_rates"].aggregates)
    rates = in_period.filter(spec="eval_rates").order_by()
    sums = {"a": Sum("a"), "b": Sum("b"), "c": Sum("c"), "d": Sum("d")}

    def rate_rows(rows, key: str) -> dict[int, dict]:
        return {
            r[key]: dict(zip(rate_names, (r["a"], r["b"], r["c"], r["d"]), strict=True))
            for r in rows.values(key).annotate(**sums)
        }

    department_rates = {
        int(unit.removeprefix("dept:")): values
        for unit, values in rate_rows(rates.filter(unit__startswith="dept:"), "unit").items()
    }
    centre_rates = rate_rows(rates.filter(unit=""), "centre_id")
    figures = {}
    for unit in ("department", "centre"):
        figures[unit] = {
            "cases": by_department if unit == "department" else by_centre,
            "rates": department_rates if unit == "department" else centre_rates,
            "limits": per_unit(in_period, f"eval_limits_{unit}"),
            "overdue_open": counts(every_day, f"eval_overdue_{unit}"),
            "extensions": counts(in_period, f"eval_extensions_{unit}"),
            "declines": counts(in_period, "eval_declines_department")
            if unit == "department"
            else {},
            "accountability": counts(in_period, f"eval_accountability_{unit}"),
        }
    return figures["department"], figures["centre"], sum(by_centre.values()), state.counted_at
