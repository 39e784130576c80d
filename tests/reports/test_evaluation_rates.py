"""The payer's rating and the redo in the evaluation and the ledger (满意率, 重办率): a handful of
cases played through the services in March 2025 — rated satisfied, basically satisfied, not
satisfied and never rated, redone then answered again, redone then withdrawn, another
department's, an open one and one closed in April — each figure against the story of the cases,
the ledger's filters listing exactly the cases each figure counts, the score with the new
weights, the tally giving the live figures, and the PDF circular read back with the columns."""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import QueryDict
from django.urls import reverse

from consultations import services as consultation_services
from consultations.models import DepartmentTask
from disputes import followup, services
from disputes import rules as dispute_rules
from disputes.models import Dispute, FollowUp
from disputes.selectors import visible_disputes
from reports import evaluation, exports
from reports.ledger import ledger_cases
from reports.models import ScoringPolicy
from routing import services as routing_services
from tests import scenarios
from tests.reports import pdf as pdf_reader

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MARCH = evaluation.Period(evaluation.MONTH, datetime.date(2025, 3, 1))
REPORT_TIME = "2025-04-02 09:00"


def travel(text: str):
    moment = datetime.datetime.fromisoformat(text).replace(tzinfo=SH)
    return time_machine.travel(moment, tick=False)


def visit(w, d, satisfaction, remarks=""):
    followup.record_follow_up(
        dispute=d,
        actor=w.clerk,
        method=FollowUp.Method.PHONE,
        contact="缴费人",
        satisfaction=satisfaction,
        remarks=remarks or ("补缴金额有误" if satisfaction == "dissatisfied" else ""),
    )


def officer_of(w, task):
    return {w.tax.pk: w.officer_tax, w.hr.pk: w.officer_hr, w.medical.pk: w.officer_medical}[
        task.department_id
    ]


def answer(w, d, text="答复"):
    """The pending opinions given, consolidated and replied."""
    for task in DepartmentTask.objects.filter(dispute=d, status=DepartmentTask.Status.PENDING):
        consultation_services.opinion_give(
            task=task, actor=officer_of(w, task), finding="经核实", basis="", proposal="补缴"
        )
    d = consultation_services.dispute_consolidate(dispute=d, actor=w.coordinator, opinion="汇总")
    return services.dispute_reply(dispute=d, actor=w.clerk, text=text)


def redo(w, d):
    visit(w, d, "dissatisfied")
    return followup.dispute_redo(dispute=d, actor=w.coordinator, reason="重新核算")


class Cases:
    pass


@pytest.fixture
def cases(world):
    scenarios.default_policies()
    w, c = world, Cases()
    with travel("2025-03-03 09:00"):
        # Tax leads, HR co-handles (centre A).
        for name in (
            "satisfied",
            "basically",
            "explained",
            "unrated",
            "redone_answered",
            "redone_withdrawn",
            "still_open",
            "april",
        ):
            setattr(c, name, scenarios.joint_handling(w))
        # The medical bureau alone.
        c.medical = routing_services.dispute_classify(
            dispute=w.make_dispute(),
            actor=w.clerk,
            classification="general",
            lead_department=w.medical,
            co_departments=[],
        )
    with travel("2025-03-04 10:00"):
        for name in vars(c).copy():
            setattr(c, name, answer(w, getattr(c, name)))
    with travel("2025-03-05 10:00"):
        visit(w, c.satisfied, "satisfied")
        visit(w, c.basically, "basically")
        visit(w, c.still_open, "satisfied")
        visit(w, c.april, "satisfied")
        visit(w, c.explained, "dissatisfied")
        visit(w, c.medical, "dissatisfied")
        for d in (c.redone_answered, c.redone_withdrawn):
            redo(w, d)
    with travel("2025-03-06 10:00"):
        for d in (c.satisfied, c.basically, c.unrated):
            services.dispute_accept(dispute=d, actor=w.clerk)
        for d in (c.explained, c.medical):
            followup.dispute_close_explained(
                dispute=d, actor=w.coordinator, explanation="答复依据充分"
            )
        services.dispute_withdraw(dispute=c.redone_withdrawn, actor=w.clerk, reason="缴费人撤回")
        c.redone_answered = answer(w, c.redone_answered, text="重新答复")
    with travel("2025-03-07 10:00"):
        visit(w, c.redone_answered, "satisfied")  # the second reply's rating
        services.dispute_accept(dispute=c.redone_answered, actor=w.clerk)
    with travel("2025-03-05 15:00"):
        b = w.make_dispute(actor=w.clerk_b, centre=w.centre_b)
        c.centre_b = routing_services.dispute_classify(
            dispute=b, actor=w.clerk_b, classification="simple", note="当场办结"
        )
    with travel("2025-04-01 10:00"):
        services.dispute_accept(dispute=c.april, actor=w.clerk)
    for d in vars(c).values():
        d.refresh_from_db()
    c.world = w
    return c


