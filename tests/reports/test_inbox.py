"""Notifications: new work and deadline notices reach the inbox and the mailbox."""

import pytest
from django.core import mail
from django.urls import reverse

from disputes.models import Notification
from tests import scenarios

pytestmark = pytest.mark.django_db


def test_assigned_departments_hear_of_their_new_work_by_inbox_and_e_mail(
    world, django_capture_on_commit_callbacks
):
    world.officer_hr.email = "hr@example.cn"
    world.officer_hr.save()
    with django_capture_on_commit_callbacks(execute=True):  # mail goes once the work is saved
        d = scenarios.joint_handling(world)
    mine = Notification.objects.get(user=world.officer_hr)
    assert d.number in mine.message and mine.kind == "deadline.opened"
    # the lead department: its own opinion, and the consolidation and reply it leads
    assert Notification.objects.filter(user=world.officer_tax).count() == 2
    assert not Notification.objects.filter(user=world.officer_medical).exists()
    assert not Notification.objects.filter(user=world.clerk).exists()  # they did it themselves
    assert [m.to for m in mail.outbox] == [["hr@example.cn"]]
    assert d.number in mail.outbox[0].body


def test_the_header_counts_unread_and_the_inbox_marks_them_read(client, world):
    d = scenarios.joint_handling(world)
    client.force_login(world.officer_hr)
    page = client.get(reverse("reports:home")).content.decode()
    assert 'id="unread-count">1<' in page
    inbox = client.get(reverse("reports:inbox")).content.decode()
    assert d.number in inbox
    note = Notification.objects.get(user=world.officer_hr)
    client.post(reverse("reports:inbox"), {"id": note.pk})
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'id="unread-count"' not in client.get(reverse("reports:home")).content.decode()


def test_one_cannot_mark_someone_elses_notification(client, world):
    scenarios.joint_handling(world)
    note = Notification.objects.get(user=world.officer_hr)
    client.force_login(world.officer_tax)
    client.post(reverse("reports:inbox"), {"id": note.pk})
    note.refresh_from_db()
    assert note.read_at is None


def test_supervisors_are_warned_when_next_years_calendar_is_missing(client, world):
    import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    late_november = datetime.datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(late_november, tick=False):
        client.force_login(world.supervisor)
        assert 'id="calendar-warning"' in client.get(reverse("reports:home")).content.decode()
        client.force_login(world.clerk)
        assert 'id="calendar-warning"' not in client.get(reverse("reports:home")).content.decode()


def test_marking_all_read_is_one_service_call_for_the_users_own_unread_messages(client, world):
    import datetime

    from disputes.notifications import mark_read, notify

    d = scenarios.joint_handling(world)
    notify(users=[world.officer_hr], dispute=d, kind="test.second", message="第二条")
    earlier = datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)
    read_before = notify(users=[world.officer_hr], kind="test.read", message="已读")[0]
    Notification.objects.filter(pk=read_before.pk).update(read_at=earlier)
    others = Notification.objects.filter(user=world.officer_tax)
    assert others.filter(read_at__isnull=True).count() == 2

    client.force_login(world.officer_hr)
    client.post(reverse("reports:inbox"))
    mine = Notification.objects.filter(user=world.officer_hr)
    assert mine.count() == 3 and not mine.filter(read_at__isnull=True).exists()
    read_before.refresh_from_db()
    assert read_before.read_at == earlier  # already read: its time stays
    assert others.filter(read_at__isnull=True).count() == 2  # someone else's stay unread
    assert mark_read(user=world.officer_hr) == 0  # nothing left to mark
    assert mark_read(user=world.officer_tax, notification=others.first()) == 1
