"""Each document rendered, read back with pypdf: Chinese text, numbers, pages, embedded fonts."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from consultations import services as consultation_services
from disputes import services
from disputes.services import PartyData, PayerData
from reports.documents import DocumentUnavailable, get_kind, render
from routing import services as routing_services
from tests import scenarios
from tests.conftest import credit_code, resident_id
from tests.files import pdf_upload
from tests.reports import pdf

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def thursday():
    """2026-11-19, a Thursday: the case is received today, its dates are known."""
    with time_machine.travel(at("2026-11-19 10:00"), tick=False):
        yield


def read(kind, dispute, **opts):
    rendered = render(kind, dispute, **opts)
    document = pdf.read(rendered.pdf)
    assert document.pages == rendered.pages
    pdf.assert_cjk_fonts(document)
    return document


def employment_dispute(w, **kw):
    """An employee against the employer: two parties."""
    return w.make_dispute(
        payers=[
            PartyData(
                payer=PayerData(
                    kind="employee", name="李明", id_number=resident_id(901), phone="13912345678"
                ),
                is_representative=True,
            ),
            PartyData(
                payer=PayerData(
                    kind="employer", name="芮城县宏达建材有限公司", id_number=credit_code(7)
                ),
                side="counterparty",
            ),
        ],
        **kw,
    )


def test_receipt_tells_the_payer_what_was_received_and_by_when(world, thursday):
    d = world.make_dispute()
    services.attachment_add(
        dispute=d,
        actor=world.clerk,
        upload=pdf_upload("工资流水.pdf"),
    )
    doc = read("receipt", d)
    text = doc.flat
    assert doc.pages == 1
    for expected in [
        "芮城县社会保险费征缴争议",
        "受理回执",
        f"案件编号：{d.number}",
        "受理日期2026年11月19日",
        "古魏镇处理中心",
        "缴费基数",
        "企业职工基本养老保险",
        "12,345.67元（大写：壹万贰仟叁佰肆拾伍元陆角柒分）",
        "请求核实2024年缴费基数并退还多缴部分。",
        "1.工资流水.pdf",
        "答复时限",
        "进度查询",
        f"凭案件编号{d.number}致电或到古魏镇处理中心查询",
        "王丽",  # the clerk who received it
        "第1页共1页",
    ]:
        assert expected in text, expected
    payer = d.parties.get().payer
    assert payer.masked_id_number in text
    assert payer.id_number not in text  # the paper leaves the office: numbers masked


def test_receipt_gives_the_running_reply_limit(world, thursday):
    d = scenarios.joint_handling(world)
    due = d.deadlines.get(stage="general_reply").due_at
    text = read("receipt", d).flat
    assert f"（{timezone.localtime(due).year}年" in text
    assert f"{timezone.localtime(due).month}月{timezone.localtime(due).day}日前）" in text


def test_referral_sheet_has_exactly_the_fields_of_the_form(world, thursday):
    d = scenarios.referred(world)
    referral = d.referral
    referral.receiver_phone = "0359-3021234"
    referral.contact_phone = "0359-3025678"
    referral.contact_email = "zhongxin@example.cn"
    referral.save()
    doc = read("referral_sheet", d)
    text = doc.flat
    assert doc.pages == 1
    for expected in [
        "芮城县社会保险费征缴争议事项处理",
        "报送单",
        "反映内容摘要职责不清",
        "受理人信息",
        "姓名王丽",
        "电话0359-3021234",
        "受理时间2026年11月19日10:00",
        "报送意见请转交",
        "单位签章：古魏镇处理中心",
        "备注：以上反映内容，现予以报送，请按规定程序处理，办理过程中严格保密，"
        "不得泄露缴费人信息。办理结果直接反馈缴费人，并于11月22日将办理情况反馈受理部门。",
        "电话：0359-3025678",
        "电子邮箱：zhongxin@example.cn",
    ]:
        assert expected in text, expected


def test_referral_sheet_keeps_its_labels_phones_and_times_on_one_line(world, thursday):
    d = scenarios.referred(world)
    referral = d.referral
    referral.receiver_phone = "0359-30212345"  # a landline with its extension: the longest
    referral.contact_phone = "0359-30256789"
    referral.contact_email = "zhongxin-gw@example.cn"
    referral.save()
    lines = [line.strip() for line in read("referral_sheet", d).text.splitlines()]
    for piece in [
        "反映内容摘要",
        "受理人信息",
        "0359-30212345",
        "受理时间",
        "2026年11月19日 10:00",
        "报送意见",
        "电话：0359-30256789",
        "电子邮箱：zhongxin-gw@example.cn",
    ]:
        assert any(piece in line for line in lines), (piece, lines)


def test_referral_sheet_is_refused_for_a_case_never_referred(world):
    d = world.make_dispute()
    with pytest.raises(DocumentUnavailable) as exc:
        render("referral_sheet", d)
    assert d.number in str(exc.value.message)
    assert not get_kind("referral_sheet").is_available(d)


def test_joint_handling_sheet_goes_to_each_department_with_its_deadline(world, thursday):
    d = scenarios.joint_handling(world)
    tasks = {t.department.code: t for t in d.department_tasks.select_related("deadline")}
    both = read("joint_handling_sheet", d)
    assert both.pages == 2  # one sheet per department, the lead first
    assert both.flat.index("送达单位芮城县税务局") < both.flat.index("送达单位芮城县人社局")
    # Numbered in the case in the order the work was given, not by the departments' codes.
    assert f"编号：{d.number}-1" in both.flat and f"编号：{d.number}-2" in both.flat
    assert "TAX" not in both.flat and "HRSS" not in both.flat

    hr = read("joint_handling_sheet", d, department=world.hr)
    text = hr.flat
    assert hr.pages == 1
    due = timezone.localtime(tasks["hrss"].deadline.due_at)
    for expected in [
        "联办单",
        f"编号：{d.number}-2",  # the lead's work was given first
        "送达单位芮城县人社局",
        "承办类型协办部门",
        "牵头部门芮城县税务局",
        f"于{due.year}年{due.month}月{due.day}日前（{tasks['hrss'].deadline.working_days}个工作日内）出具书面意见",
        "12,345.67元（大写：壹万贰仟叁佰肆拾伍元陆角柒分）",
        "承办人（签字）",
    ]:
        assert expected in text, expected
    assert "送达单位芮城县税务局" not in text


def test_joint_handling_sheet_carries_the_opinion_once_given(world, thursday):
    d = scenarios.all_opinions_in(world)
    text = read("joint_handling_sheet", d, department=world.tax).flat
    assert "事实认定：经核实" in text
    assert "处理建议：补缴" in text
    assert "承办人：赵军2026年11月19日" in text


def test_joint_handling_sheet_needs_joint_handling(world):
    d = world.make_dispute()
    with pytest.raises(DocumentUnavailable):
        render("joint_handling_sheet", d)
    other = scenarios.joint_handling(world)
    with pytest.raises(DocumentUnavailable):
        render("joint_handling_sheet", other, department=world.medical)


def test_reply_notice_goes_to_both_parties_with_the_routes_of_objection(world, thursday):
    d = employment_dispute(world)
    d = routing_services.dispute_classify(
        dispute=d, actor=world.clerk, classification="general", lead_department=world.tax,
        co_departments=[world.hr],
    )  # fmt: skip
    for task in d.department_tasks.all():
        officer = world.officer_tax if task.department_id == world.tax.pk else world.officer_hr
        consultation_services.opinion_give(
            task=task, actor=officer, finding="经核实", basis="", proposal="补缴"
        )
    consultation_services.dispute_consolidate(dispute=d, actor=world.coordinator, opinion="x")
    d = services.dispute_reply(
        dispute=d, actor=world.clerk, text="经核实，单位应按实际工资补缴2024年养老保险费。"
    )
    doc = read("reply_notice", d)
    assert doc.pages == 2  # one notice for each party
    # Page 1 is the employee's notice, page 2 the employer's.
    first, second = (p.replace("\n", "").replace(" ", "") for p in doc.text.split("共 2 页", 1))
    assert "李明：" in first and "芮城县宏达建材有限公司：" in second
    # The employee raised the matter; the employer is told who did, not that it did.
    assert "你（单位）于2026年11月19日反映的缴费基数争议事项" in first
    assert "李明于2026年11月19日反映的涉及你（单位）的缴费基数争议事项" in second
    assert "你（单位）于2026年11月19日反映的" not in second
    text = doc.flat
    for expected in [
        "社会保险费征缴争议处理意见告知书",
        f"编号：{d.number}-1",
        f"编号：{d.number}-2",
        "经芮城县税务局、芮城县人社局联合核实",
        "经核实，单位应按实际工资补缴2024年养老保险费。",
        "本告知书同时送达职工和用人单位双方",
        "调解",
        "行政复议",
        "仲裁",
        "行政诉讼",
        "特此告知。",
        "古魏镇处理中心（盖章）2026年11月19日",
        f"已收到案件{d.number}的处理意见告知书",
    ]:
        assert expected in text, expected


def test_reply_notice_waits_for_the_reply(world):
    d = scenarios.awaiting_reply(world)
    with pytest.raises(DocumentUnavailable):
        render("reply_notice", d)


def test_a_3000_character_claim_flows_onto_a_second_page_without_loss(world, thursday):
    body = "单位自2019年起按最低缴费基数申报，与实际工资严重不符，请求依法核定并补缴。"
    claim = (body * (3000 // len(body) + 1))[:2990] + "诉求到此为止。"
    assert len(claim) == 2997
    d = scenarios.joint_handling(world, claim=claim)
    for kind, opts in [("receipt", {}), ("joint_handling_sheet", {"department": world.hr})]:
        doc = read(kind, d, **opts)
        assert doc.pages >= 2, kind
        assert f"第{doc.pages}页共{doc.pages}页" in doc.flat
        # The page footers cut into the flow of the text; without them, the claim is whole.
        body = re.sub(r"第\d+页共\d+页", "", doc.flat).replace(d.number, "")
        assert claim in body, kind


def test_archive_cover_lists_the_file_with_page_counts(
    world, thursday, django_capture_on_commit_callbacks
):
    d = scenarios.closed(world)
    with pytest.raises(DocumentUnavailable):
        render("archive_cover", d)
    d = services.dispute_archive(dispute=d, actor=world.clerk)
    doc = read("archive_cover", d)
    text = doc.flat
    assert doc.pages == 2  # the cover, then the index
    for expected in [
        "社会保险费征缴争议处理案卷",
        f"档案号{d.archive_number}",
        f"案件编号{d.number}",
        "立卷单位古魏镇处理中心",
        "卷内目录",
        "1受理回执古魏镇处理中心2026年11月19日11",
        "2联办单（芮城县税务局）芮城县税务局2026年11月19日21",
        "3联办单（芮城县人社局）芮城县人社局2026年11月19日31",
        "4处理意见告知书古魏镇处理中心2026年11月19日41",
        "件数4件",
        "页数4页",
    ]:
        assert expected in text, expected


def test_identity_numbers_are_masked_in_every_document(world, thursday):
    d = employment_dispute(world)
    numbers = [p.payer.id_number for p in d.parties.select_related("payer")]
    text = read("receipt", d).text
    for number in numbers:
        assert number not in text
    assert "13912345678" not in text
