"""The department evaluation (绩效考评): each figure of the scorecard against a count of its own
made here from the ORM rows, over a few dozen cases played through the services on known
working days of March 2025 (no holiday in it), the sweep run at known moments; the score from
the policy's weights, the red and black lists, the drill-down links, the PDF circular read
back, and the monthly mail sent once."""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.http import QueryDict
from django.urls import reverse

from consultations import services as consultation_services
from consultations.models import DepartmentTask, DisciplineReferral
from disputes import services
from disputes.models import AccessLog, Dispute
from disputes.selectors import visible_disputes
from reports import circular, evaluation
from reports.accountability import accountability_records, filtered_records
from reports.figures import RATE_FIGURES
from reports.forms import AccountabilityFilterForm
from reports.ledger import ledger_cases
from reports.models import MonthlyReportDispatch, MonthlyReportRecipient, ScoringPolicy
from reports.tasks import mail_monthly_circulars
from routing import deadlines
from routing import services as routing_services
from routing.models import Accountability, Deadline, ExtensionRequest
from tests import scenarios
from tests.reports import pdf as pdf_reader

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MARCH = evaluation.Period(evaluation.MONTH, datetime.date(2025, 3, 1))
# The scorecard is asked for at the start of April, as the monthly circular is.
REPORT_TIME = "2025-04-02 09:00"


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SH)


def travel(text: str):
    return time_machine.travel(at(text), tick=False)


# -- the cases ----------------------------------------------------------------------------------


def officer_of(w, department):
    return {w.tax.pk: w.officer_tax, w.hr.pk: w.officer_hr, w.medical.pk: w.officer_medical}[
        department.pk
    ]


def opinion(w, d, department, when):
    task = DepartmentTask.objects.get(
        dispute=d, department=department, status=DepartmentTask.Status.PENDING
    )
    with travel(when):
        consultation_services.opinion_give(
            task=task, actor=officer_of(w, department), finding="经核实", basis="", proposal="补缴"
        )


def decline(w, d, when):
    task = DepartmentTask.objects.get(dispute=d, department=w.hr)
    with travel(when):
        consultation_services.task_decline(task=task, actor=w.officer_hr, reason="不属本部门职责")


def reassign(w, d, when):
    with travel(when):
        consultation_services.task_reassign(
            dispute=d,
            actor=w.coordinator,
            from_department=w.hr,
            to_department=w.medical,
            reason="属医保局职责",
        )


def close(w, d, when):
    with travel(when):
        d = consultation_services.dispute_consolidate(
            dispute=d, actor=w.coordinator, opinion="汇总意见"
        )
        d = services.dispute_reply(dispute=d, actor=w.clerk, text="答复")
        services.dispute_accept(dispute=d, actor=w.clerk)


def sweep(when):
    with travel(when):
        deadlines.sweep()


class Cases:
    """The groups of cases, by what happens to them (all general: tax leads, HR co-handles,
    registered and classified on Monday 3 March 2025; opinions due Monday 10 March)."""


