import pytest
from django.core.exceptions import ValidationError

from disputes.validators import (
    id_check_digit,
    mask_id,
    mask_phone,
    normalise_number,
    uscc_check_char,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)
from tests.conftest import credit_code, resident_id


def test_it_accepts_a_resident_id_with_a_correct_check_digit():
    validate_resident_id("11010519491231002X")  # the standard's own example
    validate_resident_id(resident_id(7))


def test_it_computes_the_check_digit_of_the_standard_example():
    assert id_check_digit("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "id_check"),
        ("11010519491231002", "id_length"),
        ("1101051949123100A2", "id_format"),
        ("990105194912310021", "id_region"),
        ("110105194913310021", "id_birth"),
    ],
)
def test_it_refuses_a_bad_resident_id_with_a_reason(number, code):
    with pytest.raises(ValidationError) as info:
        validate_resident_id(number)
    assert info.value.code == code


def test_it_accepts_a_credit_code_with_a_correct_check_character():
    validate_credit_code("91350100M000100Y43")  # a published example
    validate_credit_code(credit_code(42))


def test_it_computes_the_check_character_of_the_published_example():
    assert uscc_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y44", "uscc_check"),
        ("91350100M000100Y4", "uscc_length"),
        ("91350100M000100YI3", "uscc_format"),
    ],
)
def test_it_refuses_a_bad_credit_code_with_a_reason(code, reason):
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert info.value.code == reason


def test_refusal_messages_are_in_chinese():
    with pytest.raises(ValidationError) as info:
        validate_resident_id("110105194912310021")
    assert "校验" in info.value.messages[0]


@pytest.mark.parametrize("phone", ["13812345678", "0359-3022345", "03593022345"])
def test_it_accepts_mobile_and_landline_numbers(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "abc"])
def test_it_refuses_malformed_phone_numbers(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_numbers_are_masked_keeping_only_the_ends():
    assert mask_id("320602198501011234") == "3206**********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id("") == ""


# -- other digit forms (issue 10, item 8) ---------------------------------------------------

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_full_width_digits_spaces_and_hyphens_are_normalised_to_ascii():
    number = resident_id(7)
    typed = " " + number[:6].translate(FULL_WIDTH) + "　" + number[6:14] + "-" + number[14:]
    assert normalise_number(typed) == number
    assert normalise_number("11010519491231002x") == "11010519491231002X"
    assert normalise_number("０３５９－３０２２３４５") == "03593022345"


def test_a_full_width_identity_number_validates_as_its_ascii_form():
    validate_resident_id(resident_id(7).translate(FULL_WIDTH))
    validate_credit_code(credit_code(42).translate(FULL_WIDTH))


def test_arabic_indic_digits_in_an_identity_number_are_refused():
    number = resident_id(7)
    with pytest.raises(ValidationError) as info:
        validate_resident_id(number[0] + number[1:].translate(ARABIC_INDIC))
    assert info.value.code == "id_format"


def test_arabic_indic_digits_in_a_credit_code_are_refused_not_a_crash():
    code = credit_code(42)  # the region digits (positions 3 to 8) in another script
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code[:2] + code[2:8].translate(ARABIC_INDIC) + code[8:])
    assert info.value.code == "uscc_format"
    assert "统一社会信用代码" in info.value.messages[0]


def test_arabic_indic_digits_in_a_phone_number_are_refused():
    with pytest.raises(ValidationError):
        validate_phone("1" + "3812345678".translate(ARABIC_INDIC))
    validate_phone("13812345678".translate(FULL_WIDTH))


def test_a_county_code_not_in_force_in_the_year_of_birth_is_refused():
    # 140830 (芮城县) exists from 2000; someone born in 1985 there carries 142723.
    first17 = "14083019850312001"
    with pytest.raises(ValidationError) as info:
        validate_resident_id(first17 + id_check_digit(first17))
    assert info.value.code == "id_region"
    assert "地区" in info.value.messages[0] or "行政区划" in info.value.messages[0]
    first17 = "14272319850312001"
    validate_resident_id(first17 + id_check_digit(first17))


def test_a_credit_code_with_an_unknown_province_is_refused():
    first17 = "91990830MA0000001"
    with pytest.raises(ValidationError) as info:
        validate_credit_code(first17 + uscc_check_char(first17))
    assert info.value.code == "uscc_region"


def test_the_test_helpers_make_numbers_that_python_stdnum_accepts():
    from stdnum.cn import ric, uscc

    for serial in range(30):
        assert ric.is_valid(resident_id(serial))
        assert ric.is_valid(resident_id(serial, "19500101"))
        assert ric.is_valid(resident_id(serial, "20010101"))
        assert uscc.is_valid(credit_code(serial))


@pytest.mark.django_db
def test_a_payer_edited_in_any_form_is_stored_with_its_numbers_normalised():
    from disputes.models import Payer

    payer = Payer(
        kind="employee",
        name="王建国",
        id_number=resident_id(7).translate(FULL_WIDTH),
        phone="１３８ ０００１-１１１１",
    )
    payer.full_clean()
    payer.save()
    payer.refresh_from_db()
    assert (payer.id_number, payer.phone) == (resident_id(7), "13800011111")
