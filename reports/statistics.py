"""The dashboard's figures (统计分析): each series one grouped query over the cases a user sees,
as the ledger's filter selects them, and each item linked to the ledger filtered to exactly the
cases behind it (``reports.ledger``), so that the count clicked is the count listed.

The scope is the ledger's own parameters: the period received (``from``, ``to``; this calendar
year up to today unless given), and a centre, a jurisdiction subtree (``area``) or a department.
Every item is ``{"key", "label", "value", "url"}``; where the value is not a count of cases (a
share, a mean), ``cases`` beside it is the number of cases its link lists.

A department reads two ways in the ledger (see its docstring), and so here: alone, the cases it
leads or co-handles (the case counts: intake, states, ...); beside a question about time limits,
sub-tasks or extensions, the ones that department answers for. So the series about limits are
asked of the cases of the rest of the scope (``limit_cases``), narrowed to the department's own
limits when the scope names one; their links say the same with ``department=``.

Aggregates run in the database (``values().annotate()``), one query a series; the code walks the
groups, never the cases. Working days to reply are the exception that cannot be summed in SQL
(the calendar is Python's): the replied cases are grouped by their (received day, replied day)
pair in SQL — a few thousand pairs a year, whatever the number of cases — and each pair is
counted once on one calendar loaded for the whole span.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.models import CourtEnforcement, DepartmentTask
from departments.models import Jurisdiction
from disputes.models import Classification, PayerKind, State
from disputes.selectors import visible_disputes
from reports.ledger import (
    DEADLINE_CONDITIONS,
    DECLINED_TASKS,
    UNCLASSIFIED,
    DeadlineCondition,
    LedgerFilter,
    combined_condition,
    ledger_url,
)
from routing.models import Deadline, ExtensionRequest, Stage
from routing.workdays import Calendar, working_days_between

# The ledger's parameters that make a dashboard's scope.
SCOPE = ("from", "to", "centre", "area", "department")
# Past this many months a period's monthly intake lists only the months with cases.
MAX_FILLED_MONTHS = 240


class DashboardScopeForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", _("The period ends before it starts."))
        return cleaned


class DashboardScope(LedgerFilter):
    """The ledger's filter cut to the dashboard's period and scope."""

    class Meta(LedgerFilter.Meta):
        form = DashboardScopeForm

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        for name in ("from", "to"):
            widget = self.form.fields[name].widget
            widget.input_type, widget.format = "date", "%Y-%m-%d"


DashboardScope.base_filters = {name: LedgerFilter.base_filters[name] for name in SCOPE}


def dashboard_scope(user, params) -> DashboardScope:
    """The scope ``params`` (a QueryDict) asks for over the cases ``user`` sees, the period
    defaulting to this calendar year up to today."""
    data = params.copy()
    today = timezone.localdate()
    if not data.get("from"):
        data["from"] = datetime.date(today.year, 1, 1).isoformat()
    if not data.get("to"):
        data["to"] = today.isoformat()
    for name in list(data):
        if name not in SCOPE:
            del data[name]
    return DashboardScope(data, queryset=visible_disputes(user), user=user)


# The series in the order the page shows them, with their titles.
TITLES = {
    "totals": gettext_lazy("Overview"),
    "by_month": gettext_lazy("Intake by month"),
    "by_channel": gettext_lazy("Intake by channel"),
    "by_category": gettext_lazy("Intake by category"),
    "by_jurisdiction": gettext_lazy("Intake by town or street"),
    "by_payer_kind": gettext_lazy("Enterprises, individuals and residents"),
    "by_classification": gettext_lazy("Cases by classification"),
    "by_state": gettext_lazy("Cases by state"),
    "on_time_by_department": gettext_lazy("On-time rate by department"),
    "on_time_by_stage": gettext_lazy("On-time rate by stage"),
    "reply_days_by_classification": gettext_lazy("Working days to reply by classification"),
    "overdue_by_department": gettext_lazy("Overdue now by department"),
    "declines_by_department": gettext_lazy("Declines by department"),
    "pass_on": gettext_lazy("Declined matters passed on"),
    "extensions_by_department": gettext_lazy("Extensions granted by department"),
    "escalated_by_centre": gettext_lazy("Escalated to the leading group by centre"),
    "court": gettext_lazy("Court enforcement"),
    "hotspots": gettext_lazy("Hotspots: category by town or street"),
}


def item(key, label, value, url, **extra) -> dict:
    return {"key": key, "label": str(label), "value": value, "url": url, **extra}


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


@dataclass
class Place:
    """Where the cases of a jurisdiction are counted: its town (or the jurisdiction itself when
    it lies above the towns), and the ledger parameters that select exactly that place."""

    key: str
    label: str
    params: dict


class Dashboard:
    def __init__(self, scope: DashboardScope):
        if scope.form.errors:
            raise ValueError("an invalid scope has no figures")
        cleaned = scope.form.cleaned_data
        self.params = {name: cleaned.get(name) for name in SCOPE}
        self.department = cleaned.get("department")
        self.area = cleaned.get("area")
        self.cases: QuerySet = scope.qs.order_by()
        if self.department is None:
            self.limit_cases = self.cases
        else:
            rest = scope.data.copy()
            del rest["department"]
            self.limit_cases = DashboardScope(rest, queryset=scope.queryset, user=scope.user).qs

    def url(self, **params) -> str:
        return ledger_url(**{**self.params, **params})

    def figures(self) -> dict:
        series = {name: getattr(self, name)() for name in TITLES}
        return {
            "meta": {
                "from": self.params["from"].isoformat(),
                "to": self.params["to"].isoformat(),
                "titles": {name: str(title) for name, title in TITLES.items()},
                "ledger": self.url(),
            },
            **series,
        }

    # -- the limits a series asks about ---------------------------------------------------

    def _deadlines(self, condition: Q | None = None) -> QuerySet:
        qs = Deadline.objects.filter(dispute__in=self.limit_cases)
        if condition is not None:
            qs = qs.filter(condition)
        if self.department is not None:
            qs = qs.filter(department=self.department)
        return qs.order_by()

    def _limit_count(self, **condition) -> int:
        return self.limit_cases.filter(
            combined_condition(department=self.department, **condition)
        ).count()

    # -- the series ---------------------------------------------------------------------------

    def totals(self) -> list[dict]:
        counts = self.cases.aggregate(
            received=Count("pk"),
            escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
            replied=Count("pk", filter=Q(replied_at__isnull=False)),
        )
        overdue = self._limit_count(deadline=DeadlineCondition.OVERDUE_NOW)
        return [
            item("received", _("Cases received"), counts["received"], self.url()),
            item(
                "escalated",
                _("Escalated to the leading group"),
                counts["escalated"],
                self.url(escalated=True),
            ),
            item("replied", _("Replied"), counts["replied"], self.url(replied=True)),
            item(
                "overdue_now",
                _("With a time limit overdue now"),
                overdue,
                self.url(deadline=DeadlineCondition.OVERDUE_NOW),
            ),
        ]

    def by_month(self) -> list[dict]:
        rows = (
            self.cases.annotate(month=TruncMonth("received_at"))
            .values("month")
            .annotate(n=Count("pk"))
        )
        counts = {}
        for row in rows:
            month = row["month"]
            if isinstance(month, datetime.datetime):
                month = timezone.localtime(month).date()
            counts[month.replace(day=1)] = row["n"]
        start, end = self.params["from"], self.params["to"]
        months = _months(start, end)
        if len(months) > MAX_FILLED_MONTHS:
            months = sorted(counts)
        out = []
        for month in months:
            last = _month_end(month)
            out.append(
                item(
                    f"{month:%Y-%m}",
                    date_format(month, "YEAR_MONTH_FORMAT"),
                    counts.get(month, 0),
                    self.url(**{"from": max(month, start), "to": min(last, end)}),
                )
            )
        return out

    def _by_code(self, relation: str, param: str) -> list[dict]:
        code, name = f"{relation}__code", f"{relation}__name"
        rows = self.cases.values(code, name).annotate(n=Count("pk")).order_by("-n", code)
        return [item(r[code], r[name], r["n"], self.url(**{param: r[code]})) for r in rows]

    def by_channel(self) -> list[dict]:
        return self._by_code("channel", "channel")

    def by_category(self) -> list[dict]:
        return self._by_code("category", "category")

    def _by_choice(self, field: str, choices, param: str, blank_key: str | None = None):
        rows = {r[field]: r["n"] for r in self.cases.values(field).annotate(n=Count("pk"))}
        out = []
        for value, label in choices:
            if value in rows:
                out.append(item(value, label, rows[value], self.url(**{param: value})))
        if blank_key and "" in rows:
            out.append(
                item(blank_key, _("Not yet classified"), rows[""], self.url(**{param: blank_key}))
            )
        return out

    def by_payer_kind(self) -> list[dict]:
        return self._by_choice("payer_kind", PayerKind.choices, "payer_kind")

    def by_classification(self) -> list[dict]:
        return self._by_choice(
            "classification", Classification.choices, "classification", UNCLASSIFIED
        )

    def by_state(self) -> list[dict]:
        return self._by_choice("state", State.choices, "state")

    def by_jurisdiction(self) -> list[dict]:
        rows = self.cases.values("jurisdiction__path").annotate(n=Count("pk"))
        counts = {r["jurisdiction__path"]: r["n"] for r in rows}
        places = self._places(counts)
        totals: dict[str, list] = {}
        for path, n in counts.items():
            place = places[path]
            totals.setdefault(place.key, [place, 0])[1] += n
        ordered = sorted(totals.values(), key=lambda pair: (-pair[1], pair[0].key))
        return [item(p.key, p.label, n, self.url(**p.params)) for p, n in ordered]

    def _places(self, paths) -> dict[str, Place]:
        """Each jurisdiction path's place: its town, or itself above the towns. A scope within
        one town (or village) is its own single place."""
        if self.area is not None and self.area.level != Jurisdiction.Level.COUNTY:
            whole = Place(self.area.code, self.area.name, {})
            return dict.fromkeys(paths, whole)
        prefixes = {p for path in paths for p in _prefixes(path)}
        nodes = {
            j.path: j
            for j in Jurisdiction.objects.filter(path__in=prefixes).only(
                "code", "name", "level", "path"
            )
        }
        places = {}
        for path in paths:
            town = next(
                (
                    nodes[p]
                    for p in _prefixes(path)
                    if p in nodes and nodes[p].level == Jurisdiction.Level.TOWN
                ),
                None,
            )
            if town is not None:
                places[path] = Place(town.code, town.name, {"area": town.code})
            else:
                node = nodes[path]
                label = _("%(name)s itself") % {"name": node.name}
                places[path] = Place(node.code, label, {"place": node.code})
        return places

    def on_time_by_department(self) -> list[dict]:
        closed = DEADLINE_CONDITIONS[DeadlineCondition.CLOSED]
        rows = (
            self._deadlines(closed)
            .filter(department__isnull=False)
            .values("department__code", "department__name")
            .annotate(
                total=Count("pk"),
                met=Count("pk", filter=Q(status=Deadline.Status.MET)),
                cases=Count("dispute", distinct=True),
            )
            .order_by("department__code")
        )
        return [
            item(
                r["department__code"],
                r["department__name"],
                share(r["met"], r["total"]),
                self.url(deadline=DeadlineCondition.CLOSED, department=r["department__code"]),
                met=r["met"],
                total=r["total"],
                cases=r["cases"],
            )
            for r in rows
        ]

    def on_time_by_stage(self) -> list[dict]:
        closed = DEADLINE_CONDITIONS[DeadlineCondition.CLOSED]
        rows = {
            r["stage"]: r
            for r in self._deadlines(closed)
            .values("stage")
            .annotate(
                total=Count("pk"),
                met=Count("pk", filter=Q(status=Deadline.Status.MET)),
                cases=Count("dispute", distinct=True),
            )
        }
        return [
            item(
                stage,
                label,
                share(rows[stage]["met"], rows[stage]["total"]),
                self.url(deadline=DeadlineCondition.CLOSED, stage=stage),
                met=rows[stage]["met"],
                total=rows[stage]["total"],
                cases=rows[stage]["cases"],
            )
            for stage, label in Stage.choices
            if stage in rows
        ]

    def reply_days_by_classification(self) -> list[dict]:
        pairs = (
            self.cases.filter(replied_at__isnull=False)
            .annotate(received=TruncDate("received_at"), replied=TruncDate("replied_at"))
            .values("classification", "received", "replied")
            .annotate(n=Count("pk"))
        )
        pairs = list(pairs)
        if not pairs:
            return []
        calendar = Calendar(min(p["received"] for p in pairs), max(p["replied"] for p in pairs))
        days: dict[str, dict[int, int]] = {}
        for p in pairs:
            spent = working_days_between(p["received"], p["replied"], calendar)
            counts = days.setdefault(p["classification"] or UNCLASSIFIED, {})
            counts[spent] = counts.get(spent, 0) + p["n"]
        labels = dict(Classification.choices) | {UNCLASSIFIED: _("Not yet classified")}
        out = []
        for key in [*Classification.values, UNCLASSIFIED]:
            if key not in days:
                continue
            mean, p90, n = _mean_and_p90(days[key])
            out.append(
                item(
                    key,
                    labels[key],
                    mean,
                    self.url(replied=True, classification=key),
                    p90=p90,
                    cases=n,
                )
            )
        return out

    def overdue_by_department(self) -> list[dict]:
        rows = (
            self._deadlines(DEADLINE_CONDITIONS[DeadlineCondition.OVERDUE_NOW])
            .filter(department__isnull=False)
            .values("department__code", "department__name")
            .annotate(n=Count("dispute", distinct=True))
            .order_by("-n", "department__code")
        )
        return [
            item(
                r["department__code"],
                r["department__name"],
                r["n"],
                self.url(deadline=DeadlineCondition.OVERDUE_NOW, department=r["department__code"]),
            )
            for r in rows
        ]

    def declines_by_department(self) -> list[dict]:
        """回退率: of the cases a department was given a sub-task on, the share it declined as
        not its duty (reassigned since or not)."""
        tasks = DepartmentTask.objects.filter(dispute__in=self.limit_cases)
        if self.department is not None:
            tasks = tasks.filter(department=self.department)
        rows = (
            tasks.order_by()
            .values("department__code", "department__name")
            .annotate(
                total=Count("dispute", distinct=True),
                declined=Count("dispute", distinct=True, filter=DECLINED_TASKS),
            )
            .order_by("department__code")
        )
        return [
            item(
                r["department__code"],
                r["department__name"],
                share(r["declined"], r["total"]),
                self.url(declined=True, department=r["department__code"]),
                declined=r["declined"],
                total=r["total"],
                cases=r["declined"],
            )
            for r in rows
        ]

    def pass_on(self) -> list[dict]:
        """The declined matters the centre passes on to another department (2个工作日内传递):
        waiting, passed on in time, passed on late, overdue and not yet passed on."""
        conditions = {
            DeadlineCondition.RUNNING: _("Waiting to be passed on"),
            DeadlineCondition.MET: _("Passed on in time"),
            DeadlineCondition.LATE: _("Passed on late"),
            DeadlineCondition.OVERDUE_NOW: _("Overdue, not yet passed on"),
        }
        counts = self._deadlines(Q(stage=Stage.PASS_ON)).aggregate(
            **{
                str(c): Count("dispute", distinct=True, filter=DEADLINE_CONDITIONS[c])
                for c in conditions
            }
        )
        return [
            item(str(c), label, counts[str(c)], self.url(deadline=c, stage=Stage.PASS_ON))
            for c, label in conditions.items()
        ]

    def extensions_by_department(self) -> list[dict]:
        granted = ExtensionRequest.objects.filter(
            status=ExtensionRequest.Status.GRANTED,
            deadline__dispute__in=self.limit_cases,
            deadline__department__isnull=False,
        )
        if self.department is not None:
            granted = granted.filter(deadline__department=self.department)
        code, name = "deadline__department__code", "deadline__department__name"
        rows = (
            granted.order_by()
            .values(code, name)
            .annotate(
                n=Count("deadline__dispute", distinct=True),
                requests=Count("pk"),
                days=Sum("working_days"),
            )
            .order_by("-n", code)
        )
        return [
            item(
                r[code],
                r[name],
                r["n"],
                self.url(extended=True, department=r[code]),
                requests=r["requests"],
                days=r["days"],
            )
            for r in rows
        ]

    def escalated_by_centre(self) -> list[dict]:
        rows = (
            self.cases.filter(escalated_at__isnull=False)
            .values("centre__code", "centre__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "centre__code")
        )
        return [
            item(
                r["centre__code"],
                r["centre__name"],
                r["n"],
                self.url(escalated=True, centre=r["centre__code"]),
            )
            for r in rows
        ]

    def court(self) -> list[dict]:
        rows = {
            r["status"]: r
            for r in CourtEnforcement.objects.filter(dispute__in=self.cases)
            .order_by()
            .values("status")
            .annotate(n=Count("dispute", distinct=True), amount=Sum("amount"))
        }
        return [
            item(
                status,
                label,
                rows[status]["n"],
                self.url(court=status),
                amount=f"{rows[status]['amount'] or 0:.2f}",
            )
            for status, label in CourtEnforcement.Status.choices
            if status in rows
        ]

    def hotspots(self) -> list[dict]:
        """Category × town: each cell the cases of that category in that place."""
        rows = self.cases.values("category__code", "category__name", "jurisdiction__path").annotate(
            n=Count("pk")
        )
        rows = list(rows)
        places = self._places({r["jurisdiction__path"] for r in rows})
        cells: dict[tuple, list] = {}
        for r in rows:
            place = places[r["jurisdiction__path"]]
            key = (r["category__code"], place.key)
            cells.setdefault(key, [r["category__name"], place, 0])[2] += r["n"]
        ordered = sorted(cells.items(), key=lambda kv: (-kv[1][2], kv[0]))
        return [
            item(
                f"{category}|{place.key}",
                f"{name} · {place.label}",
                n,
                self.url(category=category, **place.params),
                category=category,
                row=name,
                place=place.key,
                column=place.label,
            )
            for (category, _key), (name, place, n) in ordered
        ]


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = _month_end(month) + datetime.timedelta(days=1)
    return months


def _month_end(month: datetime.date) -> datetime.date:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def _prefixes(path: str) -> list[str]:
    """A materialised path's own prefixes, from the top down (``a/``, ``a/b/``, ...)."""
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def _mean_and_p90(histogram: dict[int, int]) -> tuple[float, int, int]:
    """The mean (one decimal) and the 90th percentile (nearest rank) of a distribution given
    as {working days: number of cases}, and the number of cases."""
    n = sum(histogram.values())
    mean = round(sum(days * count for days, count in histogram.items()) / n, 1)
    rank, seen = -(-9 * n // 10), 0  # ceil(0.9 n)
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= rank:
            return mean, days, n
    raise AssertionError("unreachable")
