"""The ledger's table and exports: one row a case with the paper ledger's columns, the time
limits ticked off, sorting by whitelisted indexed orders, a bounded count, and the .xlsx and
CSV exports read back (headers in Chinese, masked numbers, text never a formula, dates as
dates, amounts as numbers); large exports as jobs only their requester fetches, until they
expire."""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations import services as consultation_services
from consultations.models import DepartmentTask
from disputes.models import AccessLog
from disputes.validators import mask_id
from reports import export_jobs, exports
from reports.models import ExportJob
from routing import deadlines
from tests import scenarios

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
LEDGER = reverse("reports:ledger")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def supervisor(client, world):
    client.force_login(world.supervisor)
    return client


def export(client, fmt, query=""):
    return client.post(f"{reverse('reports:ledger-export')}?{query}", {"format": fmt})


def content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


# -- the table -----------------------------------------------------------------------------


def test_one_row_a_case_with_the_ledgers_columns(supervisor, world):
    d = scenarios.joint_handling(world)
    response = supervisor.get(LEDGER)
    assert response.status_code == 200
    html = response.content.decode()
    for header in (
        "案件编号",
        "受理时间",
        "缴费人类型",
        "险种",
        "牵头部门",
        "协办部门",
        "已用工作日",
    ):
        assert header in html
    assert f'href="{reverse("disputes:detail", kwargs={"number": d.number})}"' in html
    assert "12,345.67" in html
    assert "芮城县税务局" in html and "芮城县人社局" in html  # lead and co-handling
    table = response.context["table"]
    assert [row.number for row in table.data] == [d.number]


def test_the_numbers_are_masked_on_the_page(supervisor, world):
    d = world.make_dispute()
    number = d.parties.get().payer.id_number
    html = supervisor.get(LEDGER).content.decode()
    assert number not in html
    assert mask_id(number) in html


def test_time_limits_ticked_off_met_overdue_and_running(supervisor, world, policies):
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        d = scenarios.joint_handling(world)
        consultation_services.opinion_give(
            task=DepartmentTask.objects.get(dispute=d, department=world.tax),
            actor=world.officer_tax,
            finding="经核实",
            basis="",
            proposal="补缴",
        )
    with time_machine.travel(at("2025-04-30 10:00"), tick=False):
        deadlines.sweep()
        (row,) = exports.ledger_rows(
            exports.sorted_cases(type(d).objects.filter(pk=d.pk), "-received"),
            numbers=export_jobs.rules.number_display(None, world.supervisor),
        )
        html = supervisor.get(LEDGER).content.decode()
    by_department = {(t.stage, t.department): t for t in row.tick_offs}
    tax = by_department[("department_opinion", "芮城县税务局")]
    hr = by_department[("department_opinion", "芮城县人社局")]
    assert (tax.state, tax.day) == (exports.Tick.MET, datetime.date(2025, 3, 10))
    assert hr.state == exports.Tick.OVERDUE
    assert hr.days_late > 0
    assert row.overdue == exports.Overdue.NOW
    assert row.days_late == max(t.days_late for t in row.tick_offs)
    # The badges: met in green with the day it was met, overdue in red with the day it was due.
    assert 'class="badge rounded-pill text-bg-success tick tick-met"' in html
    assert "按时完成 3月10日" in html
    assert 'text-bg-danger tick tick-overdue"' in html
    assert f"已超期 {hr.day.month}月{hr.day.day}日" in html
    assert "当前逾期" in html


def test_working_days_used_count_the_official_calendar(world):
    # Received on Monday 29 September 2025; National Day week is off; closed 10 October.
    with time_machine.travel(at("2025-09-29 10:00"), tick=False):
        d = world.make_dispute()
    with time_machine.travel(at("2025-10-10 10:00"), tick=False):
        (row,) = exports.ledger_rows(
            type(d).objects.filter(pk=d.pk),
            numbers=export_jobs.rules.number_display(None, world.supervisor),
        )
    # 30 Sep, 9 Oct, 10 Oct (the 11th, a Saturday, is a working day, not yet reached).
    assert row.working_days == 3


