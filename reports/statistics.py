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

The satisfaction and redo rates (满意率, 重办率) are the case's own, per owning centre and per
department leading or co-handling, over the scope's cases: of those rated (the current reply's
latest rating), the share satisfied or basically satisfied; of those replied to at least once,
the share redone. The link lists the cases rated (replied), ``satisfied_url`` (``redone_url``)
the cases of the share; within a department's scope, only that department's row is shown.

What each series counts is said once, in ``reports.figures`` (one grouped query a spec; the
code here walks the groups, never the cases), and counted either live over the scope's cases or
from the tally counted ahead (``reports.tally``), which answers a county's year at a million
cases at once; the page says which, and how fresh. Working days to reply cannot be summed in SQL
(the calendar is Python's): the replied cases are grouped by their (received day, replied day)
pair and each pair counted once on one calendar loaded for the whole span.
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.models import CourtEnforcement
from departments.models import Centre, Department, Jurisdiction
from disputes.models import Category, Channel, Classification, PayerKind, State
from disputes.selectors import visible_disputes
from reports.figures import RATE_FIGURES, SPECS, LiveCounts
from reports.ledger import (
    UNCLASSIFIED,
    DeadlineCondition,
    LedgerFilter,
    SatisfactionCondition,
    ledger_url,
)
from routing.models import Stage

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
    "satisfaction_by_centre": gettext_lazy("Satisfaction rate by centre"),
    "satisfaction_by_department": gettext_lazy("Satisfaction rate by department"),
    "redo_by_centre": gettext_lazy("Redo rate by centre"),
    "redo_by_department": gettext_lazy("Redo rate by department"),
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
    """The series of a scope, from the tally when it can answer for this user and scope
    (``reports.tally``), counted live otherwise (``counts=`` chooses for a test)."""

    def __init__(self, scope: DashboardScope, counts=None):
        if scope.form.errors:
            raise ValueError("an invalid scope has no figures")
        cleaned = scope.form.cleaned_data
        self.params = {name: cleaned.get(name) for name in SCOPE}
        self.department = cleaned.get("department")
        self.area = cleaned.get("area")
        if counts is None:
            from reports import tally

            counts = tally.counts_for(scope) or self.live_counts(scope)
        self.counts = counts
        self._rows: dict[str, list] = {}

    @classmethod
    def live_counts(cls, scope: DashboardScope) -> LiveCounts:
        cases = scope.qs.order_by()
        department = scope.form.cleaned_data.get("department")
        if department is None:
            limit_cases = cases
        else:
            rest = scope.data.copy()
            del rest["department"]
            limit_cases = DashboardScope(rest, queryset=scope.queryset, user=scope.user).qs
        return LiveCounts(cases, limit_cases.order_by(), department)

    def rows(self, name: str) -> list[dict]:
        if name not in self._rows:
            self._rows[name] = self.counts.rows(SPECS[name])
        return self._rows[name]

    def url(self, **params) -> str:
        return ledger_url(**{**self.params, **params})

    def figures(self) -> dict:
        series = {name: getattr(self, name)() for name in TITLES}
        as_of = self.counts.as_of
        return {
            "meta": {
                "from": self.params["from"].isoformat(),
                "to": self.params["to"].isoformat(),
                "titles": {name: str(title) for name, title in TITLES.items()},
                "ledger": self.url(),
                "as_of": as_of.isoformat() if as_of else None,
            },
            **series,
        }

    # -- the series ---------------------------------------------------------------------------

    def totals(self) -> list[dict]:
        counts = _sums(self.rows("totals"), "received", "escalated", "replied")
        overdue = _sums(self.rows("overdue_now"), "cases")["cases"]
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
        counts: dict[datetime.date, int] = {}
        for row in self.rows("totals"):
            month = _date(row["dim_month"]).replace(day=1)
            counts[month] = counts.get(month, 0) + row["received"]
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

    def _by_code(self, spec: str, model, param: str) -> list[dict]:
        code = SPECS[spec].fields[0]
        counts = _grouped(self.rows(spec), code, "n")
        names = _names(model, counts)
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return [item(c, names.get(c, c), n, self.url(**{param: c})) for c, n in ordered]

    def by_channel(self) -> list[dict]:
        return self._by_code("channel", Channel, "channel")

    def by_category(self) -> list[dict]:
        return self._by_code("category", Category, "category")

    def _by_choice(self, spec: str, choices, param: str, blank_key: str | None = None):
        rows = _grouped(self.rows(spec), SPECS[spec].fields[0], "n")
        out = []
        for value, label in choices:
            if rows.get(value):
                out.append(item(value, label, rows[value], self.url(**{param: value})))
        if blank_key and rows.get(""):
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
        counts = _grouped(self.rows("totals"), "dim_place", "received")
        places = self._places(counts)
        totals: dict[str, list] = {}
        for path, n in counts.items():
            if not n:
                continue
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

    def _departments(self, spec: str, *sums: str) -> dict[str, dict]:
        return _grouped_sums(self.rows(spec), SPECS[spec].fields[0], *sums)

    def on_time_by_department(self) -> list[dict]:
        rows = self._departments("on_time_department", "total", "met", "cases")
        names = _names(Department, rows)
        return [
            item(
                code,
                names.get(code, code),
                share(r["met"], r["total"]),
                self.url(deadline=DeadlineCondition.CLOSED, department=code),
                met=r["met"],
                total=r["total"],
                cases=r["cases"],
            )
            for code, r in sorted(rows.items())
            if r["total"]
        ]

    def on_time_by_stage(self) -> list[dict]:
        rows = _grouped_sums(self.rows("on_time_stage"), "stage", "total", "met", "cases")
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
            if stage in rows and rows[stage]["total"]
        ]

    def reply_days_by_classification(self) -> list[dict]:
        days: dict[str, dict[int, int]] = {}
        for r in self.rows("reply_days"):
            if not r["n"]:
                continue
            counts = days.setdefault(r["classification"] or UNCLASSIFIED, {})
            counts[r["days"]] = counts.get(r["days"], 0) + r["n"]
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
        rows = _grouped(self.rows("overdue_department"), "department__code", "cases")
        names = _names(Department, rows)
        ordered = sorted(((c, n) for c, n in rows.items() if n), key=lambda kv: (-kv[1], kv[0]))
        return [
            item(
                code,
                names.get(code, code),
                n,
                self.url(deadline=DeadlineCondition.OVERDUE_NOW, department=code),
            )
            for code, n in ordered
        ]

    def declines_by_department(self) -> list[dict]:
        """回退率: of the cases a department was given a sub-task on, the share it declined as
        not its duty (reassigned since or not)."""
        rows = self._departments("declines", "total", "declined")
        names = _names(Department, rows)
        return [
            item(
                code,
                names.get(code, code),
                share(r["declined"], r["total"]),
                self.url(declined=True, department=code),
                declined=r["declined"],
                total=r["total"],
                cases=r["declined"],
            )
            for code, r in sorted(rows.items())
            if r["total"]
        ]

    def pass_on(self) -> list[dict]:
        """The declined matters the centre passes on to another department (2个工作日内传递):
        waiting, passed on in time, passed on late, overdue and not yet passed on."""
        labels = {
            DeadlineCondition.RUNNING: _("Waiting to be passed on"),
            DeadlineCondition.MET: _("Passed on in time"),
            DeadlineCondition.LATE: _("Passed on late"),
            DeadlineCondition.OVERDUE_NOW: _("Overdue, not yet passed on"),
        }
        counts = _sums(self.rows("pass_on"), *map(str, labels))
        return [
            item(str(c), label, counts[str(c)], self.url(deadline=c, stage=Stage.PASS_ON))
            for c, label in labels.items()
        ]

    def extensions_by_department(self) -> list[dict]:
        code = "deadline__department__code"
        rows = _grouped_sums(self.rows("extensions"), code, "cases", "requests", "days")
        names = _names(Department, rows)
        ordered = sorted(
            ((c, r) for c, r in rows.items() if r["cases"]), key=lambda kv: (-kv[1]["cases"], kv[0])
        )
        return [
            item(
                c,
                names.get(c, c),
                r["cases"],
                self.url(extended=True, department=c),
                requests=r["requests"],
                days=r["days"],
            )
            for c, r in ordered
        ]

    def escalated_by_centre(self) -> list[dict]:
        counts = _grouped(self.rows("totals"), "dim_centre", "escalated")
        names = _names(Centre, counts)
        ordered = sorted(((c, n) for c, n in counts.items() if n), key=lambda kv: (-kv[1], kv[0]))
        return [item(c, names.get(c, c), n, self.url(escalated=True, centre=c)) for c, n in ordered]

    def court(self) -> list[dict]:
        rows = _grouped_sums(self.rows("court"), "status", "cases", "amount")
        return [
            item(
                status,
                label,
                rows[status]["cases"],
                self.url(court=status),
                amount=f"{rows[status]['amount'] or 0:.2f}",
            )
            for status, label in CourtEnforcement.Status.choices
            if status in rows and rows[status]["cases"]
        ]

    # -- the payer's rating and the redo (满意率, 重办率) -----------------------------------------

    @cached_property
    def _rates_by_centre(self) -> list[tuple[str, str, dict]]:
        """(code, name, figures) of each owning centre of the scope's cases."""
        rows = _grouped_sums(self.rows("rates_centre"), "dim_centre", *RATE_FIGURES)
        names = _names(Centre, rows)
        return [(c, names.get(c, c), r) for c, r in sorted(rows.items())]

    @cached_property
    def _rates_by_department(self) -> list[tuple[Department, dict]]:
        """Each department's figures over the scope's cases it leads or co-handles; within a
        department's scope, that department's alone (its cases are the scope)."""
        rows = _grouped_sums(self.rows("rates_department"), "unit", *RATE_FIGURES)
        ids = {int(unit.removeprefix("dept:")): r for unit, r in rows.items()}
        if self.department is not None:
            ids = {pk: r for pk, r in ids.items() if pk == self.department.pk}
        if not ids:
            return []
        units = Department.objects.filter(pk__in=ids).only("code", "name").order_by("code")
        return [(d, ids[d.pk]) for d in units]

    def _satisfaction(self, key, label, r, **scope) -> dict:
        """满意率: of the cases rated, those satisfied or basically satisfied; the link lists
        the cases rated, ``satisfied_url`` the satisfied ones."""
        return item(
            key,
            label,
            share(r["satisfied"], r["rated"]),
            self.url(satisfaction=SatisfactionCondition.RATED, **scope),
            satisfied=r["satisfied"],
            rated=r["rated"],
            cases=r["rated"],
            satisfied_url=self.url(satisfaction=SatisfactionCondition.CONTENT, **scope),
        )

    def _redo(self, key, label, r, **scope) -> dict:
        """重办率: of the cases replied to at least once, those redone; the link lists the
        cases replied to, ``redone_url`` the redone ones."""
        return item(
            key,
            label,
            share(r["redone"], r["replied"]),
            self.url(ever_replied=True, **scope),
            redone=r["redone"],
            replied=r["replied"],
            cases=r["replied"],
            redone_url=self.url(redone=True, **scope),
        )

    def satisfaction_by_centre(self) -> list[dict]:
        return [
            self._satisfaction(c, name, r, centre=c)
            for c, name, r in self._rates_by_centre
            if r["rated"]
        ]

    def satisfaction_by_department(self) -> list[dict]:
        return [
            self._satisfaction(d.code, d.name, r, department=d.code)
            for d, r in self._rates_by_department
            if r["rated"]
        ]

    def redo_by_centre(self) -> list[dict]:
        return [
            self._redo(c, name, r, centre=c) for c, name, r in self._rates_by_centre if r["replied"]
        ]

    def redo_by_department(self) -> list[dict]:
        return [
            self._redo(d.code, d.name, r, department=d.code)
            for d, r in self._rates_by_department
            if r["replied"]
        ]

    def hotspots(self) -> list[dict]:
        """Category × town: each cell the cases of that category in that place."""
        rows = [r for r in self.rows("category") if r["n"]]
        places = self._places({r["dim_place"] for r in rows})
        names = _names(Category, {r["category__code"] for r in rows})
        cells: dict[tuple, list] = {}
        for r in rows:
            place = places[r["dim_place"]]
            key = (r["category__code"], place.key)
            cells.setdefault(key, [place, 0])[1] += r["n"]
        ordered = sorted(cells.items(), key=lambda kv: (-kv[1][1], kv[0]))
        return [
            item(
                f"{category}|{place.key}",
                f"{names.get(category, category)} · {place.label}",
                n,
                self.url(category=category, **place.params),
                category=category,
                row=names.get(category, category),
                place=place.key,
                column=place.label,
            )
            for (category, _key), (place, n) in ordered
        ]


def _sums(rows: list[dict], *names: str) -> dict[str, int]:
    return {name: sum(r[name] or 0 for r in rows) for name in names}


def _grouped(rows: list[dict], key: str, value: str) -> dict:
    out: dict = {}
    for r in rows:
        out[r[key]] = out.get(r[key], 0) + (r[value] or 0)
    return out


def _grouped_sums(rows: list[dict], key: str, *names: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in rows:
        slot = out.setdefault(r[key], dict.fromkeys(names, 0))
        for name in names:
            slot[name] += r[name] or 0
    return out


def _names(model, codes) -> dict[str, str]:
    """The names of the rows of ``model`` with these codes (one query)."""
    codes = [c for c in codes if c]
    if not codes:
        return {}
    return dict(model.objects.filter(code__in=codes).values_list("code", "name"))


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


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
