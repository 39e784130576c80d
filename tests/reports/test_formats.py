"""Money in capital numerals and dates as Chinese forms write them."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from reports.documents.formats import capital_yuan, chinese_date, chinese_datetime, plain_yuan


@pytest.mark.parametrize(
    ("amount", "capital"),
    [
        ("0", "零元整"),
        ("0.00", "零元整"),
        ("0.05", "伍分"),
        ("0.5", "伍角"),
        ("0.56", "伍角陆分"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("10.01", "壹拾元零壹分"),
        ("11", "壹拾壹元整"),
        ("20.00", "贰拾元整"),
        ("100.05", "壹佰元零伍分"),
        ("100.50", "壹佰元伍角"),
        ("101", "壹佰零壹元整"),
        ("110", "壹佰壹拾元整"),
        ("1001.10", "壹仟零壹元壹角"),
        ("1010", "壹仟零壹拾元整"),
        ("1200", "壹仟贰佰元整"),
        ("10000", "壹万元整"),
        ("10001", "壹万零壹元整"),
        ("10100", "壹万零壹佰元整"),
        ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("100010", "壹拾万零壹拾元整"),
        ("100100", "壹拾万零壹佰元整"),
        ("1000000", "壹佰万元整"),
        ("10000000", "壹仟万元整"),
        ("10010000", "壹仟零壹万元整"),
        ("100000001", "壹亿零壹元整"),
        ("120000000", "壹亿贰仟万元整"),
        ("1200000000", "壹拾贰亿元整"),
        ("100001000", "壹亿零壹仟元整"),
        ("1000000000000", "壹万亿元整"),
        ("-3.20", "负叁元贰角"),
        ("12345.675", "壹万贰仟叁佰肆拾伍元陆角捌分"),  # rounded half up to the fen
    ],
)
def test_capital_yuan_writes_amounts_as_cheques_do(amount, capital):
    assert capital_yuan(Decimal(amount)) == capital


def test_capital_yuan_takes_floats_and_strings_alike():
    assert capital_yuan(12345.67) == capital_yuan("12345.67") == "壹万贰仟叁佰肆拾伍元陆角柒分"


def test_plain_yuan_has_two_decimals_and_thousands():
    assert plain_yuan(Decimal("12345.6")) == "12,345.60"
    assert plain_yuan(0) == "0.00"


def test_dates_are_written_year_month_day_in_local_time():
    assert chinese_date(datetime.date(2026, 11, 21)) == "2026年11月21日"
    assert chinese_date(datetime.date(2026, 1, 5)) == "2026年1月5日"
    # 2026-11-20 17:30 UTC is already the 21st in Beijing.
    moment = datetime.datetime(2026, 11, 20, 17, 30, tzinfo=ZoneInfo("UTC"))
    assert chinese_date(moment) == "2026年11月21日"
    assert chinese_datetime(moment) == "2026年11月21日 01:30"
    assert chinese_date(None) == ""


def test_template_filters():
    template = Template(
        "{% load documents %}{{ a|capital_yuan }}|{{ a|plain_yuan }}|{{ d|cn_date }}|"
        "{{ none|capital_yuan }}"
    )
    out = template.render(
        Context({"a": Decimal("1001.10"), "d": datetime.date(2026, 11, 21), "none": None})
    )
    assert out == "壹仟零壹元壹角|1,001.10|2026年11月21日|"
