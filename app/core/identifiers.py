"""Phone numbers and document numbers, written one way for storing, searching and matching.

Phones are typed with or without the trunk 0, with +98 / 0098 / 98 in front, in Persian digits, in groups; Afghan
numbers come as +93 7… or 07…. Each is stored in its national form (09121234567 for Iran, 0701234567 for
Afghanistan, +CC… for any other country) and indexed under every form a person might type.
"""

from __future__ import annotations

import re
from typing import Final

from app.core.persian import normalize_for_search, to_ascii_digits

IRAN: Final = "98"
AFGHANISTAN: Final = "93"
_SEPARATORS: Final = re.compile(r"[\s\-().\u200c\u200f\u200e/]+")


class PhoneError(ValueError):
    """A phone number that cannot be a real number. ``code`` names the rule broken (the messages of
    app.services.messages say it in both languages); no digit of the number is repeated in it."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(text)
        self.code = code


def _clean(raw: str) -> str:
    s = _SEPARATORS.sub("", to_ascii_digits(raw or "").strip())
    if s.startswith("00"):
        s = "+" + s[2:]
    return s


def national_phone(raw: str) -> str:
    """The stored form of a phone number: Iranian and Afghan numbers in their national form with the trunk 0,
    others as +<country><number>. "" for empty input. Raises PhoneError for something that is not a number."""
    s = _clean(raw)
    if not s:
        return ""
    plus = s.startswith("+")
    digits = s[1:] if plus else s
    if not digits.isdigit() or not 7 <= len(digits) <= 15:
        raise PhoneError("phone", "a phone number has 7 to 15 digits, with an optional + in front")
    if plus or (digits.startswith(IRAN) and len(digits) == 12) or (digits.startswith(AFGHANISTAN) and len(digits) == 11):
        if digits.startswith(IRAN):
            digits = "0" + digits[2:]
        elif digits.startswith(AFGHANISTAN):
            digits = "0" + digits[2:]
        else:
            return "+" + digits
    elif not digits.startswith("0"):
        if len(digits) == 10:  # an Iranian number typed without its 0 (912…, 21…)
            digits = "0" + digits
        elif len(digits) == 9 and digits.startswith("7"):  # an Afghan mobile without its 0
            digits = "0" + digits
    if digits.startswith("09") and len(digits) != 11:
        raise PhoneError("phone_ir_mobile", "an Iranian mobile number has 11 digits: 09xx xxx xxxx")
    if digits.startswith("07") and len(digits) not in (10, 11):
        raise PhoneError("phone_af_mobile", "an Afghan mobile number has 10 digits: 07xx xxx xxx")
    return digits


def phone_country(national: str) -> str:
    """"98", "93" or "" for a stored (national_phone) number: Iranian numbers have 11 digits, Afghan ones 10."""
    if national.startswith("0") and len(national) == 11:
        return IRAN
    if national.startswith("0") and len(national) == 10:
        return AFGHANISTAN
    return ""


def phone_search_keys(stored: str) -> set[str]:
    """The one form a stored number is indexed under: its national form (0912…, 070…), or the digits after + of
    any other country. What a person types (912…, +98 912…, 0098…, 93 7…) is brought to that form by
    ``phone_query_keys``, so one index row per phone serves every typed form."""
    try:
        national = national_phone(stored)
    except PhoneError:
        national = re.sub(r"\D", "", to_ascii_digits(stored or ""))
    if not national:
        return set()
    return {national.lstrip("+")}


def phone_query_keys(text: str) -> list[str]:
    """The index forms a typed phone (or its beginning) may be the start of, most likely first: 0912… as typed;
    912… and 98912… (+98, 0098) as 0912…; 93 7… as 07… (and, since Iranian mobiles begin 093…, as 093…); digits
    of another country as typed."""
    digits = phone_query(text)
    if not digits.isdigit():
        return []
    if digits.startswith("0"):
        return [digits]
    keys = []
    if digits.startswith((IRAN, AFGHANISTAN)):
        keys.append("0" + digits[2:])
    keys += ["0" + digits, digits]
    return list(dict.fromkeys(keys))


def phone_match_key(raw: str) -> str:
    """One key per line for "same phone": the national form (or the digits of what cannot be parsed)."""
    try:
        return national_phone(raw)
    except PhoneError:
        return re.sub(r"\D", "", to_ascii_digits(raw or ""))


def phone_query(text: str) -> str:
    """What a typed phone (or its beginning) is looked up as: digits only, a leading +/00 dropped."""
    s = _clean(text)
    return s.lstrip("+")


def document_key(number: str) -> str:
    """A document number for comparing and searching: letters and digits only (any script; Persian digits as
    ASCII), upper case. "P 7788-9900", "p77889900" and "P۷۷۸۸۹۹۰۰" share one key."""
    number = number or ""
    if number.isascii():
        # Most numbers are typed in ASCII: the same key without the Unicode passes (the review list reads every
        # patient's documents).
        return _NOT_ALNUM_ASCII.sub("", number).upper()
    return re.sub(r"[\W_]+", "", normalize_for_search(number)).upper()


_NOT_ALNUM_ASCII = re.compile(r"[^A-Za-z0-9]+")
