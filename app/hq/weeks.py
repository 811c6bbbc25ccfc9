"""Epidemiological weeks with a configurable first weekday (docs/architecture.md ("Domain facts"): ISO Monday, CDC Sunday, Iran Saturday).

One rule for every convention, the ISO one generalised: a week belongs to the year that holds its 4th day (for ISO
weeks, the Thursday), and week 1 is the week whose 4th day falls in 1–7 January. With Monday as first day this gives
exactly ``date.isocalendar()``. Labels follow DHIS2 period ids: ``2026W48`` (Monday weeks), ``2026SatW48``,
``2026SunW48``, ``2026WedW48``, ``2026ThuW48``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from app.core.dates import MONDAY, SATURDAY, week_start

_PREFIX: Final = {0: "", 2: "Wed", 3: "Thu", 5: "Sat", 6: "Sun"}
_DAY_NAMES: Final = dict(enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")))
_LABEL_RE = re.compile(r"^\s*(\d{4})-?(Wed|Thu|Sat|Sun)?W(\d{1,2})\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int
    first_weekday: int = MONDAY

    @property
    def start(self) -> date:
        # Week 1 is the week whose 4th day falls in 1-7 January, so it starts between 29 Dec and 4 Jan.
        jan4 = date(self.year, 1, 4)
        first = week_start(jan4 - timedelta(days=3), self.first_weekday)
        if (first + timedelta(days=3)).year < self.year:
            first += timedelta(days=7)
        return first + timedelta(weeks=self.number - 1)

    @property
    def end(self) -> date:
        """Exclusive end: the first day of the next week (half-open ranges compare cleanly in SQL)."""
        return self.start + timedelta(days=7)

    @property
    def last_day(self) -> date:
        """The week's last day (inclusive): what a person reads, "28 Nov – 4 Dec"."""
        return self.start + timedelta(days=6)

    @property
    def label(self) -> str:
        return f"{self.year}{_PREFIX.get(self.first_weekday, '')}W{self.number}"

    def shift(self, weeks: int) -> Week:
        return week_of(self.start + timedelta(weeks=weeks), self.first_weekday)

    def __str__(self) -> str:
        return self.label


def week_of(d: date, first_weekday: int = MONDAY) -> Week:
    mid = week_start(d, first_weekday) + timedelta(days=3)
    return Week(mid.year, (mid.timetuple().tm_yday - 1) // 7 + 1, first_weekday)


def weeks_in_year(year: int, first_weekday: int = MONDAY) -> int:
    last = week_of(date(year, 12, 31), first_weekday)
    return last.number if last.year == year else week_of(date(year, 12, 24), first_weekday).number


# Weeks are numbered within Gregorian years; a year in this range is a Solar Hijri year typed by mistake.
_SOLAR_HIJRI_YEARS = range(1300, 1500)
_YEARS = range(1900, 2201)


def parse_week(text: str, first_weekday: int | None = None, *, strict: bool = False) -> Week:
    """``2026W48`` / ``2026-W48`` / ``2026SatW48``. A day prefix in the label wins over ``first_weekday``, unless
    ``strict`` (the site's convention is fixed): then a prefix naming another first day is refused."""
    m = _LABEL_RE.match(text or "")
    if not m:
        raise ValueError("Write the week as YEARwNN, e.g. 2026W48 (or 2026SatW48 for Saturday weeks).")
    year, prefix, number = int(m.group(1)), m.group(2), int(m.group(3))
    if year in _SOLAR_HIJRI_YEARS:
        raise ValueError(f"{year} looks like a Solar Hijri year: weeks are numbered in Gregorian years "
                         f"({year} SH is {year + 621}/{year + 622}), e.g. {year + 621}W{number}.")
    if year not in _YEARS:
        raise ValueError(f"{year} is not a plausible year for an epi week.")
    if prefix and strict and first_weekday is not None:
        named = {v.lower(): k for k, v in _PREFIX.items() if v}[prefix.lower()]
        if named != first_weekday:
            raise ValueError(f"This site counts weeks from {_DAY_NAMES[first_weekday]}; {text.strip()} is a week "
                             f"starting on {_DAY_NAMES[named]}. Write {year}{_PREFIX.get(first_weekday, '')}W{number}.")
    if prefix:
        fw = {v.lower(): k for k, v in _PREFIX.items() if v}[prefix.lower()]
    else:
        fw = MONDAY if first_weekday is None else first_weekday
    week = Week(year, number, fw)
    if number < 1 or week_of(week.start, fw) != week:
        raise ValueError(f"{year} has no week {number} in this convention.")
    return week


def last_weeks(current: Week, n: int) -> list[Week]:
    """The ``n`` weeks ending with ``current``, oldest first."""
    return [current.shift(-i) for i in range(n - 1, -1, -1)]


IRAN: Final = SATURDAY
ISO: Final = MONDAY

__all__ = ["IRAN", "ISO", "Week", "last_weeks", "parse_week", "week_of", "weeks_in_year"]
