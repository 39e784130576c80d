"""The dashboard's figures (reports:dashboard-data) against counts made here from the model
rows of a year of cases with known outcomes (tests/reports/dashboard_cases.py): every series,
for every role's own cases, and each item's link to the ledger listing exactly as many cases as
the figure says.

The expected figures are counted in Python over the rows (cases, deadlines, sub-tasks,
extensions, court enforcements), with the working days read off ``chinesecalendar`` directly:
nothing here calls the statistics code, whose output is only compared.
"""

import datetime
import math
import re
from collections import Counter, defaultdict
from decimal import Decimal

import chinese_calendar
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from consultations.models import AgendaItem, CourtEnforcement, DepartmentTask, Meeting
from departments.models import Jurisdiction
from disputes.models import Dispute
from routing.models import Deadline, ExtensionRequest, LateCircular, Stage
from tests.reports.dashboard_cases import NOW, build_county

pytestmark = pytest.mark.django_db
DATA = reverse("reports:dashboard-data")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def county(module_world, django_db_blocker):
    """The year of cases, built once for the module inside module_world's transaction."""
    with django_db_blocker.unblock():
        cases = build_county(module_world)
    return module_world, cases


@pytest.fixture(autouse=True)
def _at_now():
    with time_machine.travel(NOW, tick=False):
        yield


