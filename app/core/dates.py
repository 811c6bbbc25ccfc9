"""Calendar helpers: Solar Hijri (Jalali) <-> Gregorian, display formats, parsing, ages and weeks.

Dates are always *stored* as ISO Gregorian ``datetime.date``; the Jalali calendar is a display and input concern.
Conversion is delegated to ``jdatetime`` (its arithmetic matches the official Iranian calendar for the range we use);
this module only adds the names, formats and error messages the clinics need.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final, Literal

import jdatetime

from app.core.persian import to_ascii_digits, to_persian_digits

Lang = Literal["en", "fa"]
Calendar = Literal["gregorian", "jalali"]
Digits = Literal["latin", "persian"]
MonthStyle = Literal["iranian", "afghan"]

# Iranian Persian month names; Afghanistan uses the same months under zodiac (Dari) names.
JALALI_MONTHS_FA: Final = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)
JALALI_MONTHS_EN: Final = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)
AFGHAN_MONTHS_FA: Final = (
    "حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله",
    "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت",
)
AFGHAN_MONTHS_EN: Final = (
    "Hamal", "Sawr", "Jawza", "Saratan", "Asad", "Sunbula",
    "Mizan", "Aqrab", "Qaws", "Jadi", "Dalw", "Hut",
)
GREGORIAN_MONTHS_EN: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
# Iranian usage (Academy of Persian Language spellings).
GREGORIAN_MONTHS_FA: Final = (
    "ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن",
    "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر",
)

# Indexed by Python's date.weekday() (Monday=0) so lookups never need an offset.
WEEKDAYS_FA: Final = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")
WEEKDAYS_EN: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

MONDAY: Final = 0
SATURDAY: Final = 5
SUNDAY: Final = 6
# The Iranian working week starts on Saturday; ISO weeks start on Monday, CDC/PAHO epi weeks on Sunday.
IRANIAN_WEEK_START: Final = SATURDAY

AGE_BANDS: Final = ("<5", "5-17", "18-59", "60+")

# Bidi marks that sneak in when dates are copied from RTL text; they carry no meaning for parsing.
_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_DATE_RE = re.compile(r"^\s*([0-9]{4})\s*[/\-.\s]\s*([0-9]{1,2})\s*[/\-.\s]\s*([0-9]{1,2})\s*$")


def to_jalali(d: date) -> tuple[int, int, int]:
    """Gregorian date -> (year, month, day) in the Solar Hijri calendar."""
    j = jdatetime.date.fromgregorian(date=d)
    return j.year, j.month, j.day


def from_jalali(year: int, month: int, day: int) -> date:
    """Solar Hijri (year, month, day) -> Gregorian date; ValueError if the date does not exist (e.g. 1404/12/30)."""
    if not 1 <= month <= 12:
        raise ValueError("A Solar Hijri month must be between 1 and 12.")
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError:
        # No date in the message: it may be a patient's birth date and messages end up in logs.
        raise ValueError(
            "That day does not exist in that Solar Hijri month "
            "(months 1-6 have 31 days, 7-11 have 30, Esfand has 29, or 30 in a leap year)."
        ) from None


def jalali_month_name(month: int, *, lang: Lang = "fa", style: MonthStyle = "iranian") -> str:
    """Name of Solar Hijri month 1-12; ``style="afghan"`` gives the Dari zodiac names (Hamal, Sawr, ...)."""
    if style == "iranian":
        names = JALALI_MONTHS_FA if lang == "fa" else JALALI_MONTHS_EN
    elif style == "afghan":
        names = AFGHAN_MONTHS_FA if lang == "fa" else AFGHAN_MONTHS_EN
    else:
        raise ValueError(f"Unknown month style {style!r}; use 'iranian' or 'afghan'.")
    return names[month - 1]


def weekday_name(d: date, *, lang: Lang = "fa") -> str:
    return (WEEKDAYS_FA if lang == "fa" else WEEKDAYS_EN)[d.weekday()]


def format_date(
    d: date,
    *,
    lang: Lang = "en",
    calendar: Calendar | None = None,
    digits: Digits | None = None,
    long: bool = False,
    month_style: MonthStyle = "iranian",
) -> str:
    """Format a stored date for display or print.

    Defaults follow the language: ``fa`` -> Jalali with Persian digits, ``en`` -> Gregorian with Latin digits.

    >>> format_date(date(2026, 11, 28), lang="fa", calendar="jalali")
    '۱۴۰۵/۰۹/۰۷'
    >>> format_date(date(2026, 11, 28), lang="fa", calendar="jalali", long=True)
    '۷ آذر ۱۴۰۵'
    >>> format_date(date(2026, 11, 28), lang="en", calendar="gregorian")
    '2026-11-28'
    >>> format_date(date(2026, 11, 28), lang="en", calendar="gregorian", long=True)
    '28 Nov 2026'
    >>> format_date(date(2026, 11, 28), lang="en", calendar="jalali", long=True)
    '7 Azar 1405'
    """
    if lang not in ("en", "fa"):
        raise ValueError(f"Unknown language {lang!r}; use 'en' or 'fa'.")
    if calendar is None:
        calendar = "jalali" if lang == "fa" else "gregorian"
    if digits is None:
        digits = "persian" if lang == "fa" else "latin"
    if digits not in ("latin", "persian"):
        raise ValueError(f"Unknown digits {digits!r}; use 'latin' or 'persian'.")

    if calendar == "jalali":
        y, m, day = to_jalali(d)
        if long:
            text = f"{day} {jalali_month_name(m, lang=lang, style=month_style)} {y}"
        else:
            # Slashes: the form Iranian clinicians write and read on paper.
            text = f"{y:04d}/{m:02d}/{day:02d}"
    elif calendar == "gregorian":
        if long:
            # English uses the 3-letter abbreviation to keep printed columns narrow; Persian has no abbreviations.
            month = GREGORIAN_MONTHS_FA[d.month - 1] if lang == "fa" else GREGORIAN_MONTHS_EN[d.month - 1][:3]
            text = f"{d.day} {month} {d.year}"
        else:
            text = d.isoformat()
    else:
        raise ValueError(f"Unknown calendar {calendar!r}; use 'gregorian' or 'jalali'.")
    return to_persian_digits(text) if digits == "persian" else text


def format_both(d: date, lang: Lang = "fa", digits: Digits | None = None, *, long: bool = False) -> str:
    """Solar Hijri date followed by the Gregorian one, for printed paper read on both sides of the border.

    The Gregorian part always uses Latin digits and the English form: it is there for readers who do not
    read the Jalali calendar (IOM staff, foreign partners), for whom ISO / Latin digits are unambiguous.

    >>> format_both(date(2026, 11, 28), "fa", "persian")
    '۱۴۰۵/۰۹/۰۷ (2026-11-28)'
    """
    jalali = format_date(d, lang=lang, calendar="jalali", digits=digits, long=long)
    gregorian = format_date(d, lang="en", calendar="gregorian", digits="latin", long=long)
    return f"{jalali} ({gregorian})"


def parse_date(text: str, *, calendar: Calendar = "gregorian") -> date:
    """Read a typed date: year first, separated by / - . or a space; Persian/Arabic digits accepted.

    ``parse_date("1405/9/7", calendar="jalali") == date(2026, 11, 28)``.
    Errors say what format is expected; they never echo the whole input (it may be a patient's birth date).
    """
    if calendar == "jalali":
        example, what = "1405/09/07", "Solar Hijri (year/month/day)"
    elif calendar == "gregorian":
        example, what = "2026-11-28", "Gregorian (year-month-day)"
    else:
        raise ValueError(f"Unknown calendar {calendar!r}; use 'gregorian' or 'jalali'.")

    cleaned = to_ascii_digits((text or "").translate(_BIDI_MARKS))
    match = _DATE_RE.match(cleaned)
    if not match:
        raise ValueError(f"Could not read the date. Enter a {what} date with a 4-digit year first, e.g. {example}.")
    year, month, day = (int(g) for g in match.groups())

    # A year in the wrong calendar is the commonest slip; say so instead of silently producing a date 621 years off.
    if calendar == "jalali" and year >= 1700:
        raise ValueError(f"{year} looks like a Gregorian year. Enter a Solar Hijri date, e.g. {example}.")
    if calendar == "gregorian" and 1200 <= year < 1700:
        raise ValueError(f"{year} looks like a Solar Hijri year. Enter a Gregorian date, e.g. {example}.")

    if calendar == "jalali":
        return from_jalali(year, month, day)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"That date does not exist in the Gregorian calendar. Use the format {example}.") from None


def parse_either(text: str) -> date:
    """A date typed in either calendar, told apart by its year (parse_date refuses the other calendar's years):
    ``2026-11-28`` or ``1405/09/07``, Latin, Persian or Arabic-Indic digits. For pages and commands used by both
    Persian and English readers (headquarters), where the field cannot know which calendar a person writes in."""
    for calendar in ("gregorian", "jalali"):
        try:
            return parse_date(text, calendar=calendar)  # type: ignore[arg-type]
        except ValueError:
            continue
    raise ValueError("Could not read the date. Enter it as 2026-11-28, or in Solar Hijri as 1405/09/07.")


def age_years(dob: date, on: date) -> int:
    """Completed years on ``on``; someone born on 29 Feb turns a year older on 1 March in common years."""
    if on < dob:
        raise ValueError("The date of birth is after the reference date.")
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def age_band(age: int) -> str:
    """Reporting age band: "<5", "5-17", "18-59" or "60+"."""
    if age < 0:
        raise ValueError("Age cannot be negative.")
    if age < 5:
        return "<5"
    if age < 18:
        return "5-17"
    if age < 60:
        return "18-59"
    return "60+"


def week_start(d: date, first_weekday: int) -> date:
    """First day of the week holding ``d``, weeks starting on ``first_weekday`` (0=Monday ... 5=Saturday, 6=Sunday)."""
    if not 0 <= first_weekday <= 6:
        raise ValueError(f"first_weekday must be 0 (Monday) to 6 (Sunday), got {first_weekday}.")
    return d - timedelta(days=(d.weekday() - first_weekday) % 7)


def iso_week_label(d: date) -> str:
    """ISO week as a DHIS2 weekly period, e.g. "2026W48" (week number not zero-padded, as DHIS2 expects)."""
    year, week, _ = d.isocalendar()
    return f"{year}W{week}"