def march_card(user, **kw):
    with travel(REPORT_TIME):
        return evaluation.scorecard(visible_disputes(user), MARCH, **kw)


def row_of(rows, unit):
    return next(r for r in rows if r.unit.pk == unit.pk)


RATES = ("rated", "satisfied", "replied", "redone")


def rates(row):
    return tuple(getattr(row, name) for name in RATES)


def test_the_cases_are_what_the_story_says(cases):
    assert cases.redone_answered.redo_count == 1 and cases.redone_answered.satisfaction == (
        "satisfied"
    )
    # The redo cleared the reply and the rating: withdrawn during its redo, never replied again.
    assert cases.redone_withdrawn.redo_count == 1
    assert cases.redone_withdrawn.replied_at is None and cases.redone_withdrawn.satisfaction == ""
    assert cases.unrated.satisfaction == "" and cases.unrated.closed_at is not None
    assert cases.still_open.closed_at is None


def test_the_rates_per_department_and_per_centre(cases):
    w = cases.world
    card = march_card(w.supervisor)
    # Tax led the six of centre A closed in March, HR co-handled them: four rated (satisfied,
    # basically, explained, redone then answered), three of them satisfied or basically;
    # all six replied at least once (the withdrawn one before its redo), two redone.
    for department in (w.tax, w.hr):
        row = row_of(card.departments, department)
        assert rates(row) == (4, 3, 6, 2), department.name
        assert row.satisfaction_percent == Decimal("75.0")
        assert row.redo_percent == Decimal("33.3")
    medical = row_of(card.departments, w.medical)
    assert rates(medical) == (1, 0, 1, 0)
    assert medical.satisfaction_percent == Decimal("0.0") and medical.redo_percent == Decimal("0.0")
    centre_a = row_of(card.centres, w.centre_a)
    assert rates(centre_a) == (5, 3, 7, 2)
    assert centre_a.satisfaction_percent == Decimal("60.0")
    assert centre_a.redo_percent == Decimal("28.6")
    centre_b = row_of(card.centres, w.centre_b)
    assert rates(centre_b) == (0, 0, 0, 0)
    assert centre_b.satisfaction_percent is None and centre_b.redo_percent is None


def test_the_rates_count_only_the_cases_the_user_sees(cases):
    w = cases.world
    card = march_card(w.officer_medical)
    assert [r.unit for r in card.departments] == [w.medical]
    assert rates(card.departments[0]) == (1, 0, 1, 0)


def ledger_numbers(user, url: str) -> set[str]:
    split = urlsplit(url)
    assert split.path == reverse("reports:ledger")
    found = ledger_cases(user, QueryDict(split.query))
    assert not found.form.errors, found.form.errors
    return set(found.qs.values_list("number", flat=True))


def test_each_rate_figure_links_to_a_ledger_of_exactly_its_cases(cases):
    w, c = cases.world, cases
    card = march_card(w.supervisor)
    with travel(REPORT_TIME):
        tax = row_of(card.departments, w.tax)
        listed = {name: ledger_numbers(w.supervisor, tax.links[name]) for name in RATES}
        centre_b = row_of(card.centres, w.centre_b)
        for name in RATES:
            assert ledger_numbers(w.supervisor, centre_b.links[name]) == set()
        for row in [*card.departments, *card.centres]:
            for name in RATES:
                assert len(ledger_numbers(w.supervisor, row.links[name])) == getattr(row, name)
    number = {d: getattr(c, d).number for d in vars(c) if d != "world"}
    assert listed == {
        "rated": {number[d] for d in ("satisfied", "basically", "explained", "redone_answered")},
        "satisfied": {number[d] for d in ("satisfied", "basically", "redone_answered")},
        "replied": {
            number[d]
            for d in (
                "satisfied",
                "basically",
                "explained",
                "unrated",
                "redone_answered",
                "redone_withdrawn",
            )
        },
        "redone": {number["redone_answered"], number["redone_withdrawn"]},
    }