@pytest.fixture
def cases(world):
    scenarios.default_policies()
    c = Cases()
    with travel("2025-03-03 09:00"):
        c.on_time = [scenarios.joint_handling(world) for _ in range(5)]
        c.hr_late = [scenarios.joint_handling(world) for _ in range(4)]
        c.tax_silent = [scenarios.joint_handling(world) for _ in range(3)]  # still open
        c.declined_kept = [scenarios.joint_handling(world) for _ in range(2)]
        c.declined_passed_on = [scenarios.joint_handling(world) for _ in range(2)]
        c.declined_with_clue = [scenarios.joint_handling(world)]
        c.extended = [scenarios.joint_handling(world) for _ in range(2)]
        c.closed_in_april = [scenarios.joint_handling(world) for _ in range(2)]
    # Centre B settles one case on the spot.
    with travel("2025-03-05 15:00"):
        b = world.make_dispute(actor=world.clerk_b, centre=world.centre_b)
        c.centre_b = [
            routing_services.dispute_classify(
                dispute=b, actor=world.clerk_b, classification="simple", note="当场办结"
            )
        ]

    for d in c.declined_kept + c.declined_passed_on + c.declined_with_clue:
        decline(world, d, "2025-03-04 10:00")
    for d in c.declined_with_clue:
        with travel("2025-03-04 10:30"):
            consultation_services.discipline_refer(
                task=DepartmentTask.objects.get(dispute=d, department=world.hr),
                actor=world.coordinator,
                reason="职责明确仍推诿",
            )
    for d in c.declined_passed_on + c.declined_with_clue:
        reassign(world, d, "2025-03-04 11:00")

    for d in c.on_time:
        opinion(world, d, world.hr, "2025-03-05 10:00")
    for d in c.tax_silent:
        opinion(world, d, world.hr, "2025-03-05 10:00")
    for d in c.on_time + c.hr_late + c.declined_kept + c.extended + c.closed_in_april:
        opinion(world, d, world.tax, "2025-03-05 10:00")
    for d in c.declined_passed_on + c.declined_with_clue:
        opinion(world, d, world.tax, "2025-03-05 10:00")
        opinion(world, d, world.medical, "2025-03-05 11:00")
    for d in c.on_time:
        close(world, d, "2025-03-06 10:00")

    for d in c.extended:
        with travel("2025-03-07 10:00"):
            request = routing_services.extension_request(
                deadline=d.deadlines.get(stage="department_opinion", department=world.hr),
                actor=world.officer_hr,
                working_days=2,
                reason="需调取档案",
            )
            routing_services.extension_decide(request=request, actor=world.coordinator, grant=True)

    # Tuesday 11 March, just after midnight: the HR opinions of hr_late and closed_in_april,
    # the tax opinions of tax_silent and the pass-on limits of the declines kept are overdue.
    sweep("2025-03-11 00:05")

    for d in c.extended:
        opinion(world, d, world.hr, "2025-03-11 10:00")  # due the 12th, once extended
        close(world, d, "2025-03-11 11:00")
    for d in c.hr_late + c.closed_in_april:
        opinion(world, d, world.hr, "2025-03-13 10:00")  # three working days late
    for d in c.hr_late + c.declined_kept + c.declined_passed_on + c.declined_with_clue:
        close(world, d, "2025-03-14 10:00")
    for d in c.closed_in_april:
        close(world, d, "2025-04-01 10:00")
    c.world = world
    return c


def march_card(user):
    with travel(REPORT_TIME):
        return evaluation.scorecard(visible_disputes(user), MARCH)


def row_of(rows, unit):
    return next(r for r in rows if r.unit.pk == unit.pk)


# -- the independent count ------------------------------------------------------------------------


def count_from_rows(user, unit_field: str, unit):
    """Each figure of ``unit`` over the cases ``user`` sees, counted here row by row: cases,
    but for the days late (summed over the late limits) and the accountability entries (one
    per record)."""
    start, end = at("2025-03-01 00:00"), at("2025-04-01 00:00")
    seen = set(visible_disputes(user).values_list("pk", flat=True))
    closed = {
        d.pk
        for d in Dispute.objects.filter(pk__in=seen)
        if d.closed_at and start <= d.closed_at < end
    }
    mine = [d for d in Deadline.objects.all() if getattr(d, f"{unit_field}_id") == unit.pk]
    ended = [
        d for d in mine if d.dispute_id in closed and d.met_at and d.status in ("met", "overdue")
    ]
    late = [d for d in ended if d.status == "overdue"]
    judged = {d.dispute_id for d in ended}
    late_cases = {d.dispute_id for d in late}
    if unit_field == "department":
        handled = {
            d.pk
            for d in Dispute.objects.filter(pk__in=closed)
            if d.lead_department_id == unit.pk or d.co_departments.filter(pk=unit.pk).exists()
        }
        declines = {
            r.dispute_id
            for r in DisciplineReferral.objects.all()
            if r.department_id == unit.pk and r.dispute_id in closed
        }
    else:
        handled = {d for d in closed if Dispute.objects.get(pk=d).centre_id == unit.pk}
        declines = set()
    return {
        "cases": len(handled),
        "closed": len(judged),
        "met": len(judged - late_cases),
        "late": len(late_cases),
        "late_days": sum(d.days_late for d in late),
        "declines": len(declines),
        "extensions": len(
            {
                e.deadline.dispute_id
                for e in ExtensionRequest.objects.filter(status="granted")
                if e.deadline in mine and e.deadline.dispute_id in closed
            }
        ),
        "accountability": len(
            [
                a
                for a in Accountability.objects.all()
                if getattr(a, f"{unit_field}_id") == unit.pk
                and a.dispute_id in seen
                and start <= a.recorded_at < end
            ]
        ),
        "overdue_open": len(
            {
                d.dispute_id
                for d in mine
                if d.dispute_id in seen and d.status == "overdue" and not d.met_at
            }
        ),
    }


