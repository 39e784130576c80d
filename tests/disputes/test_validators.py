import pytest
from django.core.exceptions import ValidationError

from disputes.validators import (
    id_check_digit,
    mask_id,
    mask_phone,
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
