from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from app.core.dates import SATURDAY
from app.hq.weeks import last_weeks, parse_week, week_of


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_monday_weeks_are_iso_weeks(d: date) -> None:
    year, number, _ = d.isocalendar()
    w = week_of(d)
    assert (w.year, w.number) == (year, number)
    assert w.label == f"{year}W{number}"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 6))
def test_week_holds_its_days_and_round_trips(d: date, fw: int) -> None:
    w = week_of(d, fw)
    assert w.start <= d < w.end and w.start.weekday() == fw
    assert parse_week(w.label, fw) == w
    assert w.shift(1).start == w.end


def test_saturday_weeks() -> None:
    w = week_of(date(2026, 11, 28), SATURDAY)
    assert w.label == "2026SatW48" and w.start == date(2026, 11, 28)
    assert parse_week("2026SatW48") == w
    assert parse_week("2026W48", SATURDAY) == w
    assert [x.label for x in last_weeks(w, 3)] == ["2026SatW46", "2026SatW47", "2026SatW48"]


def test_bad_labels() -> None:
    with pytest.raises(ValueError, match="2026W48"):
        parse_week("48/2026")
    with pytest.raises(ValueError, match="no week 53"):
        parse_week("2025W53")
    assert parse_week("2026W53").number == 53  # 2026 has 53 ISO weeks (1 Jan 2026 is a Thursday)
    assert week_of(date(2026, 11, 28)).start + timedelta(days=6) == date(2026, 11, 29)