FIGURES = (
    "cases", "closed", "met", "late", "late_days", "declines", "extensions", "accountability",
    "overdue_open",
)  # fmt: skip


def figures(row) -> dict:
    return {name: getattr(row, name) for name in FIGURES}


def test_each_department_figure_equals_the_count_from_the_rows(cases):
    w = cases.world
    card = march_card(w.supervisor)
    for department in (w.tax, w.hr, w.medical):
        assert figures(row_of(card.departments, department)) == count_from_rows(
            w.supervisor, "department", department
        ), department.name


def test_each_centre_figure_equals_the_count_from_the_rows(cases):
    w = cases.world
    card = march_card(w.supervisor)
    for centre in (w.centre_a, w.centre_b):
        assert figures(row_of(card.centres, centre)) == count_from_rows(
            w.supervisor, "centre", centre
        ), centre.name


def test_the_figures_are_those_the_cases_were_built_to_give(cases):
    """The same figures as known from the story of the cases (the count above could share a
    misreading with the code; this one cannot)."""
    w = cases.world
    card = march_card(w.supervisor)
    hr = row_of(card.departments, w.hr)
    # Closed in March: 5 on time, 4 HR late, 2 + 2 + 1 declined, 2 extended (the tax-silent
    # ones are open, the two of April are not March's). HR handled 13 of them at the close
    # (the three passed on are the medical bureau's now) and is judged on all 16 (a decline
    # in time meets its limit), late on the four, three working days each.
    assert (hr.cases, hr.closed, hr.met, hr.late, hr.late_days) == (13, 16, 12, 4, 12)
    assert hr.rate_percent == Decimal("75.0") and hr.mean_late == Decimal("3.0")
    # Only the one whose clue went to the commission: not the declines kept or passed on.
    assert hr.declines == 1
    assert hr.extensions == 2
    # Recorded by the sweep of 11 March: the four late of March and the two closed in April.
    assert hr.accountability == 6
    assert hr.overdue_open == 0
    tax = row_of(card.departments, w.tax)
    # Its opinion and the consolidated reply on each of the 16 cases closed, all in time:
    # 32 limits on 16 cases, each case counted once.
    assert (
        Deadline.objects.filter(
            department=w.tax,
            dispute__in=Dispute.objects.filter(closed_at__lt=at("2025-04-01 00:00")),
        ).count()
        == 32
    )
    assert (tax.cases, tax.closed, tax.met, tax.late) == (16, 16, 16, 0)
    assert (tax.accountability, tax.overdue_open) == (3, 3)  # the silent three
    medical = row_of(card.departments, w.medical)
    assert (medical.cases, medical.closed, medical.met) == (3, 3, 3)
    centre_a = row_of(card.centres, w.centre_a)
    # The declines kept were never passed on: their pass-on limits are overdue, still open.
    assert (centre_a.overdue_open, centre_a.accountability) == (2, 2)
    assert card.cases == 17  # 16 of centre A and centre B's one


