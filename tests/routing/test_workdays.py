"""The working-day calendar against the State Council's arrangements for 2024 and 2025."""

from datetime import date

import pytest

from routing.models import CalendarDay, CalendarYear
from routing.workdays import (
    add_working_days,
    add_working_days_checked,
    is_known_year,
    is_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = date.fromisoformat


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # 2024 (国办发明电〔2023〕7号)
        ("2024-01-01", False),
        ("2024-02-04", True),  # Sunday, adjusted workday before the Spring Festival
        ("2024-02-10", False),
        ("2024-02-16", False),
        ("2024-02-18", True),  # Sunday, adjusted workday after it
        ("2024-04-28", True),  # Sunday before Labour Day
        ("2024-05-03", False),
        ("2024-05-11", True),  # Saturday after Labour Day
        ("2024-09-29", True),  # Sunday before National Day
        ("2024-10-04", False),
        ("2024-10-12", True),  # Saturday after National Day
        # 2025 (国办发明电〔2024〕12号)
        ("2025-01-26", True),
        ("2025-01-28", False),
        ("2025-02-04", False),
        ("2025-02-08", True),
        ("2025-04-27", True),
        ("2025-05-05", False),
        ("2025-09-28", True),
        ("2025-10-08", False),
        ("2025-10-11", True),
        # an ordinary week
        ("2025-03-12", True),
        ("2025-03-15", False),
    ],
)
def test_official_days_off_and_adjusted_workdays(day, working):
    assert is_working_day(D(day)) is working


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        ("2024-02-08", 1, "2024-02-09"),  # the start day is not counted
        ("2024-02-09", 1, "2024-02-18"),  # across the Spring Festival to the Sunday workday
        ("2024-02-09", 2, "2024-02-19"),
        ("2024-02-07", 5, "2024-02-20"),
        ("2024-04-30", 1, "2024-05-06"),  # across Labour Day
        ("2024-09-27", 2, "2024-09-30"),  # Sunday 29th is a workday
        ("2024-09-30", 1, "2024-10-08"),  # across National Day
        ("2024-10-11", 1, "2024-10-12"),  # Saturday 12th is a workday
        ("2025-01-24", 1, "2025-01-26"),  # Sunday 26th is a workday
        ("2025-01-27", 1, "2025-02-05"),  # across the Spring Festival
        ("2025-01-27", 3, "2025-02-07"),
        ("2025-02-07", 1, "2025-02-08"),  # Saturday 8th is a workday
        ("2025-04-30", 1, "2025-05-06"),
        ("2025-09-30", 1, "2025-10-09"),  # National Day with Mid-Autumn, eight days
        ("2025-09-26", 3, "2025-09-30"),  # Sunday 28th is a workday
        ("2025-09-26", 4, "2025-10-09"),
        ("2025-03-14", 0, "2025-03-14"),
    ],
)
def test_deadlines_across_holidays_land_where_the_official_calendar_says(start, days, due):
    assert add_working_days(D(start), days) == D(due)


def test_working_days_between_counts_after_the_start_up_to_the_end():
    assert working_days_between(D("2024-02-08"), D("2024-02-19")) == 3  # 9th, 18th, 19th
    assert working_days_between(D("2025-09-30"), D("2025-10-09")) == 1
    assert working_days_between(D("2025-03-14"), D("2025-03-14")) == 0
    assert working_days_between(D("2025-03-14"), D("2025-03-10")) == 0


def test_the_package_knows_2026_and_not_2027():
    assert is_known_year(2026)
    assert not is_known_year(2027)


def test_a_year_known_to_neither_is_counted_on_weekends_and_marked_provisional():
    due, provisional = add_working_days_checked(D("2026-12-30"), 3)
    assert (due, provisional) == (D("2027-01-04"), True)  # counts 31 Dec, 1 Jan (!), 4 Jan
    due, provisional = add_working_days_checked(D("2026-12-01"), 3)
    assert provisional is False


def test_entered_overrides_win_and_make_the_year_known():
    CalendarDay.objects.create(date=D("2027-01-01"), is_workday=False, reason="元旦")
    CalendarYear.objects.create(year=2027, notice="国办发明电〔2026〕")
    assert is_known_year(2027)
    assert add_working_days_checked(D("2026-12-30"), 3) == (D("2027-01-05"), False)


def test_an_override_wins_over_the_package():
    CalendarDay.objects.create(date=D("2025-03-12"), is_workday=False, reason="本地调整")
    CalendarDay.objects.create(date=D("2025-03-15"), is_workday=True, reason="本地补班")
    assert not is_working_day(D("2025-03-12"))
    assert is_working_day(D("2025-03-15"))
    assert add_working_days(D("2025-03-11"), 1) == D("2025-03-13")


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D("2025-03-11"), -1)
