"""Check digits of resident identity numbers (GB 11643) and unified social credit codes
(GB 32100), phone numbers, and the masks used where numbers are shown in part."""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidComponent

# re.ASCII: \d alone also matches Arabic-Indic and other decimal digits.
_ID_PATTERN = re.compile(r"^[1-9][0-9]{16}[0-9X]$", re.ASCII)
_USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$", re.ASCII)
# Positions 3 and 4 of a credit code: a province, or 10 for a registration by a national body.
_NATIONAL_REGISTRATION = "10"
# Spaces and the dashes people type between groups of digits (NFKC keeps most dashes as they are).
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


def normalise_number(value: str) -> str:
    """The one form a typed identity number, credit code or phone number is checked and stored in.

    NFKC turns full-width digits and letters (１４０８３０…, ｘ) and the ideographic space into
    ASCII; spaces and hyphens are dropped and letters upper-cased. Digits of other scripts
    (Arabic-Indic ٠١٢…) are left as they are, so that the validators refuse them.
    """
    value = unicodedata.normalize("NFKC", value or "")
    return _SEPARATORS.sub("", value).upper()


def id_check_digit(first17: str) -> str:
    return ric.calc_check_digit(first17 + "0")


def uscc_check_char(first17: str) -> str:
    return uscc.calc_check_digit(first17 + "0")


def _province_known(code: str) -> bool:
    return any(props.get("province") for _part, props in numdb.get("cn/loc").info(code))


def validate_resident_id(value: str) -> None:
    """GB 11643 through python-stdnum (check digit; a county code in use at the birth date)."""
    value = normalise_number(value)
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
    if not _province_known(value[:2]):
        raise ValidationError(
            _("The identity number does not start with a valid province code."),
            code="id_region",
        )
    try:
        birth = ric.get_birth_date(value)
    except InvalidComponent:
        birth = None
    if birth is None or birth.year < 1900 or birth > date.today():  # noqa: DTZ011
        raise ValidationError(
            _("The date of birth in the identity number (digits 7 to 14) is not a real date."),
            code="id_birth",
        )
    try:
        ric.get_birth_place(value)
    except InvalidComponent:
        raise ValidationError(
            _(
                "The region code of the identity number (digits 1 to 6) is not a county that "
                "existed in the year of birth."
            ),
            code="id_region",
        ) from None
    if ric.calc_check_digit(value) != value[17]:
        raise ValidationError(
            _("The check digit of the identity number is wrong; please check the number."),
            code="id_check",
        )


def validate_credit_code(value: str) -> None:
    """GB 32100 through python-stdnum (check character), and a known province in its region."""
    value = normalise_number(value)
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
    region = value[2:8]
    if region[:2] != _NATIONAL_REGISTRATION and not _province_known(region[:2]):
        raise ValidationError(
            _(
                "The region code of the unified social credit code (positions 3 to 8) "
                "is not a valid administrative division."
            ),
            code="uscc_region",
        )
    if uscc.calc_check_digit(value) != value[17]:
        raise ValidationError(
            _("The check character of the unified social credit code is wrong; please check it."),
            code="uscc_check",
        )


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def is_mobile(value: str) -> bool:
    """Whether the number (as typed) is a mainland mobile number, which can take a text."""
    return bool(_MOBILE.match(normalise_number(value)))


def validate_phone(value: str) -> None:
    value = normalise_number(value)
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


def _ascii_digits(value: str) -> str:
    """Each decimal digit (full-width, Arabic-Indic, ...) as its ASCII digit; the rest as is."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in value)


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


def mask_numbers(text: str, *, withheld: str | None = None) -> str:
    """``text`` with every identity number, credit code and phone in it masked, in whatever
    digit form it was typed; everything else (case numbers, names, punctuation) unchanged.
    With ``withheld``, each number is replaced by that text instead of its masked form."""
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
        out.append(
            withheld if withheld is not None else mask_number(normalise_number(match.group()))
        )
        last = match.end()
    out.append(text[last:])
    return "".join(out)
