"""A coordinator's day: who is on duty where, and which patients are planned or due for follow-up."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from app.core.dates import age_band
from app.models import (
    Facility,
    Patient,
    Referral,
    RosterDay,
    RosterPatient,
    RosterStaff,
    SurveillanceCase,
    Unit,
    User,
    Visit,
)
from app.security.roles import Action
from app.services.context import Ctx, parse
from app.services.errors import ValidationFailed, field_error
from app.services.patient_search import PatientRow, load_rows


class StaffDutyIn(BaseModel):
    user_id: str = Field(min_length=1)
    duty: str = Field(default="", max_length=40)


class RosterPatientIn(BaseModel):
    patient_id: str = Field(min_length=1)
    reason: str = Field(default="", max_length=200)


class RosterIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    facility_id: str = Field(min_length=1)
    day: date
    staff: list[StaffDutyIn] = Field(min_length=1)
    patients: list[RosterPatientIn] = Field(default_factory=list)
    site_note: str = Field(default="", max_length=300)


@dataclass(frozen=True)
class RosterLine:
    patient: PatientRow
    reason: str
    source: str  # "planned" or "follow_up"


@dataclass
class RosterView:
    roster_id: str | None
    day: date
    unit: Unit | None
    facility: Facility
    staff: list[tuple[User, str]] = field(default_factory=list)
    lines: list[RosterLine] = field(default_factory=list)
    site_note: str = ""


def plan_roster(ctx: Ctx, data: RosterIn | dict[str, Any]) -> str:
    """Create or replace the plan of one unit at one facility on one day."""
    ctx.require(Action.PLAN_ROSTER)
    data = parse(RosterIn, data, ctx)
    if data.day < ctx.today() - timedelta(days=7):
        raise ValidationFailed([field_error("day", "value_error", detail="is more than a week in the past")])
    with ctx.write() as session:
        facility = session.get(Facility, data.facility_id)
        if facility is None:
            raise ValidationFailed([field_error("facility_id", "unknown_facility")])
        unit_id = ctx.unit_id or facility.unit_id
        errors = []
        users = set(session.scalars(select(User.id).where(User.id.in_([s.user_id for s in data.staff]))))
        errors += [field_error(f"staff.{i}", "unknown_user") for i, s in enumerate(data.staff) if s.user_id not in users]
        pids = [p.patient_id for p in data.patients]
        known = set(session.scalars(select(Patient.id).where(Patient.id.in_(pids))))
        errors += [field_error(f"patients.{i}", "unknown_patient") for i, pid in enumerate(pids) if pid not in known]
        if errors:
            raise ValidationFailed(errors)
        roster = session.scalars(select(RosterDay).where(
            RosterDay.unit_id == unit_id, RosterDay.facility_id == facility.id, RosterDay.day == data.day,
            RosterDay.deleted.is_(False))).first()
        if roster is None:
            roster = RosterDay(unit_id=unit_id, facility_id=facility.id, day=data.day)
            session.add(roster)
            session.flush()
        else:
            for old in (*roster.staff, *roster.patients):
                old.deleted = True  # tombstones travel; the new lists replace the old ones
        roster.site_note = data.site_note
        for s in data.staff:
            session.add(RosterStaff(roster_id=roster.id, user_id=s.user_id, duty=s.duty))
        for position, p in enumerate(data.patients):
            session.add(RosterPatient(roster_id=roster.id, patient_id=p.patient_id, reason=p.reason, position=position))
        return roster.id


def follow_ups_due(session: Any, day: date, facility_id: str) -> list[tuple[str, str]]:
    stmt = select(Visit.patient_id, Visit.complaint).where(
        Visit.follow_up_date == day, Visit.facility_id == facility_id, Visit.deleted.is_(False)
    ).order_by(Visit.visit_at)
    return [(pid, complaint) for pid, complaint in session.execute(stmt)]


def roster_for_day(ctx: Ctx, day: date, facility_id: str) -> RosterView:
    """The plan, plus every patient whose follow-up falls on that day there and who was not planned already."""
    ctx.require(Action.VIEW_ROSTER)
    with ctx.read() as session:
        facility = session.get(Facility, facility_id)
        if facility is None:
            raise ValidationFailed([field_error("facility_id", "unknown_facility")])
        roster = session.scalars(select(RosterDay).where(
            RosterDay.facility_id == facility_id, RosterDay.day == day, RosterDay.deleted.is_(False))).first()
        view = RosterView(roster.id if roster else None, day, session.get(Unit, facility.unit_id) if facility.unit_id
                          else None, facility, site_note=roster.site_note if roster else "")
        wanted: list[tuple[str, str, str]] = []
        if roster is not None:
            for s in roster.staff:
                if not s.deleted:
                    user = session.get(User, s.user_id)
                    if user is not None:
                        view.staff.append((user, s.duty))
            wanted += [(p.patient_id, p.reason, "planned") for p in roster.patients if not p.deleted]
        planned = {pid for pid, _, _ in wanted}
        for pid, complaint in follow_ups_due(session, day, facility_id):
            if pid not in planned:
                planned.add(pid)
                wanted.append((pid, complaint, "follow_up"))
        rows = {r.id: r for r in load_rows(session, [w[0] for w in wanted], ctx.lang)}
        view.lines = [RosterLine(rows[pid], reason, source) for pid, reason, source in wanted if pid in rows]
        return view


@dataclass
class DaySummary:
    day: date
    visits: int
    new_patients: int
    by_sex_band: dict[tuple[str, str], int]
    referrals: int
    notifiable: list[tuple[str, str, bool]]  # (disease, classification, immediate)


def day_summary(ctx: Ctx, day: date, facility_id: str | None = None) -> DaySummary:
    ctx.require(Action.VIEW_ROSTER)
    with ctx.read() as session:
        where = [Visit.visit_date == day, Visit.deleted.is_(False)]
        if facility_id:
            where.append(Visit.facility_id == facility_id)
        rows = session.execute(
            select(Patient.sex, Patient.birth_year, Visit.visit_type).join(Patient, Patient.id == Visit.patient_id)
            .where(*where)).all()
        bands: Counter[tuple[str, str]] = Counter((sex, age_band(day.year - year)) for sex, year, _ in rows)
        referrals = session.scalar(select(func.count()).select_from(Referral).join(Visit, Visit.id == Referral.visit_id)
                                   .where(*where)) or 0
        case_where = [SurveillanceCase.reported_date == day, SurveillanceCase.deleted.is_(False)]
        if facility_id:
            case_where.append(SurveillanceCase.facility_id == facility_id)
        cases = session.execute(select(SurveillanceCase.disease, SurveillanceCase.classification,
                                       SurveillanceCase.immediate).where(*case_where)).all()
        return DaySummary(day, len(rows), sum(1 for r in rows if r.visit_type == "new"), dict(bands), referrals,
                          [tuple(c) for c in cases])  # type: ignore[misc]
