"""The record tables as SQLAlchemy Core objects, and small shared queries.

Headquarters reads the central database through the central schema itself (``app.server.models.RECORDS``, made
from the synced-entity registry), so one set of Core statements runs on the server's SQLite file and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, case, extract, false, func, or_, select

from app.server.models import RECORDS

T: dict[str, Table] = RECORDS
visit = T["visit"]
patient = T["patient"]
diagnosis_row = T["visit_diagnosis"]
referral = T["referral"]
case_t = T["surveillance_case"]
facility = T["facility"]
unit = T["unit"]
enrolment = T["enrolment"]
enrolment_member = T["enrolment_member"]
household = T["household"]
identity_document = T["identity_document"]
user_account = T["user_account"]


def live(table: Table) -> ColumnElement[bool]:
    """Tombstoned rows (``deleted``) are history, not data. NULL counts as live: a row is never lost to a default."""
    return or_(table.c.deleted == false(), table.c.deleted.is_(None))


def age_expr(on: Any, dob: Any, birth_year: Any) -> ColumnElement[int]:
    """Completed years at ``on``: exact from the date of birth when known, else from the birth year (estimated ages,
    most Afghan patients). ``extract`` compiles to strftime on SQLite and EXTRACT on PostgreSQL."""
    on_md = extract("month", on) * 100 + extract("day", on)
    dob_md = extract("month", dob) * 100 + extract("day", dob)
    exact = extract("year", on) - extract("year", dob) - case((on_md < dob_md, 1), else_=0)
    return case((dob.is_not(None), exact), else_=extract("year", on) - birth_year)


def age_band_expr(age: ColumnElement[int]) -> ColumnElement[str]:
    """docs/architecture.md ("Domain facts") reporting bands, the same cut points as ``app.core.dates.age_band``; unknown when no patient row."""
    return case(
        (age.is_(None), "unknown"), (age < 5, "<5"), (age < 18, "5-17"), (age < 60, "18-59"), else_="60+"
    )


@dataclass(frozen=True)
class FacilityInfo:
    id: str
    code: str
    name_en: str
    name_fa: str
    unit_id: str | None
    unit_code: str
    district_en: str
    kind: str

    @property
    def label(self) -> str:
        return self.name_en or self.name_fa or self.code


def facilities(conn: Connection) -> dict[str, FacilityInfo]:
    """All facilities (few dozen rows) keyed by id, ordered by code."""
    units = dict(conn.execute(select(unit.c.id, unit.c.code)).all())
    rows = conn.execute(select(facility).where(live(facility)).order_by(facility.c.code)).mappings()
    return {
        r["id"]: FacilityInfo(r["id"], r["code"], r["name_en"] or "", r["name_fa"] or "", r["unit_id"],
                              units.get(r["unit_id"], ""), r["district_en"] or "", r["kind"] or "")
        for r in rows
    }


def units(conn: Connection) -> dict[str, dict[str, str]]:
    rows = conn.execute(select(unit.c.id, unit.c.code, unit.c.name_en, unit.c.name_fa).order_by(unit.c.code))
    return {r.id: {"code": r.code, "name_en": r.name_en, "name_fa": r.name_fa} for r in rows}


def in_range(col: Any, start: Any, end: Any) -> ColumnElement[bool]:
    return and_(col >= start, col < end)


def epi_date(table: Table = case_t) -> ColumnElement[Any]:
    """A case's epidemiological date: onset when known, else the date it was reported."""
    return func.coalesce(table.c.onset_date, table.c.reported_date)


def as_datetime(value: Any) -> datetime:
    """A date-time column's value as aware UTC whatever the driver returned (text through raw SQLite expressions)."""
    from datetime import timezone

    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.fromisoformat(str(value)).replace(tzinfo=timezone.utc)


def as_date(value: Any) -> date:
    """A DATE column's value as ``date`` whatever the driver returned (SQLite gives text through raw expressions)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
