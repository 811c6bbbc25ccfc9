"""Reading how a person's birth is known, as typed at registration (issue 14): a year (Solar Hijri ۱۳۷۰ or
Gregorian 1990, told apart by their size), a month and year (1370/05, 1990-05), or an age ("35 years", "8 months",
"۳۵ سال", "۸ ماه"). A month or an age gives an estimated date of birth; a year stays a year.

Errors are short sentences with a code the screen translates; they never repeat the typed value."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from app.core.dates import Calendar, age_years, from_jalali, to_jalali
from app.core.persian import to_ascii_digits

_YEARS = re.compile(r"^(\d{1,3})\s*(years?|yrs?|y|سال|ساله)?$", re.I)
_MONTHS = re.compile(r"^(\d{1,3})\s*(months?|mos?|m|ماه|ماهه)$", re.I)
_MONTH_YEAR = re.compile(r"^(\d{4})\s*[/\-.\s]\s*(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


class BirthError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Birth:
    birth_year: int | None = None  # Gregorian year, when only the year is known
    date_of_birth: date | None = None
    estimated: bool = False


def _gregorian_year(year: int, calendar: Calendar) -> int:
    if year >= 1700:
        return year
    if 1200 <= year < 1700:
        if calendar != "jalali":
            raise BirthError("jalali_in_english", "That looks like a Solar Hijri year; enter the Gregorian year.")
        # Farvardin 1 falls on 20-21 March: nine months and more of a Solar Hijri year are in year + 621.
        return year + 621
    raise BirthError("unreadable", "Enter a year of four digits, a month and year, or an age.")


def _months_before(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month + 1, day)
        except ValueError:
            continue
    raise BirthError("unreadable", "Enter a year of four digits, a month and year, or an age.")


def parse_birth(text: str, *, calendar: Calendar, today: date) -> Birth:
    cleaned = to_ascii_digits(text or "").replace("\u200c", " ").strip()
    if not cleaned:
        return Birth()
    if match := _YEAR.match(cleaned):
        return Birth(birth_year=_gregorian_year(int(match.group(1)), calendar))
    if match := _MONTH_YEAR.match(cleaned):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise BirthError("bad_month", "The month must be between 1 and 12.")
        if year < 1700 and calendar == "jalali":
            born = from_jalali(year, month, 15)  # the middle of the month: off by at most half a month
        else:
            born = date(_gregorian_year(year, calendar), month, 15)
        if born > today:
            born = today
        return Birth(date_of_birth=born, estimated=True)
    if match := _MONTHS.match(cleaned):
        months = int(match.group(1))
        if months > 11 * 12:
            raise BirthError("too_old", "That age is over 120 years; check it.")
        return Birth(date_of_birth=_months_before(today, months), estimated=True)
    if match := _YEARS.match(cleaned):
        years = int(match.group(1))
        if years > 120:
            raise BirthError("too_old", "That age is over 120 years; check it.")
        return Birth(date_of_birth=_months_before(today, years * 12), estimated=True)
    raise BirthError("unreadable", "Enter a year of four digits, a month and year, or an age.")


def show_birth_year(year: int, calendar: Calendar) -> int:
    """A Gregorian birth year as the user reads it: the Solar Hijri year holding most of it in Persian."""
    return to_jalali(date(year, 7, 1))[0] if calendar == "jalali" else year


# The ages at which the visit form asks about pregnancy (completed years, both included). Not the Td schedule's
# 15-49 (women of child-bearing age is a vaccination target): WHO counts adolescent pregnancies from 10, girls are
# married and pregnant below 15 in the communities served, and a pregnancy the form cannot record is lost from the
# visit and the referral slip. Past 55 a pregnancy is not seen.
PREGNANCY_AGES: Final = (10, 55)


def may_be_pregnant(sex: str | None, *, date_of_birth: date | None, birth_year: int | None, on: date) -> bool:
    """Whether a pregnancy may be recorded for this person on ``on``: a female of reproductive age. The date of
    birth, estimated or not, gives the age; a birth year alone gives two possible ages, and either one inside the
    range is enough. When nothing of the birth is known the answer is yes: hiding the question could lose a real
    pregnancy, while a box left unticked costs nothing."""
    if sex != "female":
        return False
    lo, hi = PREGNANCY_AGES
    if date_of_birth is not None:
        return on >= date_of_birth and lo <= age_years(date_of_birth, on) <= hi
    if birth_year:
        youngest, oldest = on.year - birth_year - 1, on.year - birth_year
        return oldest >= lo and youngest <= hi
    return True