# -- the expected figures, counted from the rows --------------------------------------------


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def working_days(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (the start day not counted)."""
    days, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        days += chinese_calendar.is_workday(day)
    return days


def place_of(jurisdiction: Jurisdiction, area: Jurisdiction | None = None) -> str:
    """The town a jurisdiction lies in (itself when above the towns); within a scope of one
    town or village, that scope."""
    if area is not None and area.level != Jurisdiction.Level.COUNTY:
        return area.code
    node = jurisdiction
    while node is not None:
        if node.level == Jurisdiction.Level.TOWN:
            return node.code
        node = node.parent
    return jurisdiction.code


def sees(world, user, d: Dispute) -> bool:
    """Who sees a case, as the roles are described: the supervisor the county's, the
    coordinator the owning centre's, a department's officer the cases it leads or co-handles,
    the leading group the escalated ones."""
    staff = user.staff
    if user == world.supervisor:
        return d.jurisdiction.path.startswith(world.county.path)
    if user == world.coordinator:
        return d.centre_id == staff.centre_id
    if staff.department_id:
        # Its own cases, and those on the agenda of a meeting it is invited to.
        invited = AgendaItem.objects.filter(
            dispute=d, meeting__invited_departments=staff.department_id
        ).exclude(meeting__status=Meeting.Status.CANCELLED)
        return (
            d.lead_department_id == staff.department_id
            or staff.department_id in {dep.pk for dep in d.co_departments.all()}
            or invited.exists()
        )
    if user in (world.lgo, world.leader):
        # Escalated or redone twice; the office also what was circulated to it as late.
        circulated = user == world.lgo and LateCircular.objects.filter(dispute=d).exists()
        return d.escalated_at is not None or d.redo_count >= 2 or circulated
    raise AssertionError(f"no rule for {user}")


def in_period(d: Dispute, start: datetime.date, end: datetime.date) -> bool:
    return start <= local_day(d.received_at) <= end


def months(start: datetime.date, end: datetime.date) -> list[str]:
    out, (y, m) = [], (start.year, start.month)
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def expected(cases, *, limit_cases=None, department=None, area=None, start, end) -> dict:
    """Each series as {key: value or (value, extras...)} for ``cases`` (the limits asked of
    ``limit_cases`` narrowed to ``department``'s own when given)."""
    limit_cases = cases if limit_cases is None else limit_cases
    ids = {d.pk for d in cases}
    limit_ids = {d.pk for d in limit_cases}
    limits = [
        dl
        for dl in Deadline.objects.select_related("department").filter(dispute_id__in=limit_ids)
        if department is None or dl.department_id == department.pk
    ]

    def closed(dl):
        return dl.met_at is not None and dl.status in (Deadline.Status.MET, Deadline.Status.OVERDUE)

    def overdue_now(dl):
        return dl.status == Deadline.Status.OVERDUE and dl.met_at is None

    out = {}
    out["totals"] = {
        "received": len(cases),
        "escalated": sum(d.escalated_at is not None for d in cases),
        "replied": sum(d.replied_at is not None for d in cases),
        "overdue_now": len({dl.dispute_id for dl in limits if overdue_now(dl)}),
    }
    by_month = dict.fromkeys(months(start, end), 0)
    for d in cases:
        by_month[f"{local_day(d.received_at):%Y-%m}"] += 1
    out["by_month"] = by_month
    out["by_channel"] = dict(Counter(d.channel.code for d in cases))
    out["by_category"] = dict(Counter(d.category.code for d in cases))
    out["by_jurisdiction"] = dict(Counter(place_of(d.jurisdiction, area) for d in cases))
    out["by_payer_kind"] = dict(Counter(d.payer_kind for d in cases))
    out["by_classification"] = dict(Counter(d.classification or "none" for d in cases))
    out["by_state"] = dict(Counter(d.state for d in cases))

    def on_time(group):
        rows = defaultdict(lambda: [0, 0, set()])
        for dl in limits:
            if closed(dl) and group(dl) is not None:
                row = rows[group(dl)]
                row[0] += dl.status == Deadline.Status.MET
                row[1] += 1
                row[2].add(dl.dispute_id)
        return {
            key: (round(met / total, 4), met, total, len(cases_))
            for key, (met, total, cases_) in rows.items()
        }

    out["on_time_by_department"] = on_time(lambda dl: dl.department and dl.department.code)
    out["on_time_by_stage"] = on_time(lambda dl: dl.stage)

    spent = defaultdict(list)
    for d in cases:
        if d.replied_at is not None:
            spent[d.classification or "none"].append(
                working_days(local_day(d.received_at), local_day(d.replied_at))
            )
    out["reply_days_by_classification"] = {
        key: (
            round(sum(days) / len(days), 1),
            sorted(days)[math.ceil(0.9 * len(days)) - 1],
            len(days),
        )
        for key, days in spent.items()
    }

    overdue = defaultdict(set)
    for dl in limits:
        if overdue_now(dl) and dl.department is not None:
            overdue[dl.department.code].add(dl.dispute_id)
    out["overdue_by_department"] = {code: len(s) for code, s in overdue.items()}

    given, declined = defaultdict(set), defaultdict(set)
    for t in DepartmentTask.objects.select_related("department").filter(dispute_id__in=limit_ids):
        if department is not None and t.department_id != department.pk:
            continue
        given[t.department.code].add(t.dispute_id)
        if t.status == DepartmentTask.Status.DECLINED or (
            t.status == DepartmentTask.Status.WITHDRAWN and t.decline_reason
        ):
            declined[t.department.code].add(t.dispute_id)
    out["declines_by_department"] = {
        code: (
            round(len(declined[code]) / len(s), 4),
            len(declined[code]),
            len(s),
            len(declined[code]),
        )
        for code, s in given.items()
    }

    pass_on = {"running": set(), "met": set(), "late": set(), "overdue_now": set()}
    for dl in limits:
        if dl.stage != Stage.PASS_ON:
            continue
        if dl.status in Deadline.RUNNING:
            pass_on["running"].add(dl.dispute_id)
        if closed(dl):
            pass_on["met" if dl.status == Deadline.Status.MET else "late"].add(dl.dispute_id)
        if overdue_now(dl):
            pass_on["overdue_now"].add(dl.dispute_id)
    out["pass_on"] = {key: len(s) for key, s in pass_on.items()}

    extensions = defaultdict(lambda: [set(), 0, 0])
    for r in ExtensionRequest.objects.select_related("deadline__department").filter(
        status=ExtensionRequest.Status.GRANTED, deadline__dispute_id__in=limit_ids
    ):
        dep = r.deadline.department
        if dep is None or (department is not None and dep.pk != department.pk):
            continue
        row = extensions[dep.code]
        row[0].add(r.deadline.dispute_id)
        row[1] += 1
        row[2] += r.working_days
    out["extensions_by_department"] = {
        code: (len(s), requests, days) for code, (s, requests, days) in extensions.items()
    }

    out["escalated_by_centre"] = dict(
        Counter(d.centre.code for d in cases if d.escalated_at is not None)
    )

    court = defaultdict(lambda: [set(), Decimal(0)])
    for e in CourtEnforcement.objects.filter(dispute_id__in=ids):
        court[e.status][0].add(e.dispute_id)
        court[e.status][1] += e.amount or 0
    out["court"] = {status: (len(s), f"{amount:.2f}") for status, (s, amount) in court.items()}

    out["hotspots"] = dict(
        Counter(f"{d.category.code}|{place_of(d.jurisdiction, area)}" for d in cases)
    )

    # The payer's rating and the redo, per owning centre and per department leading or
    # co-handling (within a department's scope, that department alone).
    def handlers(d):
        codes = {dep.code for dep in d.co_departments.all()}
        if d.lead_department is not None:
            codes.add(d.lead_department.code)
        if department is not None:
            codes &= {department.code}
        return codes

    rates = {
        "centre": defaultdict(lambda: [0, 0, 0, 0]),
        "department": defaultdict(lambda: [0, 0, 0, 0]),
    }
    for d in cases:
        figures_ = (
            d.satisfaction != "",
            d.satisfaction in ("satisfied", "basically"),
            d.replied_at is not None or d.redo_count > 0,
            d.redo_count > 0,
        )
        for kind, keys in (("centre", {d.centre.code}), ("department", handlers(d))):
            for key in keys:
                slot = rates[kind][key]
                for n, counted in enumerate(figures_):
                    slot[n] += counted
    for kind in ("centre", "department"):
        out[f"satisfaction_by_{kind}"] = {
            key: (round(satisfied / rated, 4), satisfied, rated, rated)
            for key, (rated, satisfied, _r, _d) in rates[kind].items()
            if rated
        }
        out[f"redo_by_{kind}"] = {
            key: (round(redone / replied, 4), redone, replied, replied)
            for key, (_r, _s, replied, redone) in rates[kind].items()
            if replied
        }
    return out


# The extras beside each series' value, in the order ``expected`` gives them.
EXTRAS = {
    "on_time_by_department": ("met", "total", "cases"),
    "on_time_by_stage": ("met", "total", "cases"),
    "reply_days_by_classification": ("p90", "cases"),
    "declines_by_department": ("declined", "total", "cases"),
    "extensions_by_department": ("requests", "days"),
    "court": ("amount",),
    "satisfaction_by_centre": ("satisfied", "rated", "cases"),
    "satisfaction_by_department": ("satisfied", "rated", "cases"),
    "redo_by_centre": ("redone", "replied", "cases"),
    "redo_by_department": ("redone", "replied", "cases"),
}


def as_expected(name: str, items: list[dict]) -> dict:
    extras = EXTRAS.get(name, ())
    if not extras:
        return {i["key"]: i["value"] for i in items}
    return {i["key"]: (i["value"], *(i[e] for e in extras)) for i in items}


def figures(client, user, query: str = "") -> dict:
    client.force_login(user)
    response = client.get(f"{DATA}?{query}")
    assert response.status_code == 200, response.content.decode()
    return response.json()


def cases_seen(world, user, start, end, **where) -> list[Dispute]:
    qs = Dispute.objects.select_related(
        "channel", "category", "centre", "jurisdiction", "lead_department"
    )
    return [
        d
        for d in qs.prefetch_related("co_departments").filter(**where)
        if sees(world, user, d) and in_period(d, start, end)
    ]


def assert_figures(data: dict, want: dict) -> None:
    series = [name for name in data["meta"]["titles"]]
    assert set(series) == set(want)
    for name in series:
        assert as_expected(name, data[name]) == want[name], name


YEAR_START, TODAY = datetime.date(2025, 1, 1), NOW.date()


# -- the figures ------------------------------------------------------------------------------


def test_the_supervisors_figures_are_the_countys_counted_from_the_rows(county, client):
    world, c = county
    data = figures(client, world.supervisor)
    assert data["meta"]["from"] == "2025-01-01" and data["meta"]["to"] == "2025-06-20"
    cases = cases_seen(world, world.supervisor, YEAR_START, TODAY)
    assert len(cases) == len(c) - 1  # all but the one of 2024
    want = expected(cases, start=YEAR_START, end=TODAY)
    assert_figures(data, want)
    # The world is what it was built to be: every series has something to count.
    for name in want:
        assert want[name], name
    assert want["by_channel"] == {"window": 17, "hotline": 5}
    assert want["by_payer_kind"] == {"individual": 14, "enterprise": 6, "resident": 2}
    assert set(want["by_month"]) == {f"2025-0{m}" for m in range(1, 7)}
    assert (
        want["overdue_by_department"]["tax"] >= 3 and "medical" not in want["overdue_by_department"]
    )
    assert want["on_time_by_department"]["hrss"][1:3] == (7, 8)  # HR late once in eight
    assert want["declines_by_department"]["hrss"][1] == 2
    assert want["pass_on"] == {"running": 0, "met": 1, "late": 0, "overdue_now": 1}
    assert want["extensions_by_department"] == {"hrss": (1, 1, 3)}
    assert want["court"] == {"pending": (1, "12345.67"), "reported": (1, "12345.67")}
    # Three replied, one of them redone since (its reply cleared, no new one yet).
    assert want["reply_days_by_classification"]["general"][2] == 2
    # Rated: one closed basically satisfied, one replied satisfied; the one redone is not
    # rated again yet. Replied at least once: those three. All of centre A, tax leading, HR
    # co-handling.
    assert want["satisfaction_by_centre"] == {"GA": (1.0, 2, 2, 2)}
    assert want["redo_by_centre"] == {"GA": (round(1 / 3, 4), 1, 3, 3)}
    assert want["satisfaction_by_department"] == {
        "tax": (1.0, 2, 2, 2),
        "hrss": (1.0, 2, 2, 2),
    }
    assert want["redo_by_department"]["tax"] == (round(1 / 3, 4), 1, 3, 3)


def test_the_labels_are_the_chinese_names(county, client):
    world, _c = county
    data = figures(client, world.supervisor)
    assert {i["key"]: i["label"] for i in data["by_channel"]} == {
        "window": "窗口",
        "hotline": "12345热线",
    }
    assert {i["key"]: i["label"] for i in data["by_jurisdiction"]} == {
        "140830100": "古魏镇",
        "140830101": "风陵渡镇",
        "140830": "芮城县本级",
    }
    assert [i["label"] for i in data["by_month"]] == [f"2025年{m}月" for m in range(1, 7)]
    for name, items in data.items():
        if name == "meta":
            assert all(CJK.search(title) for title in items["titles"].values())
            continue
        for i in items:
            assert CJK.search(i["label"]) or name == "by_month", (name, i)


def officer_cases(world, department, start, end):
    everything = cases_seen(world, world.supervisor, start, end)
    own = [
        d
        for d in everything
        if d.lead_department_id == department.pk or department in d.co_departments.all()
    ]
    return own, everything


def escalated_cases(c):
    return [d for d in c.values() if d.escalated_at is not None]


@pytest.mark.parametrize(
    "persona", ["coordinator", "officer_tax", "officer_hr", "officer_medical", "lgo"]
)
def test_each_role_counts_only_the_cases_it_sees(county, client, persona):
    world, c = county
    user = getattr(world, persona)
    data = figures(client, user)
    cases = cases_seen(world, user, YEAR_START, TODAY)
    assert_figures(data, expected(cases, start=YEAR_START, end=TODAY))
    numbers = {d.number for d in cases}
    if persona == "coordinator":
        # Centre A's coordinator counts none of centre B's cases.
        assert not numbers & {c[f"b_{i}"].number for i in range(3)}
        assert "GB" not in {i["key"] for i in data["escalated_by_centre"]}
        assert data["totals"][0]["value"] == len(c) - 1 - 3
    if persona == "officer_hr":
        # The case HR declined and the coordinator gave to the medical bureau is no longer HR's.
        assert c["feb_reassigned"].number not in numbers
        assert c["feb_declined"].number in numbers
    if persona == "lgo":
        # The four escalated ones, and the one circulated to the office as late.
        circulated = set(LateCircular.objects.values_list("dispute_id", flat=True))
        assert len(circulated) == 1 and not circulated & {d.pk for d in escalated_cases(c)}
        assert data["totals"][0]["value"] == 5


@pytest.mark.parametrize(
    "query, where",
    [
        ("centre=GB", lambda w, d: d.centre_id == w.centre_b.pk),
        ("area=140830100", lambda w, d: d.jurisdiction.path.startswith(w.town_a.path)),
        ("area=140830100001", lambda w, d: d.jurisdiction_id == w.village_a.pk),
        (
            "from=2025-02-01&to=2025-03-31",
            lambda w, d: (
                datetime.date(2025, 2, 1) <= local_day(d.received_at) <= datetime.date(2025, 3, 31)
            ),
        ),
    ],
)
def test_a_centre_area_or_period_narrows_every_figure(county, client, query, where):
    world, _c = county
    data = figures(client, world.supervisor, query)
    start = datetime.date.fromisoformat(data["meta"]["from"])
    end = datetime.date.fromisoformat(data["meta"]["to"])
    cases = [d for d in cases_seen(world, world.supervisor, start, end) if where(world, d)]
    assert cases
    area = query.startswith("area=") and Jurisdiction.objects.get(code=query[5:])
    assert_figures(data, expected(cases, start=start, end=end, area=area or None))


def test_the_period_bounds_the_received_day(county, client):
    world, _c = county
    data = figures(client, world.supervisor, "from=2025-02-01&to=2025-03-31")
    assert [i["key"] for i in data["by_month"]] == ["2025-02", "2025-03"]
    february = data["by_month"][0]
    assert february["value"] == 4
    assert "from=2025-02-01" in february["url"] and "to=2025-02-28" in february["url"]
    # The case of the last evening of 2024 counts in a period that takes that day.
    data = figures(client, world.supervisor, "from=2024-12-31&to=2024-12-31")
    assert data["totals"][0]["value"] == 1
    assert data["by_month"] == [
        {
            "key": "2024-12",
            "label": "2024年12月",
            "value": 1,
            "url": "/ledger/?from=2024-12-31&to=2024-12-31",
        }
    ]


def test_a_department_scope_asks_the_limits_of_that_department(county, client):
    world, _c = county
    data = figures(client, world.supervisor, "department=hrss")
    own, everything = officer_cases(world, world.hr, YEAR_START, TODAY)
    want = expected(own, limit_cases=everything, department=world.hr, start=YEAR_START, end=TODAY)
    assert_figures(data, want)
    assert set(want["on_time_by_department"]) == {"hrss"}
    assert set(want["declines_by_department"]) == {"hrss"}


# -- drill-down -------------------------------------------------------------------------------


def ledger_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    found = re.search(r'id="ledger-count">(\d+)', response.content.decode())
    assert found, url
    return int(found.group(1))


@pytest.mark.parametrize(
    "persona, query",
    [
        ("supervisor", ""),
        ("supervisor", "department=tax"),
        ("supervisor", "from=2025-02-01&to=2025-03-31&centre=GA"),
        ("coordinator", ""),
        ("officer_hr", ""),
    ],
)
def test_every_item_links_to_a_ledger_of_as_many_cases(county, client, persona, query):
    world, _c = county
    data = figures(client, getattr(world, persona), query)
    checked = 0
    for name, items in data.items():
        if name == "meta":
            continue
        for i in items:
            assert i["url"].startswith(reverse("reports:ledger")), (name, i)
            want = i.get("cases", i["value"])
            assert ledger_count(client, i["url"]) == want, (name, i)
            # A rate's other link: the satisfied (redone) cases it counts.
            for part in ("satisfied", "redone"):
                if f"{part}_url" in i:
                    assert ledger_count(client, i[f"{part}_url"]) == i[part], (name, i)
                    checked += 1
            checked += 1
    assert checked > 20
    assert ledger_count(client, data["meta"]["ledger"]) == data["totals"][0]["value"]


# -- the parameters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, field",
    [
        ("from=yesterday", "from"),
        ("to=2025-13-01", "to"),
        ("centre=nonesuch", "centre"),
        ("area=999", "area"),
        ("department=nonesuch", "department"),
    ],
)
def test_an_invalid_parameter_is_a_400_in_chinese(county, client, query, field):
    world, _c = county
    client.force_login(world.supervisor)
    response = client.get(f"{DATA}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    errors = response.json()["errors"]
    assert set(errors) == {field}
    assert CJK.search(errors[field][0]), errors


def test_a_period_ending_before_it_starts_is_a_400(county, client):
    world, _c = county
    client.force_login(world.supervisor)
    response = client.get(f"{DATA}?from=2025-06-01&to=2025-05-01")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"to"} and CJK.search(errors["to"][0])
    page = client.get(f"{reverse('reports:dashboard')}?from=2025-06-01&to=2025-05-01")
    assert page.status_code == 200 and errors["to"][0] in page.content.decode()


def test_parameters_outside_the_scope_are_ignored(county, client):
    world, _c = county
    plain = figures(client, world.supervisor)
    other = figures(client, world.supervisor, "state=closed&channel=hotline&q=x")
    assert other == plain


def test_an_outsider_and_a_clerk_are_told_there_is_no_such_page(county, client):
    world, _c = county
    for user in (world.outsider, world.clerk):
        client.force_login(user)
        assert client.get(DATA).status_code == 404
        assert client.get(reverse("reports:dashboard")).status_code == 404
