"""China's official working-day calendar: statutory holidays off, adjusted weekend workdays on.

The State Council's arrangement comes from the ``chinesecalendar`` package, which knows the
years it was released with and raises for any other; administrators' overrides (``CalendarDay``)
win over it. A year known to neither is *provisional*: only weekends are off, and deadlines that
reach into it say so until the arrangement is entered (``CalendarYear``).

Counting follows Chinese administrative practice: the start day itself is not counted, so
``add_working_days(start, 1)`` is the first working day after ``start``.
"""

import datetime
from functools import lru_cache

import chinese_calendar
from django.utils import timezone

_ONE_DAY = datetime.timedelta(days=1)


@lru_cache(maxsize=64)
def package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=8192)
def _package_workday(day: datetime.date) -> bool:
    # The package's tables never change in a process; each of its answers scans them (~30 µs).
    return chinese_calendar.is_workday(day)


class Calendar:
    """The calendar with the overrides of one date range loaded (one query), for counting."""

    def __init__(self, start: datetime.date, end: datetime.date):
        from routing.models import CalendarDay, CalendarYear

        self.start, self.end = start, end
        self._totals: list[int] | None = None
        self.overrides = dict(
            CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_workday")
        )
        self.entered_years = set(
            CalendarYear.objects.filter(year__range=(start.year, end.year)).values_list(
                "year", flat=True
            )
        )

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def count_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end``, both inside the range:
        read off running totals made once per calendar, so a page that counts for many
        deadlines asks the holiday tables once per day of the range, not once per deadline."""
        if self._totals is None:
            totals, count, day = [], 0, self.start
            while day <= self.end:
                count += self.is_working_day(day)
                totals.append(count)
                day += _ONE_DAY
            self._totals = totals
        base = self.start.toordinal()
        return self._totals[end.toordinal() - base] - self._totals[start.toordinal() - base]

    def is_known_year(self, year: int) -> bool:
        return year in self.entered_years or package_knows(year)

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if package_knows(day.year):
            return _package_workday(day)
        return day.weekday() < 5  # provisional: weekends alone


def _calendar_for(start: datetime.date, days: int) -> Calendar:
    # Long holidays (Spring Festival, National Day) take up to 9 days off in a row: three
    # calendar days per working day and a month's margin always reach the answer.
    return Calendar(start, start + datetime.timedelta(days=3 * abs(days) + 31))


def is_working_day(day: datetime.date) -> bool:
    return Calendar(day, day).is_working_day(day)


def is_known_year(year: int) -> bool:
    from routing.models import CalendarYear

    return package_knows(year) or CalendarYear.objects.filter(year=year).exists()


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    return add_working_days_checked(start, days)[0]


def add_working_days_checked(start: datetime.date, days: int) -> tuple[datetime.date, bool]:
    """As ``add_working_days``, and whether the answer rests on a provisional year."""
    if days < 0:
        raise ValueError("days must not be negative")
    calendar = _calendar_for(start, days)
    day, counted, provisional = start, 0, False
    while counted < days:
        day += _ONE_DAY
        if not calendar.covers(day):  # cannot happen with the margin above; be safe anyway
            calendar = _calendar_for(day, days - counted)
        provisional = provisional or not calendar.is_known_year(day.year)
        if calendar.is_working_day(day):
            counted += 1
    return day, provisional


def working_days_between(
    start: datetime.date, end: datetime.date, calendar: Calendar | None = None
) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``);
    ``calendar``: one already loaded for a range holding both days."""
    if end <= start:
        return 0
    if calendar is None or not (calendar.covers(start) and calendar.covers(end)):
        calendar = Calendar(start, end)
    return calendar.count_between(start, end)


def working_days_late(
    due_at: datetime.datetime, moment: datetime.datetime, calendar: Calendar | None = None
) -> int:
    """How late ``moment`` is for a due moment, in working days: 0 up to the due moment, at
    least 1 after it (a deadline missed over a holiday is still late), counted on local days."""
    if moment <= due_at:
        return 0
    due_day, day = timezone.localtime(due_at).date(), timezone.localtime(moment).date()
    return max(1, working_days_between(due_day, day, calendar))


def end_of_working_day(day: datetime.date, tz) -> datetime.datetime:
    """The due moment of a deadline falling on ``day``: the end of that day, local time."""
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=tz)


def previous_working_day(day: datetime.date) -> datetime.date:
    calendar = Calendar(day - datetime.timedelta(days=31), day)
    candidate = day - _ONE_DAY
    while not calendar.is_working_day(candidate):
        candidate -= _ONE_DAY
    return candidate
