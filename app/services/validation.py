"""Reusable field checks for the service inputs (FACTS.md rules)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from pydantic_core import PydanticCustomError

from app.core.national_code import is_valid_national_code
from app.core.persian import is_persian, to_ascii_digits


def invalid(code: str, message: str = "invalid", **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError(code, message, ctx or None)


def clean_text(value: str | None) -> str:
    return " ".join((value or "").split())


def check_persian_script(value: str) -> str:
    value = clean_text(value)
    if value and not is_persian(value):
        raise invalid("wrong_script_fa")
    return value


def check_latin_script(value: str) -> str:
    value = clean_text(value)
    if value and is_persian(value):
        raise invalid("wrong_script_latin")
    return value


def check_not_future(value: date | None, today: date) -> date | None:
    if value is not None and value > today:
        raise invalid("future")
    return value


def check_not_future_time(value: datetime, now: datetime, skew: timedelta = timedelta(minutes=10)) -> datetime:
    if value.tzinfo is None:
        value = value.astimezone()  # a naive time from a form is the laptop's local time
    if value > now + skew:
        raise invalid("future")
    return value.astimezone(timezone.utc)


_PHONE_DIGITS = re.compile(r"^\+?\d{7,15}$")


def normalize_phone(value: str) -> str:
    """ASCII digits, one optional leading +. Iranian mobiles must be 09xxxxxxxxx (or +98 9xx...)."""
    raw = to_ascii_digits(clean_text(value)).replace(" ", "").replace("-", "").replace("(", "").replace(")", "")
    if not raw:
        return ""
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if not _PHONE_DIGITS.match(raw):
        raise invalid("phone")
    if raw.startswith("+98"):
        raw = "0" + raw[3:]
    if raw.startswith("09") and len(raw) != 11:
        raise invalid("phone")
    return raw


DOC_TYPES = (
    "amayesh_card", "smart_card", "headcount_slip", "laissez_passer", "passport", "visa", "residence_permit",
    "tazkira", "e_tazkira", "national_id", "code_yekta", "shenaseh_faragir", "other",
)


def document_number_key(number: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", to_ascii_digits(number).upper())


def check_document_number(doc_type: str, number: str) -> str:
    number = clean_text(to_ascii_digits(number))
    if not number:
        raise invalid("missing")
    if doc_type == "national_id":
        digits = re.sub(r"\D", "", number)
        if not 8 <= len(digits) <= 10 or not is_valid_national_code(digits):
            raise invalid("national_code")
        return digits.zfill(10)
    # Code Yekta and Shenaseh Faragir lengths are unverified (FACTS.md): kept as opaque text.
    return number
