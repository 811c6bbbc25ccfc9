"""How a birth is typed at registration (issue 14): Solar Hijri or Gregorian years, a month and year, an age."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.birth import Birth, BirthError, parse_birth, show_birth_year
from app.core.dates import from_jalali

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(("text", "calendar", "expected"), [
    ("۱۳۷۰", "jalali", Birth(birth_year=1991)),
    ("1370", "jalali", Birth(birth_year=1991)),
    ("1990", "jalali", Birth(birth_year=1990)),  # a Gregorian year typed in Persian is still read
    ("1990", "gregorian", Birth(birth_year=1990)),
    ("۱۳۷۰/۰۵", "jalali", Birth(date_of_birth=from_jalali(1370, 5, 15), estimated=True)),
    ("1990-05", "gregorian", Birth(date_of_birth=date(1990, 5, 15), estimated=True)),
    ("35 years", "gregorian", Birth(date_of_birth=date(1991, 11, 28), estimated=True)),
    ("35", "gregorian", Birth(date_of_birth=date(1991, 11, 28), estimated=True)),
    ("۳۵ سال", "jalali", Birth(date_of_birth=date(1991, 11, 28), estimated=True)),
    ("8 months", "gregorian", Birth(date_of_birth=date(2026, 3, 28), estimated=True)),
    ("۸ ماه", "jalali", Birth(date_of_birth=date(2026, 3, 28), estimated=True)),
    ("", "jalali", Birth()),
])
def test_readings(text: str, calendar: str, expected: Birth) -> None:
    assert parse_birth(text, calendar=calendar, today=TODAY) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "calendar", "code"), [
    ("1370", "gregorian", "jalali_in_english"), ("1370/13", "jalali", "bad_month"), ("130 years", "gregorian", "too_old"),
    ("about thirty", "gregorian", "unreadable"), ("90", "gregorian", None),
])
def test_refusals(text: str, calendar: str, code: str | None) -> None:
    if code is None:
        assert parse_birth(text, calendar=calendar, today=TODAY).estimated  # type: ignore[arg-type]
        return
    with pytest.raises(BirthError) as info:
        parse_birth(text, calendar=calendar, today=TODAY)  # type: ignore[arg-type]
    assert info.value.code == code and text not in str(info.value)


def test_a_birth_year_reads_back_in_the_users_calendar() -> None:
    assert show_birth_year(1991, "jalali") == 1370 and show_birth_year(1991, "gregorian") == 1991
