"""The meeting minutes (会议纪要) as a PDF: of the latest meeting that discussed the case."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from consultations.models import AgendaItem, Attendance, DecisionTask, Meeting, Minutes
from disputes.models import AccessLog
from reports.documents import DocumentUnavailable, get_kind, render
from tests import scenarios
from tests.reports import pdf

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def meeting(w, d, *, title, held_at, minutes=True, number="会纪〔2026〕7号"):
    m = Meeting.objects.create(
        office=w.lgo_centre,
        kind=Meeting.Kind.MAJOR,
        title=title,
        held_at=held_at,
        place="县税务局三楼会议室",
        host=w.leader,
        status=Meeting.Status.HELD,
        created_by=w.lgo,
    )
    Attendance.objects.create(meeting=m, user=w.officer_tax, name="赵军", department=w.tax,
                              position="科长", present=True)  # fmt: skip
    Attendance.objects.create(meeting=m, user=w.officer_hr, name="刘洋", department=w.hr,
                              present=True)  # fmt: skip
    Attendance.objects.create(meeting=m, name="孙法官", position="执行局法官", present=True)
    Attendance.objects.create(meeting=m, user=w.officer_medical, name="陈静",
                              department=w.medical, present=False, note="请假")  # fmt: skip
    item = AgendaItem.objects.create(
        meeting=m,
        dispute=d,
        order=1,
        decision="经会商，认定单位欠缴养老保险费12,345.67元，由县税务局依法追缴。",
        outcome=AgendaItem.Outcome.SETTLED,
        decided_at=held_at,
    )
    DecisionTask.objects.create(
        item=item,
        description="向单位送达责令限期缴纳通知书",
        department=w.tax,
        owner=w.officer_tax,
        due_date=datetime.date(2026, 12, 4),
    )
    DecisionTask.objects.create(
        item=item, description="核对职工参保登记信息", department=w.hr,
        due_date=datetime.date(2026, 11, 30),
    )  # fmt: skip
    if minutes:
        Minutes.objects.create(
            meeting=m,
            status=Minutes.Status.ISSUED,
            body="会议听取了古魏镇处理中心关于案件办理情况的汇报，研究了争议焦点。",
            drafted_by=w.lgo,
            sign_off_by=w.leader,
            signed_off_at=held_at + datetime.timedelta(days=1),
            year=2026,
            sequence=int(number.split("〕")[1].rstrip("号")),
            number=number,
            issued_by=w.lgo,
            issued_at=held_at + datetime.timedelta(days=1),
        )
    return m


@pytest.fixture
def thursday():
    with time_machine.travel(at("2026-11-19 10:00"), tick=False):
        yield


def test_minutes_show_the_meeting_the_decisions_the_tasks_and_the_sign_off(world, thursday):
    d = scenarios.special_handling(world)
    other = scenarios.special_handling(world)
    m = meeting(world, d, title="重大争议事项专题会商会", held_at=at("2026-11-18 09:30"))
    AgendaItem.objects.create(meeting=m, dispute=other, order=2, decision="另行研究。")
    rendered = render("minutes", d)
    doc = pdf.read(rendered.pdf)
    pdf.assert_cjk_fonts(doc)
    text = doc.flat
    for expected in [
        "领导小组办公室",
        "会议纪要",
        "会纪〔2026〕7号",
        "重大争议事项专题会商会",
        "时间2026年11月18日09:30",
        "地点县税务局三楼会议室",
        "主持人吴刚",
        "芮城县税务局：赵军（科长）",
        "芮城县人社局：刘洋",
        "其他参会人员：孙法官（执行局法官）",
        "缺席人员陈静（芮城县医保局）：请假",
        "会议听取了古魏镇处理中心关于案件办理情况的汇报",
        f"1.案件{d.number}（缴费基数）",
        "经会商，认定单位欠缴养老保险费12,345.67元，由县税务局依法追缴。",
        "向单位送达责令限期缴纳通知书芮城县税务局赵军2026年12月4日",
        "核对职工参保登记信息芮城县人社局—2026年11月30日",
        f"2.案件{other.number}",
        "另行研究。",
        "签发吴刚2026年11月19日",
        "印发日期2026年11月19日",
    ]:
        assert expected in text, expected
    # Payers are not named in minutes that go to every attending unit.
    assert "申请人" not in text


def test_minutes_are_of_the_latest_meeting_unless_another_is_asked_for(world, thursday):
    d = scenarios.special_handling(world)
    first = meeting(world, d, title="第一次会商", held_at=at("2026-11-10 09:00"),
                    number="会纪〔2026〕5号")  # fmt: skip
    meeting(world, d, title="第二次会商", held_at=at("2026-11-18 09:00"), number="会纪〔2026〕7号")
    latest = pdf.read(render("minutes", d).pdf).flat
    assert "第二次会商" in latest and "第一次会商" not in latest
    kind = get_kind("minutes")
    assert [p.label for p in kind.parts(d)] == ["会纪〔2026〕5号", "会纪〔2026〕7号"]
    earlier = pdf.read(render("minutes", d, **kind.part(d, str(first.pk)).options).pdf).flat
    assert "第一次会商" in earlier


def test_no_minutes_before_a_meeting_has_discussed_the_case(world, thursday):
    d = scenarios.special_handling(world)
    with pytest.raises(DocumentUnavailable) as exc:
        render("minutes", d)
    assert "尚无会商会议研究案件" in str(exc.value.message)
    planned = meeting(world, d, title="筹备中的会商", held_at=at("2026-11-25 09:00"), minutes=False)
    planned.status = Meeting.Status.PLANNED
    planned.save()
    with pytest.raises(DocumentUnavailable):
        render("minutes", d)
    meeting(world, d, title="已召开的会商", held_at=at("2026-11-18 09:00"), minutes=False)
    with pytest.raises(DocumentUnavailable) as exc:
        render("minutes", d)
    assert "“已召开的会商”的会议纪要尚未起草" in str(exc.value.message)


def test_the_leader_downloads_the_minutes_from_the_case_page(client, world, thursday):
    d = scenarios.special_handling(world)
    m = meeting(world, d, title="重大争议事项专题会商会", held_at=at("2026-11-18 09:30"))
    client.force_login(world.leader)
    page = client.get(reverse("disputes:detail", args=[d.number])).content.decode()
    part_url = reverse("reports:document_part", args=[d.number, "minutes", m.pk])
    assert part_url in page
    response = client.get(part_url)
    assert response.status_code == 200
    assert "会纪〔2026〕7号" in pdf.read(response.content).flat
    log = AccessLog.objects.get(kind=AccessLog.Kind.DOWNLOAD, dispute=d)
    assert log.detail == "会议纪要（会纪〔2026〕7号）"
    assert client.get(reverse("reports:document", args=[d.number, "minutes"])).status_code == 200


def test_a_major_case_decided_by_issued_minutes_archives_them(
    world, django_capture_on_commit_callbacks
):
    from disputes import services

    d = scenarios.decided_by_minutes(world)
    m = scenarios.meeting_of(d)
    number = m.minutes.number
    live = pdf.read(render("minutes", d).pdf).flat
    assert number in live and "会商决定：单位限期补缴，税务局负责追缴。" in live
    d = services.dispute_reply(dispute=d, actor=world.clerk, text="按会议纪要答复。")
    d = services.dispute_accept(dispute=d, actor=world.clerk)
    # The file is complete once the meeting's task is done (archiving waits for it).
    from consultations import services as consultation_services

    consultation_services.decision_task_complete(
        task=DecisionTask.objects.get(item__dispute=d), actor=world.officer_tax, result="已送达"
    )
    with django_capture_on_commit_callbacks(execute=True):
        d = services.dispute_archive(dispute=d, actor=world.clerk)
    frozen = d.archived_documents.get(kind="minutes", part=str(m.pk))
    assert frozen.title == f"会议纪要（{number}）"
    assert number in pdf.read(frozen.read()).flat
    cover = pdf.read(d.archived_documents.get(kind="archive_cover").read()).flat
    assert f"会议纪要（{number}）领导小组办公室" in cover


def test_earlier_minutes_stay_available_while_the_latest_meeting_has_none(client, world, thursday):
    d = scenarios.special_handling(world)
    first = meeting(world, d, title="第一次会商", held_at=at("2026-11-10 09:00"))
    meeting(world, d, title="第二次会商", held_at=at("2026-11-18 09:00"), minutes=False)
    with pytest.raises(DocumentUnavailable):
        render("minutes", d)  # the latest meeting's minutes are not drafted
    client.force_login(world.lgo)
    page = client.get(reverse("disputes:detail", args=[d.number])).content.decode()
    part_url = reverse("reports:document_part", args=[d.number, "minutes", first.pk])
    assert part_url in page
    response = client.get(part_url)
    assert response.status_code == 200
    assert "第一次会商" in pdf.read(response.content).flat


def test_minutes_list_the_invited_departments_attendees_and_the_policy_issues(world):
    """Built through the services: the invited departments' officers are on the attendance
    list (not only the people added by hand), and the issues raised are in the minutes."""
    from consultations import services as consultation_services

    d = scenarios.meeting_planned(world)  # tax, HR and medical invited; the leader hosts
    m = scenarios.meeting_of(d)
    consultation_services.attendance_add(meeting=m, actor=world.lgo, name="孙法官")
    rows = {a.name: a for a in m.attendances.all()}
    assert {"吴刚", "赵军", "刘洋", "陈静", "孙法官"} <= set(rows)
    assert rows["赵军"].department == world.tax
    consultation_services.meeting_record_held(
        meeting=m,
        actor=world.lgo,
        present={a.pk: a.name != "陈静" for a in m.attendances.all()},
        notes={rows["陈静"].pk: "请假"},
    )
    consultation_services.policy_issue_raise(
        meeting=m,
        actor=world.lgo,
        kind="widespread",
        title="灵活就业人员缴费基数核定口径不一",
        description="建议由县人社局会同税务局统一核定口径。",
        disputes=[d],
    )
    consultation_services.minutes_save(meeting=m, actor=world.lgo, body="会议听取了汇报。")

    text = pdf.read(render("minutes", d).pdf).flat
    for expected in [
        "芮城县税务局：赵军",
        "芮城县人社局：刘洋",
        "缺席人员陈静（芮城县医保局）：请假",
        "孙法官",
        "灵活就业人员缴费基数核定口径不一",
        "建议由县人社局会同税务局统一核定口径。",
        f"涉及案件：{d.number}",
    ]:
        assert expected in text, expected
    assert "普遍性" in text  # the issue's kind
