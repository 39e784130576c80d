"""The CSV export of the case list: streamed, read in chunks at a fixed number of queries,
logged once when it starts, and the same cells as the case pages show."""

import codecs
import csv
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from disputes import exports
from disputes.models import AccessLog, Dispute
from disputes.services import PartyData, PayerData
from disputes.validators import mask_id
from tests import scenarios
from tests.conftest import credit_code, resident_id

pytestmark = pytest.mark.django_db

EXPORT = reverse("disputes:export")


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def cells_of(d: Dispute, numbers) -> list[str]:
    """The row of one case, built from the case itself as its page shows it."""
    payers = [p.payer for p in d.parties.select_related("payer")]
    return [
        d.number,
        timezone.localtime(d.received_at).strftime("%Y-%m-%d %H:%M"),
        d.centre.name,
        d.category.name,
        d.get_state_display(),
        d.get_classification_display(),
        d.lead_department.name if d.lead_department else "",
        "；".join(
            f"{p.name}（{numbers(p.id_number)}）" if numbers(p.id_number) else p.name
            for p in payers
        ),
        f"{d.amount:.2f}" if d.amount is not None else "",
    ]


def two_payers(serial: int) -> list[PartyData]:
    return [
        PartyData(
            payer=PayerData(kind="employee", name="申请人甲", id_number=resident_id(serial)),
            is_representative=True,
        ),
        PartyData(
            payer=PayerData(kind="employer", name="某某建材公司", id_number=credit_code(serial)),
            side="counterparty",
        ),
    ]


def test_the_export_is_streamed_as_utf8_with_one_byte_order_mark(client, world):
    world.make_dispute()
    client.force_login(world.clerk)
    response = client.get(EXPORT)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    body = response.getvalue()
    assert body.startswith(codecs.BOM_UTF8) and body.count(codecs.BOM_UTF8) == 1
    assert body.endswith(b"\r\n")


def test_each_row_holds_the_cells_of_its_case_newest_first(client, world):
    registered = scenarios.registered(world, amount=None)
    general = scenarios.joint_handling(world, payers=two_payers(41))
    major = scenarios.escalated(world, amount=Decimal("0.5"))
    client.force_login(world.supervisor)
    header, *rows = rows_of(client.get(EXPORT))
    assert header == [
        "案件编号",
        "受理时间",
        "处理中心",
        "争议事项类别",
        "状态",
        "分类",
        "牵头部门",
        "缴费人",
        "争议金额（元）",
    ]
    expected = [
        cells_of(d, mask_id)
        for d in Dispute.objects.filter(pk__in=[registered.pk, general.pk, major.pk]).order_by(
            "-received_at", "-pk"
        )
    ]
    assert rows == expected
    # What the rows say, in words: labels, not codes; the representative first; masked.
    by_number = {row[0]: row for row in rows}
    assert by_number[registered.number][4:7] == ["已登记", "", ""]
    assert by_number[registered.number][8] == ""
    assert by_number[general.number][4:7] == ["联办中", "一般事项", "芮城县税务局"]
    assert by_number[general.number][7] == (
        f"申请人甲（{mask_id(resident_id(41))}）；某某建材公司（{mask_id(credit_code(41))}）"
    )
    assert by_number[major.number][5] == "重大疑难事项" and by_number[major.number][8] == "0.50"


def test_the_cyberspace_office_exports_names_without_numbers(client, world):
    d = world.make_dispute(payers=two_payers(42), is_public_opinion_risk=True)
    client.force_login(world.cyber)
    _header, row = rows_of(client.get(EXPORT))
    assert row == cells_of(d, lambda number: "")
    assert row[7] == "申请人甲；某某建材公司"


def test_rows_read_in_chunks_keep_their_own_payers(client, world, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    cases = [world.make_dispute(payers=two_payers(50 + i)) for i in range(5)]
    client.force_login(world.supervisor)
    _header, *rows = rows_of(client.get(EXPORT))
    assert rows == [
        cells_of(d, mask_id) for d in sorted(cases, key=lambda d: (d.received_at, d.pk))[::-1]
    ]


def test_the_export_costs_the_same_queries_for_few_and_many_cases(
    client, world, django_assert_max_num_queries
):
    for i in range(3):
        world.make_dispute(payers=two_payers(60 + i))
    client.force_login(world.supervisor)
    # session, user, staff, roles, the count against the row limit (stops one past it), the
    # access-log entry, the cases (one query, read in chunks of 2,000), their payers (one query
    # per chunk)
    with django_assert_max_num_queries(8) as few:
        rows_of(client.get(EXPORT))
    for i in range(30):
        world.make_dispute(payers=two_payers(70 + i))
    with django_assert_max_num_queries(8) as many:
        assert len(rows_of(client.get(EXPORT))) == 34
    assert len(few.captured_queries) == len(many.captured_queries)


def test_the_export_is_logged_once_when_it_starts(client, world):
    world.make_dispute()
    client.force_login(world.supervisor)
    response = client.get(EXPORT, {"state": "registered"})
    # Written before a row is read: an export cut short is logged all the same.
    entry = AccessLog.objects.get(kind="export")
    assert (entry.user, entry.detail) == (world.supervisor, "state=registered")
    assert len(rows_of(response)) == 2
    assert AccessLog.objects.filter(kind="export").count() == 1


def test_a_list_longer_than_the_row_limit_is_refused_with_a_message_not_cut_short(
    client, world, settings
):
    settings.EXPORT_MAX_ROWS = 2
    cases = [world.make_dispute() for _ in range(3)]
    client.force_login(world.supervisor)

    response = client.get(EXPORT, {"state": "registered"})

    assert response.status_code == 302
    assert response.url == reverse("disputes:list") + "?state=registered"
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == [
        "导出最多 2 件案件，当前列表超出此数。"
        "请用筛选条件（状态、类别、处理中心、日期）缩小范围后再导出。"
    ]
    assert not AccessLog.objects.filter(kind="export").exists()  # nothing was exported
    # At the limit, the whole list is exported.
    settings.EXPORT_MAX_ROWS = 3
    _header, *rows = rows_of(client.get(EXPORT))
    assert sorted(row[0] for row in rows) == sorted(d.number for d in cases)


def test_an_empty_result_is_the_header_alone(client, world):
    world.make_dispute()
    client.force_login(world.outsider)
    assert len(rows_of(client.get(EXPORT))) == 1
