"""How the interface writes dates in texts built in code (notifications, timeline notes):
2026年12月9日, as the templates do with ``|date:"Y年n月j日"``. Every app may use it."""

import datetime

from django.utils import timezone


def chinese_date(value) -> str:
    """2026-11-21 (a date or an aware datetime, read in local time) → 2026年11月21日."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def chinese_datetime(value) -> str:
    """An aware datetime → 2026年11月21日 14:05 (local time)."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{chinese_date(local)} {local:%H:%M}"
