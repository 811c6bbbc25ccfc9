from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import dates
from app.core.dates import (
    age_band,
    age_years,
    format_both,
    format_date,
    from_jalali,
    iso_week_label,
    parse_date,
    to_jalali,
    week_start,
)

D = date(2026, 11, 28)  # a Saturday; 1405/09/07


@pytest.mark.parametrize(
    ("gregorian", "jalali"),
    [
        (date(2026, 11, 28), (1405, 9, 7)),
        (date(2025, 3, 21), (1404, 1, 1)),
        (date(2025, 3, 20), (1403, 12, 30)),  # 1403 is a leap year
        (date(2024, 3, 20), (1403, 1, 1)),
        (date(1979, 2, 11), (1357, 11, 22)),
    ],
)
def test_known_dates(gregorian: date, jalali: tuple[int, int, int]) -> None:
    assert to_jalali(gregorian) == jalali
    assert from_jalali(*jalali) == gregorian


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_jalali_round_trip(d: date) -> None:
    assert from_jalali(*to_jalali(d)) == d


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 30)))
def test_consecutive_days_stay_consecutive(d: date) -> None:
    y, m, day = to_jalali(d)
    ny, nm, nday = to_jalali(d + timedelta(days=1))
    assert (ny, nm, nday) > (y, m, day)


@pytest.mark.parametrize(("y", "m", "d"), [(1404, 12, 30), (1405, 7, 31), (1405, 13, 1), (1405, 0, 1), (1405, 1, 32)])
def test_impossible_jalali_dates(y: int, m: int, d: int) -> None:
    with pytest.raises(ValueError):
        from_jalali(y, m, d)


def test_month_and_weekday_names() -> None:
    assert len(dates.JALALI_MONTHS_FA) == len(dates.AFGHAN_MONTHS_FA) == len(dates.AFGHAN_MONTHS_EN) == 12
    assert dates.jalali_month_name(1) == "فروردین"
    assert dates.jalali_month_name(12, lang="en") == "Esfand"
    assert dates.jalali_month_name(1, style="afghan") == "حمل"
    assert dates.jalali_month_name(2, lang="en", style="afghan") == "Sawr"
    assert dates.weekday_name(D) == "شنبه"
    assert dates.weekday_name(D, lang="en") == "Saturday"
    assert dates.IRANIAN_WEEK_START == dates.SATURDAY == D.weekday()


def test_format_date_variants() -> None:
    assert format_date(D, lang="fa", calendar="jalali", digits="persian") == "۱۴۰۵/۰۹/۰۷"
    assert format_date(D, lang="fa", calendar="jalali", digits="persian", long=True) == "۷ آذر ۱۴۰۵"
    assert format_date(D, lang="en", calendar="gregorian", digits="latin") == "2026-11-28"
    assert format_date(D, lang="en", calendar="gregorian", long=True) == "28 Nov 2026"
    assert format_date(D, lang="en", calendar="jalali", long=True) == "7 Azar 1405"
    assert format_date(D, lang="en", calendar="jalali") == "1405/09/07"
    assert format_date(D, lang="fa", calendar="gregorian", long=True) == "۲۸ نوامبر ۲۰۲۶"
    assert format_date(D, lang="en", calendar="jalali", long=True, month_style="afghan") == "7 Qaws 1405"
    assert format_date(D, lang="fa", calendar="jalali", long=True, month_style="afghan") == "۷ قوس ۱۴۰۵"
    # Defaults follow the language.
    assert format_date(D, lang="fa") == "۱۴۰۵/۰۹/۰۷"
    assert format_date(D) == "2026-11-28"


def test_format_both() -> None:
    assert format_both(D, "fa", "persian") == "۱۴۰۵/۰۹/۰۷ (2026-11-28)"
    assert format_both(D, "en", "latin") == "1405/09/07 (2026-11-28)"
    assert format_both(D, "fa", "persian", long=True) == "۷ آذر ۱۴۰۵ (28 Nov 2026)"


