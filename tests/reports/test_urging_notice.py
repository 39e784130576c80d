"""The 《催办通知书》 read back from its PDF, who takes it away, and the circular entries (通报)
in the department evaluation."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from reports.documents import DocumentUnavailable, get_kind, render
from reports.evaluation import MONTH, Period, scorecard
from reports.rules import may_download
from routing import deadlines
from routing.models import LateCircular, UrgingNotice
from tests import scenarios
from tests.reports import pdf

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SH)


def sweep_at(text: str):
    with time_machine.travel(at(text), tick=False):
        return deadlines.sweep()


@pytest.fixture
def urged(world, policies):
    """A general case whose departments' opinions fell due on 30 September 2025 and were
    urged by notice on 9 October, the first working day after the National Day holiday; the
    payer's number is typed into the summary too."""
    with time_machine.travel(at("2025-09-24 10:00"), tick=False):
        d = scenarios.joint_handling(
            world, summary="职工反映单位按最低基数申报，身份证号140830198503120011。"
        )
    sweep_at("2025-10-01 00:10")
    sweep_at("2025-10-09 09:05")
    return d


def notice_of(d, department):
    return UrgingNotice.objects.get(dispute=d, department=department)


def test_the_notice_reads_back_with_every_field_in_chinese(world, urged):
    notice = notice_of(urged, world.hr)
    kind = get_kind("urging_notice")
    part = kind.part(urged, notice.number)
    with time_machine.travel(at("2025-10-10 10:00"), tick=False):
        rendered = render("urging_notice", urged, **part.options)
    document = pdf.read(rendered.pdf)
    pdf.assert_cjk_fonts(document)
    assert all(document.fonts.values())  # every face embedded
    text = document.flat
    for expected in [
        "催办通知书",
        f"编号：{notice.number}",
        "芮城县人社局：",  # the addressed department
        f"案件编号{urged.number}",
        "事项职工反映单位按最低基数申报",
        "环节部门出具意见",
        "开始时间2025年9月24日",
        "完成时限2025年9月30日",
        "截至本通知发出之日已超期1个工作日",
        "本通知发出5个工作日后仍未办结的，将对你单位予以通报",
        f"发文单位：{world.centre_a.name}",
        "2025年10月9日",
    ]:
        assert expected in text, expected
    # The payer's number is masked on paper, in the matter as everywhere.
    assert "140830198503120011" not in text and "1408**********0011" in text
    assert "芮城县税务局：" not in text  # the other department's notice is its own


def test_each_notice_is_a_part_of_the_case_and_the_case_page_lists_both(client, world, urged):
    kind = get_kind("urging_notice")
    parts = kind.parts(urged)
    assert {p.key for p in parts} == set(UrgingNotice.objects.values_list("number", flat=True))
    client.force_login(world.coordinator)
    page = client.get(reverse("disputes:detail", args=[urged.number])).content.decode()
    for notice in UrgingNotice.objects.all():
        url = reverse(
            "reports:document_part",
            kwargs={"number": urged.number, "kind": "urging_notice", "part": notice.number},
        )
        assert url in page
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_a_case_without_a_notice_has_no_such_document(world, policies):
    d = scenarios.joint_handling(world)
    with pytest.raises(DocumentUnavailable):
        get_kind("urging_notice").check(d)


@pytest.mark.parametrize(
    ("persona", "takes"),
    [
        ("officer_hr", True),  # addressed
        ("officer_tax", True),
        ("coordinator", True),  # the owning centre
        ("clerk", True),
        ("supervisor", True),
        ("lgo", True),  # the county's leading-group office
        ("cyber", False),
        ("mediator", False),
        ("officer_medical", False),
    ],
)
def test_who_takes_the_notice_away(world, urged, persona, takes):
    assert may_download(urged, getattr(world, persona), "urging_notice") is takes


def test_a_department_addressed_without_handling_the_case_takes_its_notice(world, urged):
    """A notice to a department that is neither lead nor co-handling (a meeting's task, the
    court): its officers take the notice, and nothing else of the case."""
    opinion = UrgingNotice.objects.filter(dispute=urged).first()
    UrgingNotice.objects.filter(pk=opinion.pk).update(department=world.medical)
    assert may_download(urged, world.officer_medical, "urging_notice")
    assert not may_download(urged, world.officer_medical, "receipt")


def test_the_inbox_links_the_notice_of_its_message(client, world, urged):
    client.force_login(world.officer_hr)
    page = client.get(reverse("reports:inbox")).content.decode()
    url = reverse(
        "reports:document_part",
        kwargs={
            "number": urged.number,
            "kind": "urging_notice",
            "part": notice_of(urged, world.hr).number,
        },
    )
    assert url in page
    assert notice_of(urged, world.tax).number not in page


def test_the_evaluation_counts_the_circulars_and_lists_them(client, world, urged):
    sweep_at("2025-10-15 09:05")
    assert LateCircular.objects.count() == 2
    from disputes.selectors import visible_disputes

    card = scorecard(visible_disputes(world.supervisor), Period(MONTH, datetime.date(2025, 10, 1)))
    rows = {r.unit.code: r for r in card.departments}
    assert (rows["tax"].circulars, rows["hrss"].circulars) == (1, 1)
    september = scorecard(
        visible_disputes(world.supervisor), Period(MONTH, datetime.date(2025, 9, 1))
    )
    assert all(r.circulars == 0 for r in september.departments)

    client.force_login(world.supervisor)
    with time_machine.travel(at("2025-11-03 10:00"), tick=False):
        page = client.get(reverse("reports:evaluation"), {"start": "2025-10-01"})
    link = rows["hrss"].links["circulars"]
    assert link in page.content.decode().replace("&amp;", "&")
    listed = client.get(link)
    assert listed.status_code == 200
    entries = list(listed.context["page"])
    assert [e.department for e in entries] == [world.hr]
    assert notice_of(urged, world.hr).number in listed.content.decode()
    # Bad input in the filter: a clear refusal, nothing listed, no error.
    bad = client.get(reverse("reports:circulars"), {"from": "2025-02-30"})
    assert bad.status_code == 200 and list(bad.context["page"]) == []


def test_the_circulars_listed_are_those_of_the_cases_the_user_sees(client, world, urged):
    sweep_at("2025-10-15 09:05")
    client.force_login(world.officer_medical)  # sees neither case
    page = client.get(reverse("reports:circulars"))
    assert list(page.context["page"]) == []
    client.force_login(world.officer_tax)
    page = client.get(reverse("reports:circulars"))
    assert {e.department for e in page.context["page"]} == {world.tax, world.hr}
