"""Iranian national code (کد ملی) normalisation and check-digit validation.

Codes arrive typed with Persian digits, dashes or spaces, and with leading zeros dropped by spreadsheets, so
everything is normalised to 10 ASCII digits before it is checked, stored or compared.
Error messages never contain the code itself: it identifies a person.
"""

from __future__ import annotations

from app.core.persian import to_ascii_digits


def _digits_only(s: str) -> str:
    return "".join(ch for ch in to_ascii_digits(s) if "0" <= ch <= "9")


def normalize_national_code(s: str) -> str:
    """10 ASCII digits: Persian/Arabic digits mapped, non-digits removed, 8–9 digits left-padded with zeros.

    Raises ValueError for any other length. Does not check the check digit (see ``is_valid_national_code``).
    """
    digits = _digits_only(s)
    if len(digits) in (8, 9):
        # Spreadsheets and some older records drop leading zeros.
        digits = digits.zfill(10)
    if len(digits) != 10:
        raise ValueError(f"An Iranian national code has 10 digits; {len(digits)} digits were entered.")
    return digits


def national_code_check_digit(first9: str) -> int:
    """Check digit for the first nine digits: r = sum(d[i] * (10 - i)) % 11; digit = r if r < 2 else 11 - r."""
    digits = _digits_only(first9)
    if len(digits) != 9:
        raise ValueError(f"The check digit needs exactly 9 digits; {len(digits)} were given.")
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(digits)) % 11
    return remainder if remainder < 2 else 11 - remainder


def is_valid_national_code(s: str) -> bool:
    """True if ``s`` normalises to 10 digits, not all the same, with a correct check digit.

    >>> is_valid_national_code("0067749828"), is_valid_national_code("0684159415")
    (True, False)
    """
    try:
        code = normalize_national_code(s)
    except ValueError:
        return False
    # 1111111111 etc. pass the arithmetic but are placeholders, never issued.
    if len(set(code)) == 1:
        return False
    return int(code[9]) == national_code_check_digit(code[:9])
