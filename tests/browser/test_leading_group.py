"""The leading-group office in a real browser: a consultation meeting prepared, held and
decided, its minutes signed off by the leader and issued, the case moved on to the reply."""

import datetime

import pytest
from django.utils import timezone

from consultations.models import Meeting, Minutes
from disputes.models import State
from tests import scenarios

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_runs_a_meeting_to_issued_minutes(world, page, login):
    d = scenarios.special_handling(world)
    login("lgo")
    page.click("nav >> text=领导小组")
    page.wait_for_selector("#special-handling")
    assert d.number in page.inner_text("#special-handling")

    page.click("text=筹备会议")
    page.select_option("select[name=kind]", "major")
    page.fill("input[name=title]", "欠费争议专题会商会议")
    held_at = timezone.localtime() - datetime.timedelta(hours=1)
    page.fill("input[name=held_at]", held_at.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", "县税务局三楼会议室")
    page.select_option("select[name=host]", str(world.leader.pk))
    for department in (world.tax, world.hr, world.medical):
        page.check(f"input[name=departments][value='{department.pk}']")
    page.click("button[type=submit]:has-text('保存')")
    page.wait_for_selector("#agenda")

    page.select_option("select[name=dispute]", str(d.pk))
    page.click("button:has-text('列入议程')")
    page.wait_for_selector(f"[data-case='{d.number}']")

    page.click("text=登记出席：会议已召开")
    page.click("button:has-text('会议已召开')")
    page.wait_for_selector("#meeting-status:has-text('已召开')")

    page.click(f"[data-case='{d.number}'] >> text=登记会商决定")
    page.fill("textarea[name=decision]", "由县税务局依法下达征收决定，限期补缴。")
    page.check("input[name=outcome][value=settled]")
    page.fill("textarea[name=task-0-description]", "送达责令限期缴纳通知书")
    page.select_option("select[name=task-0-department]", str(world.tax.pk))
    page.select_option("select[name=task-0-owner]", str(world.officer_tax.pk))
    due = timezone.localdate() + datetime.timedelta(days=10)
    page.fill("input[name=task-0-due_date]", due.isoformat())
    page.click("button:has-text('保存决定')")
    page.wait_for_selector(f"[data-case='{d.number}'] >> text=送达责令限期缴纳通知书")

    page.click("a.btn:has-text('会议纪要')")
    page.fill("textarea[name=body]", "会议听取了古魏镇处理中心的汇报，议定如下事项。")
    page.click("button:has-text('保存草稿')")
    page.wait_for_selector(".alert-success")
    page.select_option("select[name=sign_off_by]", str(world.leader.pk))
    page.click("button:has-text('报送签发')")
    page.wait_for_selector("#minutes-status:has-text('待签发')")

    meeting = Meeting.objects.get()
    login("leader")
    page.goto(f"/consultations/meetings/{meeting.pk}/minutes/")
    page.check("input[name=decision][value=sign]")
    page.click("button:has-text('确认')")
    page.wait_for_selector("#minutes-status:has-text('已签发')")

    login("lgo")
    page.goto(f"/consultations/meetings/{meeting.pk}/minutes/")
    page.click("#issue-minutes")
    page.wait_for_selector("#minutes-status:has-text('已印发')")
    number = Minutes.objects.get(meeting=meeting).number
    assert number in page.inner_text("#minutes-number")
    assert page.locator("textarea[name=body]").count() == 0

    page.goto(f"/cases/{d.number}/")
    page.wait_for_selector("[data-state=awaiting_reply]")
    assert number in page.inner_text("#leading-group")
    d.refresh_from_db()
    assert d.state == State.AWAITING_REPLY