def test_the_score_follows_the_weights_of_the_policy_in_force(cases):
    w = cases.world
    ScoringPolicy.objects.update(active=False)
    ScoringPolicy.objects.create(
        name="2025年考评办法",
        valid_from=datetime.date(2025, 1, 1),
        base_score=100,
        on_time_weight=Decimal("0.4"),
        days_late_weight=Decimal("1.5"),
        decline_weight=4,
        extension_weight=Decimal("0.5"),
        accountability_weight=1,
        overdue_open_weight=3,
        marked=1,
    )
    # A later policy does not score March.
    ScoringPolicy.objects.create(name="新办法", valid_from=datetime.date(2025, 4, 1), base_score=60)
    card = march_card(w.supervisor)
    assert card.policy.name == "2025年考评办法"
    hr = row_of(card.departments, w.hr)
    # 100 − 0.4 × 25 − 1.5 × 3.0 − 4 × 1 − 0.5 × 2 − 1 × 6 − 3 × 0
    assert hr.score == Decimal("74.5")
    tax = row_of(card.departments, w.tax)
    assert tax.score == Decimal("88.0")  # 100 − 1 × 3 − 3 × 3
    assert row_of(card.departments, w.medical).score == Decimal("100.0")


def test_the_default_policy_is_installed_and_scores_when_none_is_set(cases):
    w = cases.world
    default = ScoringPolicy.objects.get()
    assert default.active and default.base_score == 100 and default.marked == 3
    card = march_card(w.supervisor)
    assert card.policy == default
    # 100 − 0.5 × 25 − 2 × 3.0 − 3 × 1 − 1 × 2 − 1 × 6
    assert row_of(card.departments, w.hr).score == Decimal("70.5")
    ScoringPolicy.objects.update(active=False)
    unsaved = march_card(w.supervisor)
    assert unsaved.policy.pk is None and row_of(unsaved.departments, w.hr).score == Decimal("70.5")


def test_the_best_and_the_worst_are_marked(cases):
    w = cases.world
    card = march_card(w.supervisor)
    assert [r.unit for r in card.departments] == [w.medical, w.tax, w.hr]
    assert [r.rank for r in card.departments] == [1, 2, 3]
    # Three departments: the lists take at most half of them, one each.
    assert [r.mark for r in card.departments] == ["red", "", "black"]
    assert [r.unit for r in card.centres] == [w.centre_b, w.centre_a]
    assert [r.mark for r in card.centres] == ["red", "black"]
    assert [r.unit for r in card.red] == [w.medical, w.centre_b]
    assert [r.unit for r in card.black] == [w.hr, w.centre_a]


def _rows(*scores, closed=1):
    return [
        evaluation.UnitScore(
            unit=type("U", (), {"name": f"单位{i}"})(), score=Decimal(s), closed=closed
        )
        for i, s in enumerate(scores)
    ]


def test_ranking_shares_ranks_on_ties_and_marks_nobody_when_all_score_alike():
    ranked = evaluation.rank(_rows(90, 95, 95, 70, 60), marked=2)
    assert [(r.score, r.rank, r.mark) for r in ranked] == [
        (Decimal(95), 1, "red"),
        (Decimal(95), 1, "red"),
        (Decimal(90), 3, ""),
        (Decimal(70), 4, "black"),
        (Decimal(60), 5, "black"),
    ]
    assert [r.mark for r in evaluation.rank(_rows(80, 80, 80, 80), marked=2)] == [""] * 4
    assert [r.mark for r in evaluation.rank(_rows(80), marked=3)] == [""]
    # Never more than half of the units on a list.
    assert [r.mark for r in evaluation.rank(_rows(1, 2, 3), marked=3)] == ["red", "", "black"]