def test_the_ledger_filters_the_rating_and_the_redo(cases):
    w, c = cases.world, cases
    user = w.supervisor
    every = {d.number for d in Dispute.objects.all()}
    with travel(REPORT_TIME):
        assert ledger_numbers(user, "/ledger/?satisfaction=satisfied") == {
            c.satisfied.number,
            c.still_open.number,
            c.april.number,
            c.redone_answered.number,
        }
        assert ledger_numbers(user, "/ledger/?satisfaction=basically") == {c.basically.number}
        assert ledger_numbers(user, "/ledger/?satisfaction=dissatisfied") == {
            c.explained.number,
            c.medical.number,
        }
        content = ledger_numbers(user, "/ledger/?satisfaction=content")
        assert content == {
            c.satisfied.number,
            c.still_open.number,
            c.april.number,
            c.redone_answered.number,
            c.basically.number,
        }
        rated = ledger_numbers(user, "/ledger/?satisfaction=rated")
        assert rated == content | {c.explained.number, c.medical.number}
        assert ledger_numbers(user, "/ledger/?satisfaction=unrated") == every - rated
        assert ledger_numbers(user, "/ledger/?redone=1") == {
            c.redone_answered.number,
            c.redone_withdrawn.number,
        }
        # Replied at least once: all but centre B's case settled on the spot.
        assert ledger_numbers(user, "/ledger/?ever_replied=1") == every - {c.centre_b.number}
        # ``replied`` alone is the reply now: not the one withdrawn during its redo.
        assert c.redone_withdrawn.number not in ledger_numbers(user, "/ledger/?replied=1")
        # A department alone: the cases it leads or co-handles.
        assert ledger_numbers(user, "/ledger/?satisfaction=rated&department=medical") == {
            c.medical.number
        }
        assert ledger_numbers(user, "/ledger/?redone=1&department=medical") == set()


@pytest.mark.parametrize("query", ["satisfaction=pleased", "redone=2", "ever_replied=yes"])
def test_a_wrong_value_is_refused_in_chinese_and_lists_nothing(cases, query):
    found = ledger_cases(cases.world.supervisor, QueryDict(query))
    assert found.form.errors and found.qs.count() == 0
    (messages,) = found.form.errors.values()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in messages[0])


def test_the_ledger_rows_and_export_show_the_rating_and_the_times_redone(cases, client):
    w, c = cases.world, cases
    rows = {
        r.number: r
        for r in exports.ledger_rows(
            Dispute.objects.filter(pk__in=[c.basically.pk, c.redone_answered.pk, c.unrated.pk]),
            numbers=dispute_rules.number_display(None, w.supervisor),
        )
    }
    assert (rows[c.basically.number].satisfaction, rows[c.basically.number].redo_count) == (
        "基本满意",
        0,
    )
    assert (
        rows[c.redone_answered.number].satisfaction,
        rows[c.redone_answered.number].redo_count,
    ) == ("满意", 1)
    assert rows[c.unrated.number].satisfaction == ""
    client.force_login(w.supervisor)
    with travel(REPORT_TIME):
        response = client.post(
            f"{reverse('reports:ledger-export')}?redone=1", {"format": "csv"}, follow=False
        )
    assert response.status_code == 200, response
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode("utf-8-sig")
    lines = body.splitlines()
    header = lines[0].split(",")
    assert "缴费人满意度" in header and "重办次数" in header
    assert len(lines) == 3  # the header and the two redone
    cells = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:]]
    assert {cell["重办次数"] for cell in cells} == {"1"}
    with travel(REPORT_TIME):
        page = client.get(reverse("reports:ledger"), {"redone": "1"}).content.decode()
    assert "重办次数" in page and "缴费人满意度" in page


