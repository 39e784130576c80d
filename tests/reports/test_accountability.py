"""The accountability page (责任追究): the county's records for its supervisors and its
leading-group office, filtered by department, stage and period, each linking to its case; the
office records an outcome as a decision appended with who and when, the earlier ones kept; a
refused decision says why in Chinese and loses neither what was saved nor what was typed."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from departments.models import Role, Staff, role_group
from disputes.models import TimelineEntry
from reports.accountability import DECIDED
from reports.models import AccountabilityDecision, AppendOnly
from routing.deadlines import record_late
from routing.models import Deadline
from tests import scenarios

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
PAGE = "reports:accountability"


def travel(text: str):
    moment = datetime.datetime.fromisoformat(text).replace(tzinfo=SH)
    return time_machine.travel(moment, tick=False)


def limit(d, stage, department):
    return Deadline.objects.get(dispute=d, stage=stage, department=department)


class Records:
    pass


@pytest.fixture
def records(world):
    """Three records of the county: tax's and HR's opinions late on one case (recorded in
    March), HR's on another (in April); the second case escalated, so the office sees it."""
    r = Records()
    r.world = world
    with travel("2025-03-03 09:00"):
        r.first = scenarios.joint_handling(world)
        r.second = scenarios.escalated(world)
    with travel("2025-03-11 00:05"):
        r.tax_march = record_late(limit(r.first, "department_opinion", world.tax), 1)
        r.hr_march = record_late(limit(r.first, "department_opinion", world.hr), 1)
    with travel("2025-04-02 00:05"):
        r.hr_april = record_late(limit(r.second, "department_opinion", world.hr), 15)
    return r


def listed(client, **params) -> list[int]:
    response = client.get(reverse(PAGE), params)
    assert response.status_code == 200
    return [row.record.pk for row in response.context["rows"]]


def test_the_supervisor_reads_the_countys_records_and_filters_them(client, records):
    w = records.world
    client.force_login(w.supervisor)
    everything = {records.tax_march.pk, records.hr_march.pk, records.hr_april.pk}
    assert set(listed(client)) == everything
    assert set(listed(client, department="hrss")) == {records.hr_march.pk, records.hr_april.pk}
    assert listed(client, department="tax") == [records.tax_march.pk]
    assert set(listed(client, stage="department_opinion")) == everything
    assert listed(client, stage="general_reply") == []
    assert set(listed(client, **{"from": "2025-03-01", "to": "2025-03-31"})) == {
        records.tax_march.pk,
        records.hr_march.pk,
    }
    assert listed(client, department="hrss", **{"from": "2025-04-01"}) == [records.hr_april.pk]
    assert listed(client, centre="GB") == []


def test_each_row_links_to_its_case(client, records):
    w = records.world
    client.force_login(w.supervisor)
    html = client.get(reverse(PAGE)).content.decode()
    for d in (records.first, records.second):
        assert f'href="{reverse("disputes:detail", args=[d.number])}"' in html
    assert "芮城县人社局" in html and "部门出具意见" in html


def test_the_office_sees_every_record_but_opens_only_the_cases_it_sees(client, records):
    """The office reads the county's records; it sees the escalated case, not the other."""
    w = records.world
    client.force_login(w.lgo)
    response = client.get(reverse(PAGE))
    rows = {row.record.pk: row for row in response.context["rows"]}
    assert set(rows) == {records.tax_march.pk, records.hr_march.pk, records.hr_april.pk}
    assert all(row.can_decide for row in rows.values())
    html = response.content.decode()
    assert f'href="{reverse("disputes:detail", args=[records.second.number])}"' in html
    assert f'href="{reverse("disputes:detail", args=[records.first.number])}"' not in html
    assert records.first.number in html


def test_a_bad_filter_says_so_in_chinese_and_lists_nothing(client, records):
    client.force_login(records.world.supervisor)
    response = client.get(reverse(PAGE), {"department": "nope", "from": "2025-13-01"})
    assert response.context["rows"] == []
    html = response.content.decode()
    assert "选择一个有效的选项" in html and "输入一个有效的日期" in html


def test_another_countys_supervisor_reads_none_of_them(client, records):
    w = records.world
    user = get_user_model().objects.create_user(username="sup_yj", password="pw-Secret-123")
    user.groups.add(role_group(Role.SUPERVISOR))
    Staff.objects.create(user=user, full_name="钱多", jurisdiction=w.other_county)
    client.force_login(user)
    assert listed(client) == []


def decide(client, record, **data):
    return client.post(reverse("reports:accountability-decide", args=[record.pk]), data)