def test_queries_per_page_do_not_grow_with_the_rows(supervisor, world):
    scenarios.joint_handling(world)
    with CaptureQueriesContext(connection) as few:
        assert supervisor.get(LEDGER).status_code == 200
    for _ in range(6):
        scenarios.joint_handling(world)
    world.make_dispute(insurance_types=[world.pension, world.medical_ins])
    with CaptureQueriesContext(connection) as many:
        assert supervisor.get(LEDGER).status_code == 200
    assert len(many) == len(few)


def test_sort_is_whitelisted(supervisor, world):
    made = [world.make_dispute() for _ in range(3)]
    numbers = sorted(d.number for d in made)
    by_number = supervisor.get(LEDGER, {"sort": "number"}).context["table"]
    assert [r.number for r in by_number.data] == numbers
    assert [
        r.number for r in supervisor.get(LEDGER, {"sort": "-number"}).context["table"].data
    ] == numbers[::-1]
    newest_first = [d.number for d in reversed(made)]
    for odd in ("summary", "amount;", "number;drop table", "-pk", "__class__", "received_at"):
        response = supervisor.get(LEDGER, {"sort": odd})
        assert response.status_code == 200
        assert [r.number for r in response.context["table"].data] == newest_first, odd
    assert exports.sort_of({"sort": "payer"}) == exports.DEFAULT_SORT


def test_a_short_list_sorts_by_amount_and_a_long_one_says_why_not(supervisor, world, settings):
    """No index serves the amount, the day replied or closed: the ledger sorts by them once the
    filter leaves no more cases than it counts, and otherwise keeps newest first and says so."""
    made = [world.make_dispute(amount=Decimal(a)) for a in ("300.00", "100.00", "200.00")]
    by_amount = supervisor.get(LEDGER, {"sort": "amount"})
    assert [r.number for r in by_amount.context["table"].data] == [
        made[1].number,
        made[2].number,
        made[0].number,
    ]
    assert "sort=-amount" in by_amount.content.decode()  # the header offers the other way
    settings.LEDGER_COUNT_CAP = 2
    refused = supervisor.get(LEDGER, {"sort": "-amount"})
    shown = [r.number for r in refused.context["table"].data]
    assert shown == [d.number for d in made[::-1]][:2]  # newest first, as many as counted
    page = refused.content.decode()
    assert "筛选结果不超过2件时，台账才可按该列排序。" in page
    assert "sort=amount" not in page and "sort=-amount" not in page


def test_sort_links_keep_the_filter(supervisor, world):
    world.make_dispute()
    html = supervisor.get(LEDGER, {"category": "contribution_base"}).content.decode()
    assert "sort=number" in html and "category=contribution_base" in html


