"""Reusable field checks for the service inputs (docs/architecture.md ("Domain facts") rules)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from pydantic_core import PydanticCustomError

from app.core.identifiers import PhoneError, document_key, national_phone
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


def normalize_phone(value: str) -> str:
    """The stored form (app.core.identifiers.national_phone): 0912…, 07…, or +CC… for other countries."""
    try:
        return national_phone(clean_text(value))
    except PhoneError as err:
        raise invalid(err.code) from None


DOC_TYPES = (
    "amayesh_card", "smart_card", "headcount_slip", "laissez_passer", "passport", "visa", "residence_permit",
    "tazkira", "e_tazkira", "national_id", "code_yekta", "shenaseh_faragir", "other",
)


def document_number_key(number: str) -> str:
    return document_key(number)


def check_document_number(doc_type: str, number: str) -> str:
    number = clean_text(to_ascii_digits(number))
    if not number:
        raise invalid("missing")
    if doc_type == "national_id":
        digits = re.sub(r"\D", "", number)
        if not 8 <= len(digits) <= 10 or not is_valid_national_code(digits):
            raise invalid("national_code")
        return digits.zfill(10)
    # Code Yekta and Shenaseh Faragir lengths are unverified (docs/architecture.md, "Domain facts"): kept as opaque text.
    return number
