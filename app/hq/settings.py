"""The site's settings, set once at headquarters and used by everything there: the server's alert evaluation,
the pages, the command line, the weekly report and the DHIS2 export (``sayyar hq config``).

- ``week_start``: the epi-week convention. Iran's week starts on Saturday (docs/architecture.md, "Domain facts"), so a new site counts
  Saturday–Friday weeks (DHIS2 period type WeeklySaturday, labels like ``2026SatW48``); ISO (Monday) and Sunday
  (CDC/PAHO) weeks are the alternatives. Every report states the convention it used.
- ``malaria_elimination``: Iran is eliminating malaria, so every case is an alert by default; switched off, the
  registry's threshold rule (75th percentile of the same week in earlier years) applies instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Final

from sqlalchemy import Connection, insert, select, update

from app.core.dates import MONDAY, SATURDAY, SUNDAY
from app.hq.models import hq_setting

WEEK_STARTS: Final = {"saturday": SATURDAY, "monday": MONDAY, "iso": MONDAY, "sunday": SUNDAY}
_NAMES: Final = {SATURDAY: "saturday", MONDAY: "monday", SUNDAY: "sunday"}
_DAYS_EN: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAYS_FA: Final = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class SiteSettings:
    first_weekday: int = SATURDAY
    malaria_elimination: bool = True

    @property
    def week_start_name(self) -> str:
        return _NAMES[self.first_weekday]

    def convention(self, lang: str = "en") -> str:
        """The sentence every report carries, e.g. "Epi weeks run Saturday to Friday"."""
        first, last = self.first_weekday, (self.first_weekday + 6) % 7
        if lang == "fa":
            return f"هفته‌های اپیدمیولوژیک از {_DAYS_FA[first]} تا {_DAYS_FA[last]}"
        return f"Epi weeks run {_DAYS_EN[first]} to {_DAYS_EN[last]}" + (" (ISO)" if first == MONDAY else "")


DEFAULTS: Final = SiteSettings()


def load_settings(conn: Connection) -> SiteSettings:
    rows = dict(conn.execute(select(hq_setting.c.key, hq_setting.c.value)).all())
    fw = rows.get("week_start", DEFAULTS.week_start_name)
    return SiteSettings(first_weekday=WEEK_STARTS.get(str(fw), DEFAULTS.first_weekday),
                        malaria_elimination=bool(rows.get("malaria_elimination", DEFAULTS.malaria_elimination)))


def save_settings(conn: Connection, *, by: str, week_start: str | None = None,
                  malaria_elimination: bool | None = None, now: datetime | None = None) -> SiteSettings:
    """Change the site's settings (headquarters only; the caller checks the role)."""
    now = now or datetime.now(timezone.utc)
    values: dict[str, Any] = {}
    if week_start is not None:
        if week_start.lower() not in WEEK_STARTS:
            raise SettingsError(f"week start {week_start!r}: say saturday (Iran), monday (ISO) or sunday")
        values["week_start"] = _NAMES[WEEK_STARTS[week_start.lower()]]
    if malaria_elimination is not None:
        values["malaria_elimination"] = bool(malaria_elimination)
    for key, value in values.items():
        found = conn.execute(select(hq_setting.c.key).where(hq_setting.c.key == key)).first()
        stmt = (update(hq_setting).where(hq_setting.c.key == key) if found else insert(hq_setting).values(key=key))
        conn.execute(stmt.values(value=value, updated_at=now, updated_by=by[:60]))
    return load_settings(conn)


def week_range_text(start: date, last: date, lang: str = "en") -> str:
    """An inclusive date range with both ends named: "Sat 28 Nov 2026 – Fri 4 Dec 2026"."""
    from app.core.dates import format_date

    if lang == "fa":
        return f"{format_date(start, lang='fa', long=True)} تا {format_date(last, lang='fa', long=True)}"
    return f"{start:%a} {start.day} {start:%b %Y} – {last:%a} {last.day} {last:%b %Y}"
