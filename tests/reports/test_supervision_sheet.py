"""The supervision sheet (督办单) as a PDF, one per supervision of the case, and who takes it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from reports.documents import DocumentUnavailable, get_kind, render_pdf
from tests import scenarios
from tests.conftest import resident_id
from tests.reports import pdf

pytestmark = pytest.mark.django_db


def supervise(world, d, *, matter, departments, days=7):
    return services.supervision_open(
        dispute=d,
        actor=world.lgo,
        matter=matter,
        requirement="请于期限内书面报告办理情况，逾期予以通报。",
        departments=departments,
        due_date=timezone.localdate() + datetime.timedelta(days=days),
    )


def cn(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def sheet_url(d, supervision):
    return reverse(
        "reports:document_part",
        kwargs={"number": d.number, "kind": "supervision_sheet", "part": supervision.number},
    )


def test_the_sheet_reads_back_with_its_fields_and_cjk_fonts(client, world, policies):
    number = resident_id(77)
    d = scenarios.escalated(world, summary=f"职工（身份证{number}）反映单位少报缴费基数。")
    s = supervise(
        world,
        d,
        matter="督促核实该单位缴费基数并答复职工。",
        departments=[world.tax, world.medical],
    )
    client.force_login(world.lgo)
    response = client.get(sheet_url(d, s))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    doc = pdf.read(b"".join(response.streaming_content) if response.streaming else response.content)
    flat = doc.flat
    for expected in (
        "督办单",
        s.number,
        "督促核实该单位缴费基数并答复职工。",
        "请于期限内书面报告办理情况，逾期予以通报。",
        cn(s.due_date),
        "芮城县医保局、芮城县税务局",  # by department code
        d.number,
        "领导小组办公室",
        cn(timezone.localdate()),
    ):
        assert expected in flat, expected
    # The case's summary is on it, the payer's number masked as on every paper.
    assert "反映单位少报缴费基数" in flat
    assert number not in flat and number[:4] + "**********" + number[-4:] in flat
    assert "人社局" not in flat  # HR co-handles but is not supervised
    pdf.assert_cjk_fonts(doc)


def test_each_supervision_has_its_own_sheet(world, policies):
    d = scenarios.escalated(world)
    first = supervise(world, d, matter="第一次督办事项。", departments=[world.tax])
    services.supervision_close(supervision=first, actor=world.lgo, conclusion="税务局已办结。")
    second = supervise(world, d, matter="第二次督办事项。", departments=[world.hr])
    kind = get_kind("supervision_sheet")
    assert [p.key for p in kind.parts(d)] == [first.number, second.number]
    one = pdf.read(render_pdf("supervision_sheet", d, **kind.part(d, first.number).options)).flat
    assert "第一次督办事项。" in one and "税务局已办结。" in one and "第二次督办事项。" not in one
    # Without a part: the latest.
    latest = pdf.read(render_pdf("supervision_sheet", d)).flat
    assert "第二次督办事项。" in latest and second.number in latest


def test_a_case_never_supervised_has_no_sheet(world, policies):
    d = scenarios.escalated(world)
    with pytest.raises(DocumentUnavailable) as refused:
        get_kind("supervision_sheet").check(d)
    assert refused.value.message == f"案件{d.number}未被督办，没有督办单。"


# The office, the supervised units' officers (tax, and medical granted the case by it), the
# owning centre and the supervisor take the sheet; HR co-handles the case and the leader works
# on it as escalated, but neither is addressed by the sheet: they read the case on screen.
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lgo", 200),
        ("officer_tax", 200),
        ("officer_medical", 200),
        ("clerk", 200),
        ("coordinator", 200),
        ("supervisor", 200),
        ("officer_hr", 403),
        ("leader", 403),
        ("officer_gov", 404),
        ("clerk_b", 404),
    ],
)
def test_who_takes_the_sheet(client, world, policies, persona, status):
    d = scenarios.supervised(world)
    s = scenarios.supervision_of(d)
    client.force_login(getattr(world, persona))
    assert client.get(sheet_url(d, s)).status_code == status
    default = reverse("reports:document", kwargs={"number": d.number, "kind": "supervision_sheet"})
    assert client.get(default).status_code == status
    if status != 404:
        page = client.get(reverse("disputes:detail", args=[d.number])).content.decode()
        assert (sheet_url(d, s) in page) == (status == 200)


def test_a_unit_takes_only_the_sheets_naming_it(client, world, policies):
    d = scenarios.escalated(world)
    first = supervise(world, d, matter="督办税务局。", departments=[world.tax, world.medical])
    services.supervision_close(supervision=first, actor=world.lgo, conclusion="办结")
    second = supervise(world, d, matter="督办人社局。", departments=[world.hr])
    client.force_login(world.officer_medical)
    assert client.get(sheet_url(d, first)).status_code == 200
    assert client.get(sheet_url(d, second)).status_code == 403
    # The default is the latest sheet, which does not name the medical bureau.
    default = reverse("reports:document", kwargs={"number": d.number, "kind": "supervision_sheet"})
    assert client.get(default).status_code == 403
    page = client.get(reverse("disputes:detail", args=[d.number])).content.decode()
    assert sheet_url(d, first) in page and sheet_url(d, second) not in page
