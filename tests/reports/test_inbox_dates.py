"""Dates in inbox messages are written as the rest of the interface writes them: 2026年12月9日."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from disputes.formats import chinese_date
from disputes.models import Notification
from routing.models import Deadline
from tests import scenarios
from tests.consultations.test_meetings import (
    TaskData,
    decide,
    hold,
    in_days,
    prepare,
    sign_and_issue,
)

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def test_new_work_gives_its_due_date_in_chinese(client, world):
    d = scenarios.joint_handling(world)
    note = Notification.objects.get(user=world.officer_hr, kind="deadline.opened")
    due = Deadline.objects.get(dispute=d, department=world.hr).due_at
    local = timezone.localdate(due)
    assert f"{local.year}年{local.month}月{local.day}日" in note.message
    assert not ISO_DATE.search(note.message)
    client.force_login(world.officer_hr)
    page = client.get(reverse("reports:inbox")).content.decode()
    assert chinese_date(due) in page and not ISO_DATE.search(note.message)


def test_meeting_tasks_and_invitations_give_dates_in_chinese(world):
    case = scenarios.special_handling(world)
    meeting = prepare(world, case)
    invitation = Notification.objects.get(
        user=world.officer_tax, kind="consultations.meeting.invited"
    )
    assert chinese_date(meeting.held_at) in invitation.message
    assert not ISO_DATE.search(invitation.message)
    hold(world, meeting)
    decide(
        world,
        meeting,
        case,
        tasks=[TaskData("送达责令限期缴纳通知书", world.tax, in_days(10), world.officer_tax)],
    )
    sign_and_issue(world, meeting)
    task_note = Notification.objects.get(user=world.officer_tax, kind="consultations.task.assigned")
    due = in_days(10)
    assert f"{due.year}年{due.month}月{due.day}日" in task_note.message
    assert not ISO_DATE.search(task_note.message)