def test_a_unit_judged_on_no_case_is_not_on_the_red_list():
    """Its full score says only that it had nothing to answer for: the best of the units
    judged is on the red list. A low score still puts it on the black list."""
    idle = _rows(100, closed=0)
    judged = _rows(95, 80, 60)
    ranked = evaluation.rank(idle + judged, marked=1)
    assert [(r.score, r.mark) for r in ranked] == [
        (Decimal(100), ""),
        (Decimal(95), "red"),
        (Decimal(80), ""),
        (Decimal(60), "black"),
    ]
    # Three judged of nine: the red list names one, not the three judged (the lowest of them
    # ranks below most of the idle units).
    many_idle = _rows(100, 100, 100, 100, 100, closed=0) + _rows(90, 70, 65) + _rows(99, closed=0)
    marks = [(r.score, r.mark) for r in evaluation.rank(many_idle, marked=3)]
    assert [score for score, mark in marks if mark == "red"] == [Decimal(90)]
    assert [score for score, mark in marks if mark == "black"] == [Decimal(70), Decimal(65)]
    idle_late = _rows(50, closed=0)
    assert [r.mark for r in evaluation.rank(judged + idle_late, marked=1)] == [
        "red",
        "",
        "",
        "black",
    ]


def test_the_figures_are_those_of_the_cases_the_user_sees(cases):
    w = cases.world
    card = march_card(w.coordinator)  # centre A's cases only
    assert [r.unit for r in card.centres] == [w.centre_a]
    assert card.cases == 16
    assert figures(row_of(card.departments, w.hr)) == count_from_rows(
        w.coordinator, "department", w.hr
    )
    lgo = march_card(w.lgo)  # the leading group sees the escalated cases: none here
    assert lgo.departments == [] and lgo.centres == [] and lgo.cases == 0


def ledger_count(user, url: str) -> int:
    split = urlsplit(url)
    assert split.path == reverse("reports:ledger")
    found = ledger_cases(user, QueryDict(split.query))
    assert not found.form.errors, found.form.errors
    return found.qs.count()


def test_every_linked_figure_lists_exactly_its_cases_in_the_ledger(cases):
    """Each figure that links lists in the ledger as many cases as it says, and those are the
    cases counted from the rows (the test above): the count clicked is the count listed."""
    w = cases.world
    card = march_card(w.supervisor)
    linked = {"cases", "closed", "met", "late", "declines", "extensions", "overdue_open"}
    for department in (w.tax, w.hr, w.medical):
        row = row_of(card.departments, department)
        assert set(row.links) == {*linked, "accountability", "circulars", *RATE_FIGURES}
        with travel(REPORT_TIME):
            counted = {name: ledger_count(w.supervisor, row.links[name]) for name in linked}
        assert counted == {name: getattr(row, name) for name in linked}, department.name
        expected = count_from_rows(w.supervisor, "department", department)
        assert counted == {name: expected[name] for name in linked}, department.name
    # Some figure of each kind is not zero, so that the equality says something.
    hr = row_of(card.departments, w.hr)
    assert all((hr.closed, hr.met, hr.late, hr.declines, hr.extensions))
    assert row_of(card.departments, w.tax).overdue_open == 3
    for centre in (w.centre_a, w.centre_b):
        row = row_of(card.centres, centre)
        assert set(row.links) == {"cases", "accountability", *RATE_FIGURES}
        assert ledger_count(w.supervisor, row.links["cases"]) == row.cases > 0


def test_the_accountability_figure_links_to_exactly_its_records(cases):
    w = cases.world
    card = march_card(w.supervisor)
    for row in [*card.departments, *card.centres]:
        split = urlsplit(row.links["accountability"])
        assert split.path == reverse("reports:accountability")
        form = AccountabilityFilterForm(QueryDict(split.query))
        assert form.is_valid(), form.errors
        listed = filtered_records(accountability_records(w.supervisor), form.cleaned_data)
        assert listed.count() == row.accountability, row.name
        assert parse_qs(split.query)["from"] == ["2025-03-01"]
        assert parse_qs(split.query)["to"] == ["2025-03-31"]


# -- the period -----------------------------------------------------------------------------------


