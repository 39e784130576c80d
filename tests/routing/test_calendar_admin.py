"""Administrators enter a year's arrangement in one form; provisional deadlines follow."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from routing.admin import parse_days
from routing.models import CalendarDay, CalendarYear, Deadline
from tests import scenarios

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_ranges_and_single_days_are_read_from_the_lines():
    days = parse_days("2027-02-06 至 2027-02-08 春节\n2027-1-1 元旦\n\n", 2027)
    assert days == {
        datetime.date(2027, 2, 6): "春节",
        datetime.date(2027, 2, 7): "春节",
        datetime.date(2027, 2, 8): "春节",
        datetime.date(2027, 1, 1): "元旦",
    }


@pytest.mark.parametrize(
    "text", ["元旦 2027-01-01", "2027-02-30 x", "2026-12-31 x", "2027-02-08 至 2027-02-06 x"]
)
def test_bad_lines_are_refused_with_the_line_number(text):
    with pytest.raises(ValueError, match="1"):
        parse_days(text, 2027)


def test_the_admin_sees_the_warning_and_enters_the_year(client, world, admin_user):
    with time_machine.travel(datetime.datetime(2026, 12, 28, 10, tzinfo=SH), tick=False):
        d = scenarios.joint_handling(world)
        deadline = Deadline.objects.filter(dispute=d, stage="department_opinion").first()
        assert deadline.provisional
        client.force_login(admin_user)
        index = client.get(reverse("admin:index")).content.decode()
        assert 'id="calendar-warning"' in index and "2027" in index
        response = client.post(
            reverse("admin:routing_calendaryear_add"),
            {
                "year": "2027",
                "notice": "国务院办公厅关于2027年部分节假日安排的通知",
                "days_off": "2027-01-01 元旦\n2027-02-06 至 2027-02-13 春节",
                "workdays": "2027-02-14 春节调休",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        assert CalendarYear.objects.filter(year=2027).exists()
        assert CalendarDay.objects.filter(date__year=2027, is_workday=False).count() == 9
        deadline.refresh_from_db()
        assert not deadline.provisional
        index = client.get(reverse("admin:index")).content.decode()
        assert 'id="calendar-warning"' not in index


def test_a_day_listed_both_off_and_on_is_refused(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:routing_calendaryear_add"),
        {"year": "2027", "notice": "n", "days_off": "2027-02-14 春节", "workdays": "2027-02-14 x"},
    )
    assert response.status_code == 200
    assert not CalendarYear.objects.exists()
