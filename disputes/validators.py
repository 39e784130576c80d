"""Check digits of resident identity numbers (GB 11643) and unified social credit codes
(GB 32100), phone numbers, and the masks used where numbers are shown in part."""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_PATTERN = re.compile(r"^[1-9]\d{16}[\dX]$")
_PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
}  # fmt: skip

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def normalise(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def validate_resident_id(value: str) -> None:
    value = normalise(value)
    if len(value) != 18:
        raise ValidationError(
            _("A resident identity number has 18 characters; this one has %(n)d."),
            code="id_length",
            params={"n": len(value)},
        )
    if not _ID_PATTERN.match(value):
        raise ValidationError(
            _("A resident identity number is 17 digits followed by a digit or X."),
            code="id_format",
        )
    if value[:2] not in _PROVINCES:
        raise ValidationError(
            _("The identity number does not start with a valid province code."),
            code="id_region",
        )
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1900 or birth > date.today():  # noqa: DTZ011
        raise ValidationError(
            _("The date of birth in the identity number (digits 7 to 14) is not a real date."),
            code="id_birth",
        )
    if id_check_digit(value[:17]) != value[17]:
        raise ValidationError(
            _("The check digit of the identity number is wrong; please check the number."),
            code="id_check",
        )


def validate_credit_code(value: str) -> None:
    value = normalise(value)
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="uscc_length",
            params={"n": len(value)},
        )
    if not _USCC_PATTERN.match(value):
        raise ValidationError(
            _(
                "A unified social credit code uses digits and upper-case letters "
                "except I, O, S, V and Z, with digits in positions 3 to 8."
            ),
            code="uscc_format",
        )
    if uscc_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("The check character of the unified social credit code is wrong; please check it."),
            code="uscc_check",
        )


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def validate_phone(value: str) -> None:
    value = (value or "").strip().replace(" ", "")
    if not (_MOBILE.match(value) or _LANDLINE.match(value)):
        raise ValidationError(
            _("Enter an 11-digit mobile number or a landline with its area code."),
            code="phone",
        )


def mask_id(value: str) -> str:
    """3206**********1234: first four and last four characters."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# -- numbers as people type them --------------------------------------------------------------

_DASHES = dict.fromkeys(map(ord, " -\u00a0\u2010\u2011\u2012\u2013\u2014\u2212\u3000"))


def _ascii_digits(value: str) -> str:
    """Each decimal digit (full-width, Arabic-Indic, ...) as its ASCII digit; the rest as is."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in value)


def normalise_number(value: str) -> str:
    """A number as typed (full-width or other digit forms, spaces, hyphens, lower-case x) in the
    form it is stored: NFKC, ASCII digits, no separators, upper case."""
    value = _ascii_digits(unicodedata.normalize("NFKC", value or ""))
    return value.translate(_DASHES).strip().upper()


# An identity number or a credit code (18 characters, digits 3 to 8), a mobile, a landline; in
# free text, separated from what surrounds it by anything but a letter or a digit.
_NUMBER_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"[0-9A-Za-z]{2}(?:[ -]?\d){6}(?:[ -]?[0-9A-Za-z]){10}"
    r"|1(?:[ -]?\d){10}"
    r"|0\d{2,3}[ -]?\d{7,8}"
    r")(?![0-9A-Za-z])"
)


def mask_number(value: str) -> str:
    """A normalised identity number, credit code or phone, masked as it is in lists."""
    return mask_id(value) if len(value) == 18 else mask_phone(value)


def mask_numbers(text: str) -> str:
    """``text`` with every identity number, credit code and phone in it masked, in whatever
    digit form it was typed; everything else (case numbers, names, punctuation) unchanged."""
    if not text:
        return text or ""
    # Look at the text with ASCII digits and letters, character for character, so that the
    # spans found are the spans of the original.
    view = "".join(
        chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in _ascii_digits(text)
    )
    out, last = [], 0
    for match in _NUMBER_IN_TEXT.finditer(view):
        out.append(text[last : match.start()])
        out.append(mask_number(normalise_number(match.group())))
        last = match.end()
    out.append(text[last:])
    return "".join(out)