@pytest.mark.parametrize("bad", [{"lang": "de"}, {"calendar": "hijri"}, {"digits": "roman"}])
def test_format_date_rejects_unknown_options(bad: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        format_date(D, **bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["1405/9/7", "1405-09-07", "۱۴۰۵/۰۹/۰۷", "١٤٠٥/٩/٧", " 1405.9.7 ", "\u200f1405/09/07"])
def test_parse_jalali(text: str) -> None:
    assert parse_date(text, calendar="jalali") == D


@pytest.mark.parametrize("text", ["2026-11-28", "2026/11/28", "۲۰۲۶-۱۱-۲۸"])
def test_parse_gregorian(text: str) -> None:
    assert parse_date(text) == D


@pytest.mark.parametrize(
    ("text", "calendar", "hint"),
    [
        ("", "jalali", "1405/09/07"),
        ("7/9/1405", "jalali", "4-digit year first"),
        ("tomorrow", "gregorian", "2026-11-28"),
        ("1404/12/30", "jalali", "Esfand"),
        ("2026-11-28", "jalali", "Gregorian year"),
        ("1405/09/07", "gregorian", "Solar Hijri year"),
        ("2026-02-30", "gregorian", "does not exist"),
    ],
)
def test_parse_errors_say_what_to_do(text: str, calendar: str, hint: str) -> None:
    with pytest.raises(ValueError, match=hint):
        parse_date(text, calendar=calendar)  # type: ignore[arg-type]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), st.sampled_from(["latin", "persian"]))
def test_format_parse_round_trip(d: date, digits: str) -> None:
    shown = format_date(d, lang="fa", calendar="jalali", digits=digits)  # type: ignore[arg-type]
    assert parse_date(shown, calendar="jalali") == d
    assert parse_date(format_date(d, lang="en", calendar="gregorian"), calendar="gregorian") == d


def test_age_years() -> None:
    assert age_years(date(2000, 11, 28), D) == 26
    assert age_years(date(2000, 11, 29), D) == 25
    assert age_years(D, D) == 0
    # Leap-day birthdays count on 1 March in common years.
    assert age_years(date(2024, 2, 29), date(2025, 2, 28)) == 0
    assert age_years(date(2024, 2, 29), date(2025, 3, 1)) == 1
    with pytest.raises(ValueError):
        age_years(D + timedelta(days=1), D)


@pytest.mark.parametrize(
    ("age", "band"), [(0, "<5"), (4, "<5"), (5, "5-17"), (17, "5-17"), (18, "18-59"), (59, "18-59"), (60, "60+"), (104, "60+")]
)
def test_age_band(age: int, band: str) -> None:
    assert age_band(age) == band


def test_age_band_rejects_negative() -> None:
    with pytest.raises(ValueError):
        age_band(-1)


@given(st.dates(), st.integers(min_value=0, max_value=6))
def test_week_start_property(d: date, first: int) -> None:
    try:
        start = week_start(d, first)
    except OverflowError:
        return  # the week would begin before date.min
    assert start.weekday() == first
    assert 0 <= (d - start).days < 7


def test_week_start_examples() -> None:
    assert week_start(D, dates.SATURDAY) == D
    assert week_start(D, dates.MONDAY) == date(2026, 11, 23)
    assert week_start(D, dates.SUNDAY) == date(2026, 11, 22)
    assert week_start(date(2026, 11, 27), dates.SATURDAY) == date(2026, 11, 21)
    with pytest.raises(ValueError):
        week_start(D, 7)


def test_iso_week_label() -> None:
    assert iso_week_label(D) == "2026W48"
    assert iso_week_label(date(2026, 1, 1)) == "2026W1"
    assert iso_week_label(date(2027, 1, 1)) == "2026W53"
    assert iso_week_label(date(2024, 12, 30)) == "2025W1"