def test_the_periods_and_their_bounds():
    q = evaluation.Period.containing(evaluation.QUARTER, datetime.date(2025, 5, 17))
    assert (q.start, q.end, q.slug) == (
        datetime.date(2025, 4, 1),
        datetime.date(2025, 6, 30),
        "2025-Q2",
    )
    y = evaluation.Period.containing(evaluation.YEAR, datetime.date(2025, 5, 17))
    assert (y.start, y.end, y.slug) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
        "2025",
    )
    december = evaluation.Period.containing(evaluation.MONTH, datetime.date(2025, 12, 9))
    assert december.end == datetime.date(2025, 12, 31)
    assert december.following().start == datetime.date(2026, 1, 1)
    assert evaluation.Period.last_month(datetime.date(2026, 1, 1)).start == datetime.date(
        2025, 12, 1
    )
    assert q.previous().start == datetime.date(2025, 1, 1)
    start, end = MARCH.bounds
    assert (start, end) == (at("2025-03-01 00:00"), at("2025-04-01 00:00"))


def test_the_page_chooses_the_period_from_the_query_string_and_defaults_to_last_month(
    client, world
):
    client.force_login(world.supervisor)
    with travel("2025-04-15 10:00"):
        default = client.get(reverse("reports:evaluation"))
        quarter = client.get(
            reverse("reports:evaluation"), {"period": "quarter", "start": "2025-02-01"}
        )
        year = client.get(reverse("reports:evaluation"), {"period": "year", "start": "2024-07"})
        wrong = client.get(reverse("reports:evaluation"), {"period": "decade", "start": "x"})
    assert default.context["card"].period == MARCH
    assert "2025年3月" in default.content.decode()
    assert quarter.context["card"].period.start == datetime.date(2025, 1, 1)
    assert "2025年第1季度" in quarter.content.decode()
    assert year.context["card"].period == evaluation.Period(
        evaluation.YEAR, datetime.date(2024, 1, 1)
    )
    assert wrong.status_code == 200 and wrong.context["card"].period == MARCH
    assert wrong.context["form"].errors
    # A year no period can be made around (the next one would be year 10000): refused.
    with travel("2025-04-15 10:00"):
        far = client.get(reverse("reports:evaluation"), {"period": "year", "start": "9999-12"})
    assert far.status_code == 200 and far.context["card"].period == MARCH
    assert "请选择2000至2100年间的月份" in far.content.decode()


# -- the page -----------------------------------------------------------------------------------


def test_the_page_shows_the_scorecard_with_its_links_and_definitions(client, cases):
    w = cases.world
    client.force_login(w.supervisor)
    with travel(REPORT_TIME):
        response = client.get(
            reverse("reports:evaluation"), {"period": "month", "start": "2025-03-01"}
        )
    html = response.content.decode()
    card = response.context["card"]
    hr = row_of(card.departments, w.hr)
    for name, url in hr.links.items():
        assert f'href="{url}"'.replace("&", "&amp;") in html, name
    assert "无正当理由推诿" in html and "红榜" in html and "黑榜" in html
    assert "2025年3月" in html and "75.0%" in html
    # The definitions are shown, in Chinese.
    for term, text in evaluation.DEFINITIONS:
        assert str(term) in html and str(text) in html
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(text)), str(text)


def test_the_page_costs_a_fixed_number_of_queries(client, cases, django_assert_max_num_queries):
    w = cases.world
    client.force_login(w.supervisor)
    # Session and user (2), the user's staff and groups (2), the policy (1); per kind of unit
    # (departments, centres): cases, limits, overdue, extensions, declines for departments,
    # accountability (11 with the co-handling count), the units (2), the count of cases (1);
    # the menu's unread count and desks (about 4).
    with travel(REPORT_TIME), django_assert_max_num_queries(26):
        response = client.get(reverse("reports:evaluation"), {"start": "2025-03-01"})
    assert response.status_code == 200


