"""How Chinese forms write money and dates.

Capital numerals (大写金额) are what a form uses so that an amount cannot be altered by adding
a stroke: 12345.67 → 壹万贰仟叁佰肆拾伍元陆角柒分; whole yuan end with 整.
"""

from decimal import ROUND_HALF_UP, Decimal

from disputes.formats import chinese_date, chinese_datetime

__all__ = ["capital_yuan", "chinese_date", "chinese_datetime", "plain_yuan", "to_decimal"]

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]  # within a group of four digits
_GROUP_UNITS = ["", "万", "亿", "万亿"]


def _integer(n: int) -> str:
    """Whole yuan in capitals: each run of zeros is read as one 零, none at the end, and the
    group unit (万, 亿) follows a group that has any digit (10,0001 → 壹拾万零壹)."""
    text = str(n)
    out = []
    zero = False
    group_has_digit = False
    for i, ch in enumerate(text):
        position = len(text) - 1 - i
        digit = int(ch)
        if digit == 0:
            zero = True
        else:
            if zero and out:
                out.append("零")
            zero = False
            group_has_digit = True
            out.append(_DIGITS[digit] + _SMALL_UNITS[position % 4])
        if position % 4 == 0:
            if group_has_digit:
                out.append(_GROUP_UNITS[position // 4])
            group_has_digit = False
    return "".join(out) if n else ""


def to_decimal(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def capital_yuan(value) -> str:
    """The amount in capital numerals, as cheques and official forms write it.

    0 → 零元整; 10 → 壹拾元整; 100.05 → 壹佰元零伍分; 1001.10 → 壹仟零壹元壹角;
    10000000 → 壹仟万元整; negative amounts get 负 in front.
    """
    amount = to_decimal(value)
    sign = "负" if amount < 0 else ""
    amount = abs(amount)
    cents = int(amount * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    head = _integer(yuan)
    if not head and not (jiao or fen):
        return f"{sign}零元整"
    out = f"{head}元" if head else ""
    if not jiao and not fen:
        return f"{sign}{out}整"
    if jiao:
        out += f"{_DIGITS[jiao]}角"
    elif head:
        out += "零"  # 100.05 → 壹佰元零伍分
    if fen:
        out += f"{_DIGITS[fen]}分"
    return sign + out


def plain_yuan(value) -> str:
    """12345.6 → 12,345.60 (two decimals, thousands separated)."""
    return f"{to_decimal(value):,.2f}"
