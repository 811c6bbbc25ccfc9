import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.national_code import is_valid_national_code, national_code_check_digit, normalize_national_code
from app.core.persian import to_persian_digits


def test_facts_examples() -> None:
    assert is_valid_national_code("0067749828")
    assert not is_valid_national_code("0684159415")


def test_check_digit() -> None:
    assert national_code_check_digit("006774982") == 8
    with pytest.raises(ValueError):
        national_code_check_digit("12345")


@pytest.mark.parametrize("digit", "0123456789")
def test_all_equal_digits_invalid(digit: str) -> None:
    assert not is_valid_national_code(digit * 10)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0067749828", "0067749828"),
        ("067749828", "0067749828"),
        ("67749828", "0067749828"),
        ("006-774982-8", "0067749828"),
        (" 006 774 9828 ", "0067749828"),
        ("۰۰۶۷۷۴۹۸۲۸", "0067749828"),
        ("٠٠٦٧٧٤٩٨٢٨", "0067749828"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize_national_code(raw) == expected


@pytest.mark.parametrize("raw", ["", "1234567", "12345678901", "abc"])
def test_normalize_rejects_wrong_length_without_echoing_input(raw: str) -> None:
    with pytest.raises(ValueError, match="10 digits") as excinfo:
        normalize_national_code(raw)
    if raw.strip():
        assert raw not in str(excinfo.value)
    assert not is_valid_national_code(raw)


first9 = st.text(alphabet="0123456789", min_size=9, max_size=9)


def _code(prefix: str) -> str:
    return prefix + str(national_code_check_digit(prefix))


@given(first9)
def test_generated_codes_pass(prefix: str) -> None:
    code = _code(prefix)
    assert is_valid_national_code(code) == (len(set(code)) > 1)
    if len(set(code)) > 1:
        assert is_valid_national_code(to_persian_digits(code))
        assert is_valid_national_code(f"{code[:3]}-{code[3:9]}-{code[9]}")


def _remainder(first: str) -> int:
    return sum(int(d) * (10 - i) for i, d in enumerate(first)) % 11


@given(first9, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_fails(prefix: str, position: int, delta: int) -> None:
    code = _code(prefix)
    changed = code[:position] + str((int(code[position]) + delta) % 10) + code[position + 1 :]
    if position < 9 and {_remainder(code[:9]), _remainder(changed[:9])} == {1, 10}:
        # The scheme's one blind spot: remainders 1 and 10 both give check digit 1 (r < 2 -> r; else 11 - r).
        assert is_valid_national_code(changed) == (len(set(changed)) > 1)
    else:
        assert not is_valid_national_code(changed)


def test_documented_blind_spot_of_the_algorithm() -> None:
    # 049996360 -> remainder 1 -> check digit 1; 041996360 -> remainder 10 -> check digit 1 as well.
    assert is_valid_national_code("0499963601") and is_valid_national_code("0419963601")


@given(first9, st.integers(min_value=1, max_value=9))
def test_changing_the_check_digit_always_fails(prefix: str, delta: int) -> None:
    code = _code(prefix)
    assert not is_valid_national_code(code[:9] + str((int(code[9]) + delta) % 10))