# -- the PDF circular ---------------------------------------------------------------------------


def test_the_circular_downloads_as_a_pdf_with_the_figures_and_is_logged(client, cases):
    w = cases.world
    client.force_login(w.supervisor)
    with travel(REPORT_TIME):
        response = client.get(
            reverse("reports:evaluation-pdf"), {"period": "month", "start": "2025-03-01"}
        )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "evaluation-2025-03.pdf" in response["Content-Disposition"]
    pdf = pdf_reader.read(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    pdf_reader.assert_cjk_fonts(pdf)
    text = pdf.flat
    assert "芮城县社会保险费征缴争议处理绩效考评通报" in text
    assert "2025年3月" in text
    for name in (w.tax.name, w.hr.name, w.medical.name, w.centre_a.name, w.centre_b.name):
        assert name in text
    assert "红榜：芮城县医保局（100.0）" in text
    assert "黑榜：芮城县人社局（70.5）" in text
    # HR's row: 13 cases, 16 judged, 12 on time, 4 late, 75.0%, 3.0 days, 1 decline,
    # 2 extensions, 6 entries, 0 overdue, 70.5.
    # Its cases were all replied to, none rated, none redone: no satisfaction rate, no redo.
    assert "芮城县人社局1316124" + "75.0%3.0" + "—（0/0）0.0%（0/13）" + "1260" + "70.5" in text
    entry = AccessLog.objects.get(user=w.supervisor, kind=AccessLog.Kind.DOWNLOAD)
    assert entry.dispute is None and "绩效考评通报" in entry.detail and "2025年3月" in entry.detail


def test_outsiders_get_no_page_and_no_circular(client, world):
    client.force_login(world.outsider)
    assert client.get(reverse("reports:evaluation")).status_code == 404
    assert client.get(reverse("reports:evaluation-pdf")).status_code == 404
    client.force_login(world.clerk)
    assert client.get(reverse("reports:evaluation-pdf")).status_code == 404


# -- the monthly mail ---------------------------------------------------------------------------


@pytest.fixture
def recipients(world):
    office_mailbox = MonthlyReportRecipient.objects.create(
        county=world.county, email="lgo@ruicheng.gov.cn"
    )
    world.lgo.email = "zhoumin@ruicheng.gov.cn"
    world.lgo.save()
    MonthlyReportRecipient.objects.create(county=world.county, user=world.lgo)
    MonthlyReportRecipient.objects.create(
        county=world.county, email="old@ruicheng.gov.cn", active=False
    )
    return office_mailbox


def test_the_beat_job_is_scheduled_on_the_first_of_each_month():
    entry = settings.CELERY_BEAT_SCHEDULE["mail-monthly-circulars"]
    assert entry["task"] == "reports.tasks.mail_monthly_circulars"
    schedule = entry["schedule"]
    assert schedule.day_of_month == {1} and schedule.hour == {8} and schedule.minute == {0}


def test_the_monthly_job_mails_last_months_circular_once(cases, recipients):
    w = cases.world
    with travel("2025-04-01 08:00"):
        assert mail_monthly_circulars.delay().get() == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "lgo@ruicheng.gov.cn",
        "zhoumin@ruicheng.gov.cn",
    ]
    message = mail.outbox[0]
    assert "2025年3月" in message.subject and "芮城县" in message.subject
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("evaluation-2025-03.pdf", "application/pdf")
    text = pdf_reader.read(content).flat
    assert "芮城县社会保险费征缴争议处理绩效考评通报" in text and w.hr.name in text
    dispatch = MonthlyReportDispatch.objects.get()
    assert (dispatch.county, dispatch.month) == (w.county, datetime.date(2025, 3, 1))
    # Run again (a retry, a second beat): nothing is sent twice.
    with travel("2025-04-01 08:05"):
        assert mail_monthly_circulars.delay().get() == 0
    assert len(mail.outbox) == 2 and MonthlyReportDispatch.objects.count() == 1
    # The next month is a new circular.
    with travel("2025-05-01 08:00"):
        assert mail_monthly_circulars.delay().get() == 1
    assert len(mail.outbox) == 4
    assert list(
        MonthlyReportDispatch.objects.order_by("month").values_list("month", flat=True)
    ) == [
        datetime.date(2025, 3, 1),
        datetime.date(2025, 4, 1),
    ]