def test_the_count_is_capped_with_a_limit_under_the_count(supervisor, world, settings):
    settings.LEDGER_COUNT_CAP = 3
    for _ in range(5):
        world.make_dispute()
    with CaptureQueriesContext(connection) as queries:
        response = supervisor.get(LEDGER)
    assert response.context["page"].paginator.count == 3
    assert response.context["page"].paginator.capped
    assert '<span class="badge text-bg-secondary" id="ledger-count">3+</span>' in (
        response.content.decode()
    )
    counts = [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT COUNT(*) FROM (SELECT "disputes_dispute"')
    ]
    assert counts and all("LIMIT 4" in sql for sql in counts), counts


def test_the_count_is_exact_below_the_cap(supervisor, world):
    for _ in range(2):
        world.make_dispute()
    response = supervisor.get(LEDGER)
    assert response.context["page"].paginator.count == 2
    assert not response.context["page"].paginator.capped
    assert settings.LEDGER_COUNT_CAP == 10_000


# -- the exports --------------------------------------------------------------------------


def formula_case(world):
    return world.make_dispute(summary="=SUM(A1)", amount=Decimal("1234.5"))


def test_xlsx_read_back(supervisor, world):
    d = formula_case(world)
    other = world.make_dispute(received_at=at("2025-01-02 08:15"), amount=None)
    response = export(supervisor, "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = workbook(content(response))
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    assert header[:5] == ["案件编号", "受理时间", "来源", "缴费人类型", "缴费人"]
    assert "争议金额（元）" in header and "时限节点（对表销号）" in header
    assert len(rows) == 3
    cells = {c.column - 1: c for c in rows[1]}
    col = header.index
    assert cells[col("案件编号")].value == d.number
    summary = cells[col("主要内容")]
    assert summary.value == "=SUM(A1)" and summary.data_type == "s"
    number = d.parties.get().payer.id_number
    assert cells[col("缴费人")].value == f"申请人（{mask_id(number)}）"
    received = cells[col("受理时间")]
    assert isinstance(received.value, datetime.datetime) and received.is_date
    local = d.received_at.astimezone(SH).replace(tzinfo=None, second=0, microsecond=0)
    assert received.value.replace(second=0, microsecond=0) == local
    amount = cells[col("争议金额（元）")]
    assert amount.value == 1234.5 and amount.data_type == "n"
    assert amount.number_format == "0.00"
    last = {c.column - 1: c for c in rows[2]}
    assert last[col("案件编号")].value == other.number
    assert last[col("争议金额（元）")].value is None
    raw = content(export(supervisor, "xlsx"))
    assert number.encode() not in raw


def test_xlsx_holds_no_formula_whatever_the_text(supervisor, world):
    for text in ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"):
        world.make_dispute(summary=text)
    sheet = workbook(content(export(supervisor, "xlsx")))
    header = [c.value for c in next(sheet.iter_rows())]
    summaries = {row[header.index("主要内容")] for row in sheet.iter_rows(min_row=2)}
    assert all(cell.data_type == "s" for cell in summaries)
    assert {c.value for c in summaries} == {'=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"}


def test_csv_has_a_bom_chinese_headers_and_quoted_formulas(supervisor, world):
    d = formula_case(world)
    response = export(supervisor, "csv")
    assert response.status_code == 200
    data = content(response)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert header[0] == "案件编号" and "缴费人意见" in header
    cell = dict(zip(header, row, strict=True))
    assert cell["案件编号"] == d.number
    assert cell["主要内容"] == "'=SUM(A1)"
    assert cell["争议金额（元）"] == "1234.50"
    assert cell["受理时间"] == d.received_at.astimezone(SH).strftime("%Y-%m-%d %H:%M")
    number = d.parties.get().payer.id_number
    assert cell["缴费人"] == f"申请人（{mask_id(number)}）"
    assert number.encode() not in data


def test_the_export_is_what_the_filter_shows(supervisor, world):
    refund = world.make_dispute(category=world.category_refund)
    world.make_dispute()
    data = content(export(supervisor, "csv", "category=refund"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [refund.number]


def test_every_export_is_logged(supervisor, world):
    world.make_dispute()
    export(supervisor, "csv", "category=refund")
    export(supervisor, "xlsx")
    entries = AccessLog.objects.filter(user=world.supervisor, kind=AccessLog.Kind.EXPORT)
    details = sorted(entries.values_list("detail", flat=True))
    assert details == ["台账 csv category=refund", "台账 xlsx"]


def test_an_unknown_format_or_invalid_filter_is_refused(supervisor, world):
    world.make_dispute()
    response = export(supervisor, "pdf")
    assert response.status_code == 302
    response = export(supervisor, "csv", "from=yesterday")
    assert response.status_code == 302
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT).exists()


def test_export_is_post_only_and_for_oversight(client, world):
    client.force_login(world.supervisor)
    assert client.get(reverse("reports:ledger-export"), {"format": "csv"}).status_code == 405
    client.force_login(world.clerk)
    assert export(client, "csv").status_code == 404


# -- the jobs -----------------------------------------------------------------------------


@pytest.fixture
def large(settings):
    settings.LEDGER_EXPORT_JOB_ROWS = 2
    settings.LEDGER_EXPORT_CHUNK_ROWS = 1


def test_a_large_export_is_a_job_its_requester_fetches(
    supervisor, client, world, large, django_capture_on_commit_callbacks
):
    made = [world.make_dispute() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        response = export(supervisor, "xlsx")
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert (job.requester, job.format, job.status) == (world.supervisor, "xlsx", "done")
    assert (job.done, job.total, job.percent) == (3, 3, 100)
    status = supervisor.get(reverse("reports:ledger-export-status", kwargs={"pk": job.pk}))
    body = status.json()
    download = reverse("reports:ledger-export-download", kwargs={"pk": job.pk})
    assert body["status"] == "done" and body["percent"] == 100 and body["download"] == download
    assert body["label"] == "已完成"
    page = supervisor.get(LEDGER).content.decode()
    assert 'id="ledger-jobs"' in page and download in page
    assert 'data-status-url="' in page
    fetched = supervisor.get(download)
    assert fetched.status_code == 200
    assert fetched["Cache-Control"] == "private, no-store"
    sheet = workbook(content(fetched))
    assert sorted(r[0].value for r in sheet.iter_rows(min_row=2)) == sorted(d.number for d in made)
    assert AccessLog.objects.get(kind=AccessLog.Kind.EXPORT).detail.startswith(
        "台账 xlsx（后台任务"
    )
    # Another overseer: no such job, no such file.
    client.force_login(world.lgo)
    assert client.get(download).status_code == 404
    assert (
        client.get(reverse("reports:ledger-export-status", kwargs={"pk": job.pk})).status_code
        == 404
    )
    assert 'id="ledger-jobs"' not in client.get(LEDGER).content.decode()


def test_a_jobs_progress_is_counted_chunk_by_chunk(world, large, monkeypatch):
    for _ in range(4):
        world.make_dispute()
    job = ExportJob.objects.create(
        requester=world.supervisor,
        format="csv",
        total=4,
        expires_at=datetime.datetime(2100, 1, 1, tzinfo=SH),
    )
    seen = []
    real = ExportJob.objects.filter

    def watch(*args, **kwargs):
        qs = real(*args, **kwargs)
        original = qs.update

        def update(**values):
            if set(values) == {"done"}:
                seen.append(values["done"])
            return original(**values)

        qs.update = update
        return qs

    monkeypatch.setattr(ExportJob.objects, "filter", watch)
    export_jobs.run_export(job.pk)
    job.refresh_from_db()
    assert seen == [1, 2, 3, 4, 4]
    assert job.status == "done" and job.done == 4
    data = job.file.read()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\n") == 5
    export_jobs.run_export(job.pk)  # done already: not written twice
    assert seen == [1, 2, 3, 4, 4]


def test_a_job_reads_the_cases_with_the_requesters_rights(world, large):
    mine = world.make_dispute()
    world.make_dispute(centre=world.centre_b)
    job = ExportJob.objects.create(
        requester=world.coordinator,
        format="csv",
        expires_at=datetime.datetime(2100, 1, 1, tzinfo=SH),
    )
    export_jobs.run_export(job.pk)
    job.refresh_from_db()
    rows = list(csv.reader(io.StringIO(job.file.read().decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [mine.number]


def test_expired_files_are_deleted_and_refused(
    supervisor, world, large, django_capture_on_commit_callbacks
):
    for _ in range(3):
        world.make_dispute()
    with django_capture_on_commit_callbacks(execute=True):
        export(supervisor, "csv")
    job = ExportJob.objects.get()
    name = job.file.name
    storage = job.file.storage
    assert storage.exists(name)
    download = reverse("reports:ledger-export-download", kwargs={"pk": job.pk})
    assert job.expires_at - job.created_at == datetime.timedelta(
        hours=settings.LEDGER_EXPORT_KEEP_HOURS
    )
    assert export_jobs.purge_expired() == 0  # not yet
    later = job.expires_at + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        supervisor.force_login(world.supervisor)  # the session of a day ago has lapsed
        assert supervisor.get(download).status_code == 404  # past its time, even before purge
        assert export_jobs.purge_expired() == 1
    assert not storage.exists(name)
    job.refresh_from_db()
    assert job.status == "expired" and not job.file
    assert supervisor.get(download).status_code == 404
    assert export_jobs.purge_expired(later) == 0


def test_the_purge_runs_on_the_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-ledger-exports"]
    assert entry["task"] == "reports.tasks.purge_expired_exports"
    from config.celery import app

    app.loader.import_default_modules()
    assert "reports.tasks.purge_expired_exports" in app.tasks
    assert "reports.tasks.ledger_export" in app.tasks


def test_more_than_the_export_allows_is_refused(supervisor, world, settings):
    settings.EXPORT_MAX_ROWS = 2
    settings.LEDGER_EXPORT_JOB_ROWS = 1
    for _ in range(3):
        world.make_dispute()
    response = export(supervisor, "xlsx")
    assert response.status_code == 302
    assert not ExportJob.objects.exists()
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT).exists()
