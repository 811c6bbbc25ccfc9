"""Reference data: the labelled sample site, and loading a real facility list from a file."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core.persian import normalize_for_search
from app.core.reference import load_diagnoses, load_sample_site, reference_id
from app.models import Department, DeviceState, Diagnosis, Facility, Unit, User
from app.security.roles import Action
from app.services.context import Ctx
from app.services.errors import ServiceError
from app.store import Store


def diagnosis_search_text(code: str, label_en: str, label_fa: str) -> str:
    return " ".join((code.lower(), normalize_for_search(code), normalize_for_search(label_en),
                     normalize_for_search(label_fa)))


def seed_reference(store: Store, *, unit_code: str | None = None, sample_staff: bool = True) -> None:
    """Load the SAMPLE site (3 units, 20 facilities, departments, demo staff) and the diagnosis list, once."""
    site = load_sample_site()
    with store.write(None) as session:
        if session.scalar(select(Unit.id).limit(1)) is not None:
            return
        units = {}
        for u in site.units:
            unit = Unit(id=reference_id("unit", u.code), code=u.code, name_en=u.name_en, name_fa=u.name_fa,
                        partner=u.partner, province_en=u.province_en, province_fa=u.province_fa)
            session.add(unit)
            units[u.code] = unit
        session.flush()
        for f in site.facilities:
            session.add(Facility(
                id=reference_id("facility", f.code), code=f.code, name_en=f.name_en, name_fa=f.name_fa,
                unit_id=units[f.unit].id, kind=f.kind,
                province_en=f.province_en, province_fa=f.province_fa, district_en=f.district_en,
                district_fa=f.district_fa, latitude=f.latitude, longitude=f.longitude,
            ))
        for d in site.departments:
            session.add(Department(id=reference_id("department", d.code), code=d.code, name_en=d.name_en,
                                   name_fa=d.name_fa))
        for staff in site.users if sample_staff else ():
            session.add(User(id=reference_id("user", staff.username), username=staff.username,
                             full_name_en=staff.full_name_en, full_name_fa=staff.full_name_fa, role=staff.role,
                             unit_id=units[staff.unit].id if staff.unit else None))
        for dx in load_diagnoses():
            session.add(Diagnosis(id=reference_id("diagnosis", dx.code), code=dx.code, label_en=dx.label_en,
                                  label_fa=dx.label_fa, notifiable=dx.notifiable or None,
                                  search_text=diagnosis_search_text(dx.code, dx.label_en, dx.label_fa)))
        if unit_code:
            session.flush()
            session.execute(update(DeviceState).values(unit_id=units[unit_code].id))
    store.refresh_device()


class FacilityRow(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    code: str = Field(min_length=1, max_length=20)
    name_en: str = Field(min_length=1, max_length=200)
    name_fa: str = Field(min_length=1, max_length=200)
    unit: str = Field(min_length=1)
    kind: Literal["health_post", "health_centre", "hospital"] = "health_post"
    province_en: str = ""
    province_fa: str = ""
    district_en: str = ""
    district_fa: str = ""
    # The programme's area (Iran's eastern provinces and the border): rejects swapped or mistyped coordinates.
    latitude: float | None = Field(default=None, ge=24, le=40)
    longitude: float | None = Field(default=None, ge=44, le=64)


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str


class FacilityFileRejected(ServiceError):
    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"line {p.line}: {p.reason}" for p in problems)
        super().__init__(
            f"The facility list was not loaded ({len(problems)} problem(s)); nothing was changed.\n{lines}",
            f"فهرست مراکز بارگذاری نشد ({len(problems)} مشکل)؛ هیچ تغییری اعمال نشد.\n{lines}",
            code="bad_file",
        )


def _read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise FacilityFileRejected([RowProblem(0, "the file is not UTF-8 text; save it as UTF-8 CSV or JSON")]) from None
    except OSError as err:
        raise FacilityFileRejected([RowProblem(0, f"cannot read the file ({err.strerror})")]) from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise FacilityFileRejected([RowProblem(err.lineno, f"not valid JSON: {err.msg}")]) from None
        items = data.get("facilities") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise FacilityFileRejected([RowProblem(1, 'expected a list of facilities or {"facilities": [...]}')])
        return [(i + 1, item if isinstance(item, dict) else {}) for i, item in enumerate(items)]
    reader = csv.DictReader(io.StringIO(text))
    missing = {"code", "name_en", "name_fa", "unit"} - set(reader.fieldnames or [])
    if missing:
        raise FacilityFileRejected([RowProblem(1, f"the header lacks column(s): {', '.join(sorted(missing))}")])
    return [(reader.line_num, {k: (v if v != "" else None) if k in ("latitude", "longitude") else v
                               for k, v in row.items() if k}) for row in reader]


def _describe(err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        field = ".".join(str(p) for p in e["loc"])
        parts.append(f"{field}: {e['msg'].lower()}")
    return "; ".join(parts)


def load_facilities(ctx: Ctx, path: Path | str) -> int:
    """Load a facility list (CSV with a header, or JSON). All rows are checked first; if any is bad, every bad row
    is reported with its line and nothing changes. Returns how many facilities were added or updated."""
    ctx.require(Action.LOAD_FACILITIES)
    rows = _read_rows(Path(path))
    if not rows:
        raise FacilityFileRejected([RowProblem(1, "the file holds no facilities")])
    with ctx.write() as session:
        units = dict(session.execute(select(Unit.code, Unit.id)).all())
        problems: list[Any] = []
        good: list[Any] = []
        seen: dict[str, int] = {}
        for line, raw in rows:
            try:
                row = FacilityRow.model_validate(raw)
            except ValidationError as err:
                problems.append(RowProblem(line, _describe(err)))
                continue
            if row.unit not in units:
                problems.append(RowProblem(line, f"unit: unknown unit code {row.unit!r} (known: {', '.join(units)})"))
            elif row.code in seen:
                problems.append(RowProblem(line, f"code: {row.code!r} already on line {seen[row.code]}"))
            else:
                good.append(row)
            seen.setdefault(row.code, line)
        if problems:
            raise FacilityFileRejected(problems)
        return _upsert_facilities(session, good, units)


def _upsert_facilities(session: Session, rows: list[FacilityRow], units: dict[str, str]) -> int:
    existing = {f.code: f for f in session.scalars(select(Facility))}
    for row in rows:
        values = row.model_dump(exclude={"unit"}) | {"unit_id": units[row.unit]}
        facility = existing.get(row.code)
        if facility is None:
            session.add(Facility(**values))
        else:
            for key, value in values.items():
                if getattr(facility, key) != value:
                    setattr(facility, key, value)
    return len(rows)


def list_facilities(ctx: Ctx, *, unit_id: str | None = None, kind: str | None = None) -> list[Facility]:
    with ctx.read() as session:
        stmt = select(Facility).where(Facility.deleted.is_(False), Facility.active.is_(True))
        if unit_id:
            stmt = stmt.where(Facility.unit_id == unit_id)
        if kind:
            stmt = stmt.where(Facility.kind == kind)
        return list(session.scalars(stmt.order_by(Facility.code)))


def list_departments(ctx: Ctx) -> list[Department]:
    with ctx.read() as session:
        return list(session.scalars(select(Department).where(Department.deleted.is_(False)).order_by(Department.code)))


def list_users(ctx: Ctx, *, unit_id: str | None = None) -> list[User]:
    with ctx.read() as session:
        stmt = select(User).where(User.deleted.is_(False), User.active.is_(True))
        if unit_id:
            stmt = stmt.where(User.unit_id == unit_id)
        return list(session.scalars(stmt.order_by(User.username)))