def test_a_failed_sending_leaves_the_month_to_be_sent_again(world, recipients, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise OSError("mail server unreachable")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with travel("2025-04-01 08:00"), pytest.raises(OSError):
        circular.send_monthly_circulars()
    assert MonthlyReportDispatch.objects.count() == 0
    monkeypatch.undo()
    with travel("2025-04-01 09:00"):
        assert circular.send_monthly_circulars() == 1
    assert len(mail.outbox) == 2


def test_a_county_without_recipients_is_sent_nothing(world):
    with travel("2025-04-01 08:00"):
        assert circular.send_monthly_circulars() == 0
    assert mail.outbox == [] and MonthlyReportDispatch.objects.count() == 0


def test_a_recipient_needs_an_address(world):
    from django.core.exceptions import ValidationError

    nobody = MonthlyReportRecipient(county=world.county, user=world.supervisor)
    with pytest.raises(ValidationError):
        nobody.clean()
    town = MonthlyReportRecipient(county=world.town_a, email="a@example.cn")
    with pytest.raises(ValidationError):
        town.clean()


def test_an_officer_reads_the_scorecard_of_their_departments_cases(cases):
    """The medical bureau sees the three cases passed on to it: its own row, the tax bureau's
    (the lead on them) and HR's (which declined them, in time, once with a clue to the
    commission), each counted over those three cases alone."""
    w = cases.world
    card = march_card(w.officer_medical)
    assert {r.unit for r in card.departments} == {w.tax, w.hr, w.medical}
    assert card.cases == 3
    for department in (w.tax, w.hr, w.medical):
        assert figures(row_of(card.departments, department)) == count_from_rows(
            w.officer_medical, "department", department
        ), department.name
    hr = row_of(card.departments, w.hr)
    assert (hr.cases, hr.closed, hr.met, hr.declines) == (0, 3, 3, 1)
    assert row_of(card.departments, w.medical).cases == 3


def _card_figures(card):
    def row(r):
        return (
            r.unit.pk,
            r.cases,
            r.closed,
            r.met,
            r.late,
            r.late_days,
            r.declines,
            r.extensions,
            r.accountability,
            r.overdue_open,
            r.score,
            r.rank,
            r.mark,
        )

    return card.cases, [row(r) for r in card.departments], [row(r) for r in card.centres]


@pytest.mark.parametrize("persona", ["supervisor", "coordinator", "clerk_b"])
def test_the_tally_gives_the_scorecard_counted_live(cases, persona):
    """At a million cases the scorecard is read from the tally (``reports.tally``): the same
    figures, ranks and marks as counted live, for each user it answers for and each period."""
    from reports import tally

    user = getattr(cases.world, persona)
    with travel(REPORT_TIME):
        tally.refresh()
        for period in (MARCH, MARCH.following(), evaluation.Period.containing("year", MARCH.start)):
            counted = tally.evaluation_figures(user, period)
            assert counted is not None, persona
            from_tally = evaluation.scorecard(visible_disputes(user), period, counted=counted)
            live = evaluation.scorecard(visible_disputes(user), period)
            assert _card_figures(from_tally) == _card_figures(live), (persona, period)
            assert from_tally.made_at == counted[3]
            if persona == "supervisor" and period == MARCH:
                assert len(_card_figures(live)[1]) >= 3, "the comparison is of real rows"


def test_an_officer_and_the_office_are_counted_live(cases):
    from reports import tally

    with travel(REPORT_TIME):
        tally.refresh()
        for user in (cases.world.officer_hr, cases.world.lgo):
            assert tally.evaluation_figures(user, MARCH) is None