def test_the_score_takes_off_the_new_weights(cases):
    w = cases.world
    ScoringPolicy.objects.update(active=False)
    ScoringPolicy.objects.create(
        name="满意度考评办法",
        valid_from=datetime.date(2025, 1, 1),
        base_score=100,
        on_time_weight=0,
        days_late_weight=0,
        decline_weight=0,
        extension_weight=0,
        accountability_weight=0,
        overdue_open_weight=0,
        satisfaction_weight=1,
        redo_weight=Decimal("0.5"),
    )
    card = march_card(w.supervisor)
    # 100 − 1 × (100 − 75.0) − 0.5 × 33.3
    assert row_of(card.departments, w.tax).score == Decimal("58.4")
    # 100 − 1 × 100 − 0.5 × 0
    assert row_of(card.departments, w.medical).score == Decimal("0.0")
    # 100 − 1 × 40 − 0.5 × 28.6
    assert row_of(card.centres, w.centre_a).score == Decimal("45.7")
    # No case rated or replied: nothing off.
    assert row_of(card.centres, w.centre_b).score == Decimal("100.0")


def test_the_default_weights_leave_a_unit_with_no_rating_untouched(cases):
    w = cases.world
    default = ScoringPolicy.objects.get()
    assert (default.satisfaction_weight, default.redo_weight) == (Decimal("0.30"), Decimal("0.50"))
    card = march_card(w.supervisor)
    centre_b = row_of(card.centres, w.centre_b)
    assert centre_b.score == Decimal("100.0")
    # With both weights at zero, the scores are those of the figures of before.
    zero = ScoringPolicy(
        name="旧办法", valid_from=MARCH.start, satisfaction_weight=0, redo_weight=0
    )
    for row in [*card.departments, *card.centres]:
        before = evaluation.score(zero, row)
        off = Decimal(0)
        if row.satisfaction_percent is not None:
            off += Decimal("0.30") * (100 - row.satisfaction_percent)
        if row.redo_percent is not None:
            off += Decimal("0.50") * row.redo_percent
        want = max(Decimal(0), before - off).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        assert row.score == want, row.name
    # HR met every limit: 100 − 0.30 × (100 − 75.0) − 0.50 × 33.3
    assert row_of(card.departments, w.hr).score == Decimal("75.9")


def test_the_tally_gives_the_rates_counted_live(cases):
    from reports import tally

    w = cases.world
    for user in (w.supervisor, w.coordinator):
        with travel(REPORT_TIME):
            tally.refresh()
            counted = tally.evaluation_figures(user, MARCH)
            assert counted is not None
            from_tally = evaluation.scorecard(visible_disputes(user), MARCH, counted=counted)
            live = evaluation.scorecard(visible_disputes(user), MARCH)
        for kind in ("departments", "centres"):
            got = [(r.unit.pk, rates(r), r.score) for r in getattr(from_tally, kind)]
            want = [(r.unit.pk, rates(r), r.score) for r in getattr(live, kind)]
            assert got == want, (user, kind)
        assert any(rates(r)[0] for r in live.departments)


def test_the_page_shows_the_two_columns_with_their_links(cases, client):
    w = cases.world
    client.force_login(w.supervisor)
    with travel(REPORT_TIME):
        response = client.get(reverse("reports:evaluation"), {"start": "2025-03-01"})
    html = response.content.decode()
    assert "满意率" in html and "重办率" in html
    tax = row_of(response.context["card"].departments, w.tax)
    for name in RATES:
        assert f'href="{tax.links[name]}"'.replace("&", "&amp;") in html, name
    assert "75.0%" in html and "33.3%" in html
    for term, text in evaluation.DEFINITIONS[-2:]:
        assert str(term) in html and str(text) in html


def test_the_circular_shows_the_two_columns(cases, client):
    w = cases.world
    client.force_login(w.supervisor)
    with travel(REPORT_TIME):
        response = client.get(
            reverse("reports:evaluation-pdf"), {"period": "month", "start": "2025-03-01"}
        )
    assert response.status_code == 200
    pdf = pdf_reader.read(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    pdf_reader.assert_cjk_fonts(pdf)
    text = pdf.flat
    assert "满意率" in text and "重办率" in text
    # The tax bureau's row: the on-time rate and mean lateness, then 75.0% of 4 rated (3
    # satisfied) and 33.3% of 6 replied (2 redone).
    assert "75.0%（3/4）33.3%（2/6）" in text
    assert "—（0/0）—（0/0）" in text  # centre B: nothing rated, nothing replied
    assert "满意率每低于100%一个百分点扣0.30分" in text and "重办率每一个百分点扣0.50分" in text