def test_the_office_records_outcomes_appended_with_who_and_when(client, records):
    w = records.world
    record = records.hr_april
    client.force_login(w.lgo)
    with travel("2025-04-03 10:00"):
        response = decide(client, record, outcome="reminded", back="department=hrss")
    assert response.status_code == 302
    assert response.url == f"{reverse(PAGE)}?department=hrss#record-{record.pk}"
    with travel("2025-04-08 15:30"):
        decide(client, record, outcome="referred", reason="多次超期，移送纪委")
    first, latest = AccountabilityDecision.objects.filter(record=record).order_by("decided_at")
    assert (first.outcome, first.decided_by, first.reason) == ("reminded", w.lgo, "")
    assert (latest.outcome, latest.decided_by) == ("referred", w.lgo)
    assert latest.decided_at.astimezone(SH) == datetime.datetime(2025, 4, 8, 15, 30, tzinfo=SH)
    # Both on the case's timeline, in the installation's language.
    notes = list(
        TimelineEntry.objects.filter(dispute=records.second, action=DECIDED)
        .order_by("at")
        .values_list("note", flat=True)
    )
    assert len(notes) == 2 and notes[1].startswith("移送纪委") and "多次超期" in notes[1]
    # The page shows the latest as the outcome, the earlier one still there.
    html = client.get(reverse(PAGE)).content.decode()
    row = html[html.index(f'id="record-{record.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "移送纪委" in row and "提醒" in row and "周敏" in row
    assert "2025年4月8日 15:30" in row and "2025年4月3日 10:00" in row
    # The outcome filter reads the latest decision.
    assert listed(client, decision="referred") == [record.pk]
    assert listed(client, decision="reminded") == []
    assert set(listed(client, decision="none")) == {records.tax_march.pk, records.hr_march.pk}


def test_a_decision_is_never_changed_or_deleted(records):
    w = records.world
    decision = AccountabilityDecision.objects.create(
        record=records.hr_march, outcome="criticised", decided_by=w.lgo
    )
    decision.reason = "改写"
    with pytest.raises(AppendOnly):
        decision.save()
    with pytest.raises(AppendOnly):
        decision.delete()
    assert AccountabilityDecision.objects.get().reason == ""


def test_excusing_without_a_reason_is_refused_and_keeps_what_was_typed(client, records):
    w = records.world
    record = records.hr_march
    client.force_login(w.lgo)
    decide(client, record, outcome="reminded")
    before = TimelineEntry.objects.count()
    response = decide(
        client, record, outcome="excused", reason="   ", back="stage=department_opinion"
    )
    assert response.status_code == 302
    assert AccountabilityDecision.objects.filter(record=record).count() == 1  # the reminder
    assert TimelineEntry.objects.count() == before
    page = client.get(response.url)
    html = page.content.decode()
    assert "请说明免责理由" in html
    [row] = [r for r in page.context["rows"] if r.record.pk == record.pk]
    assert (row.refused, row.outcome) == (True, "excused")
    assert "提醒" in html  # the decision saved before is still shown
    # The draft is shown once: the next visit shows the row as it is.
    again = client.get(response.url)
    [row] = [r for r in again.context["rows"] if r.record.pk == record.pk]
    assert not row.refused and row.outcome == ""


def test_a_reason_too_long_is_refused_and_comes_back_to_be_shortened(client, records):
    w = records.world
    client.force_login(w.lgo)
    typed = "理由" * 1001
    response = decide(client, records.hr_march, outcome="excused", reason=typed)
    assert AccountabilityDecision.objects.count() == 0
    page = client.get(response.url)
    assert "2000" in page.content.decode()  # Django's own message, in Chinese
    [row] = [r for r in page.context["rows"] if r.record.pk == records.hr_march.pk]
    assert row.refused and row.reason == typed[:2000]


def test_only_the_office_decides(client, records):
    w = records.world
    client.force_login(w.supervisor)
    assert decide(client, records.hr_march, outcome="reminded").status_code == 403
    html = client.get(reverse(PAGE)).content.decode()
    assert "accountability-decide" not in html and 'name="outcome"' not in html
    client.force_login(w.coordinator)
    assert client.get(reverse(PAGE)).status_code == 404
    assert decide(client, records.hr_march, outcome="reminded").status_code == 404
    assert AccountabilityDecision.objects.count() == 0


def test_the_page_costs_a_fixed_number_of_queries(client, records, django_assert_num_queries):
    """Whatever the number of records and decisions on the page."""
    w = records.world
    client.force_login(w.lgo)

    def cost() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(PAGE)).status_code == 200
        return len(ctx.captured_queries)

    few = cost()
    for record in (records.tax_march, records.hr_march):
        for outcome in ("reminded", "criticised"):
            AccountabilityDecision.objects.create(record=record, outcome=outcome, decided_by=w.lgo)
    with travel("2025-03-03 09:00"):
        more = [scenarios.joint_handling(w) for _ in range(3)]
    for d in more:
        record_late(limit(d, "department_opinion", w.hr), 2)
    assert cost() == few


def test_the_farthest_dates_filter_nothing_out(client, records):
    client.force_login(records.world.supervisor)
    assert len(listed(client, **{"from": "0001-01-01", "to": "9999-12-31"})) == 3
