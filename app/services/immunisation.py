"""Immunisation: recording doses (given here, copied from a card, or reported by the caregiver), what a person has
due today, due and defaulter lists by facility, adverse events after immunisation (docs/architecture.md,
"Immunisation"). Campaign tallies are in app.services.campaigns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlalchemy import select

from app.core.immunisation import ChildStatus, GivenDose, Slot, assess, load_schedule
from app.models import AdverseEvent, AuditEntry, Facility, ImmunisationDose, Patient
from app.security.roles import Action
from app.services.context import Ctx, parse
from app.services.errors import FieldError, NotFound, ValidationFailed, field_error
from app.services.validation import check_not_future, clean_text
from app.store.immunisation_due import birth_date

SITES = ("left_arm", "right_arm", "left_thigh", "right_thigh", "oral")


class DoseIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    patient_id: str = Field(min_length=1)
    vaccine: str = Field(min_length=1, max_length=12)
    source: Literal["given", "card", "reported"] = "given"
    given_on: date | None = None
    dose_number: int | None = Field(default=None, ge=0, le=10)
    batch: str = Field(default="", max_length=40)
    expiry: date | None = None
    site: Literal["", "left_arm", "right_arm", "left_thigh", "right_thigh", "oral"] = ""
    given_by_name: str = Field(default="", max_length=100)
    place: Literal["unit", "facility", "abroad"] = "unit"
    facility_id: str | None = None
    country: str = Field(default="", max_length=40)
    campaign_id: str | None = None  # given in a campaign round: its vaccine, days and target ages are checked

    @field_validator("given_on")
    @classmethod
    def _past(cls, v: date | None, info: ValidationInfo) -> date | None:
        return check_not_future(v, (info.context or {}).get("today") or date.today())


def _check_dose(data: DoseIn, patient: Patient | None, today: date) -> list[FieldError]:
    errors = []
    sched = load_schedule()
    if data.vaccine not in sched.vaccines:
        errors.append(field_error("vaccine", "unknown_vaccine"))
    if patient is None or patient.deleted:
        errors.append(field_error("patient_id", "unknown_patient"))
    if data.source in ("given", "card") and data.given_on is None:
        errors.append(field_error("given_on", "date_needed_unless_reported"))
    if data.given_on is not None and patient is not None:
        born = birth_date(patient.date_of_birth, None)
        if born is not None and data.given_on < born:
            errors.append(field_error("given_on", "before_birth"))
    if data.source == "given":
        if not data.batch:
            errors.append(field_error("batch", "batch_required"))
        if data.expiry is None:
            errors.append(field_error("expiry", "expiry_required"))
        elif data.expiry < (data.given_on or today):
            errors.append(field_error("expiry", "vaccine_expired"))
        if not data.site:
            errors.append(field_error("site", "site_required"))
        elif (data.site == "oral") != (data.vaccine in sched.vaccines and sched.vaccines[data.vaccine].route == "oral"):
            errors.append(field_error("site", "site_route"))
    if data.place == "abroad" and not data.country:
        errors.append(field_error("country", "country_required"))
    return errors


def _check_campaign_dose(session: Any, data: DoseIn, patient: Patient) -> list[FieldError]:
    """A dose given in a campaign round: the round's vaccine, on one of its days, to a child of its target ages."""
    from app.models import Campaign
    from app.services.campaigns import age_words, outside_target, target_ages_error

    campaign = session.get(Campaign, data.campaign_id)
    if campaign is None or campaign.deleted:
        return [field_error("campaign_id", "unknown_campaign")]
    if data.vaccine != campaign.vaccine:
        v = load_schedule().vaccines.get(campaign.vaccine)
        return [field_error("campaign_id", "campaign_vaccine", vaccine=v.en if v else campaign.vaccine)]
    day = data.given_on
    if day is None or not campaign.start_date <= day <= campaign.end_date:
        return [field_error("campaign_id", "campaign_not_running")]
    born = birth_date(patient.date_of_birth, patient.birth_year)
    if born is None:
        return []
    months = (day.year - born.year) * 12 + day.month - born.month - (day.day < born.day)
    if outside_target(campaign, months=months):
        return target_ages_error("campaign_id", campaign, age_words(months)).errors
    return []


@dataclass(frozen=True)
class DoseRecorded:
    dose_id: str
    status: ChildStatus | None


def record_dose(ctx: Ctx, data: DoseIn | dict[str, Any]) -> DoseRecorded:
    """One dose on a person's record. Given here: batch, expiry and site are required and the giver is the
    signed-in clinician; from a card or the caregiver's word: where it was given (a country for 'before arrival')."""
    ctx.require(Action.RECORD_IMMUNISATION)
    data = parse(DoseIn, data, ctx)
    with ctx.write() as session:
        patient = session.get(Patient, data.patient_id)
        errors = _check_dose(data, patient, ctx.today())
        facility_id = data.facility_id or (ctx.facility_id if data.place == "unit" else None)
        if facility_id and session.get(Facility, facility_id) is None:
            errors.append(field_error("facility_id", "unknown_facility"))
        if data.campaign_id and patient is not None:
            errors.extend(_check_campaign_dose(session, data, patient))
        if errors:
            raise ValidationFailed(errors)
        assert patient is not None
        given_here = data.source == "given"
        dose = ImmunisationDose(
            patient_id=patient.merged_into_id or patient.id, vaccine=data.vaccine, dose_number=data.dose_number,
            source=data.source, given_on=data.given_on, batch=data.batch, expiry=data.expiry, site=data.site,
            given_by=ctx.user_id if given_here else None, given_by_name=clean_text(data.given_by_name),
            place="unit" if given_here else data.place, unit_id=ctx.unit_id if data.place == "unit" else None,
            facility_id=facility_id if data.place != "abroad" else None,
            country=clean_text(data.country) if data.place == "abroad" else "", campaign_id=data.campaign_id,
        )
        session.add(dose)
        session.flush()
        session.add(AuditEntry(user_id=ctx.user_id, action="created", entity="immunisation_dose", record_id=dose.id))
        dose_id = dose.id
    return DoseRecorded(dose_id, immunisation_status(ctx, data.patient_id).status)


def void_dose(ctx: Ctx, dose_id: str, *, reason: str) -> None:
    """A dose entered in error: kept as a tombstone with the reason (records are never deleted)."""
    ctx.require(Action.RECORD_IMMUNISATION)
    reason = clean_text(reason)
    if not reason:
        raise ValidationFailed([field_error("correction_reason", "missing")])
    with ctx.write() as session:
        dose = session.get(ImmunisationDose, dose_id)
        if dose is None or dose.deleted:
            raise NotFound("dose", "نوبت واکسن", dose_id)
        dose.deleted = True
        dose.correction_reason = reason[:300]
        session.add(AuditEntry(user_id=ctx.user_id, action="voided", entity="immunisation_dose", record_id=dose.id))


@dataclass(frozen=True)
class DoseView:
    """One recorded dose as the chart, the card and the visit read it (the record's own columns, no ORM object:
    the chart's status is read every time a child's chart opens)."""

    id: str
    patient_id: str
    vaccine: str
    dose_number: int | None
    source: str
    given_on: date | None
    batch: str
    expiry: date | None
    site: str
    given_by: str | None
    given_by_name: str
    place: str
    unit_id: str | None
    facility_id: str | None
    country: str
    campaign_id: str | None


@dataclass(frozen=True)
class ImmunisationView:
    patient_id: str
    born: date | None
    birth_estimated: bool
    sex: str
    doses: list[DoseView]
    status: ChildStatus | None  # None when no birth date or year is known
    adverse_events: tuple[int, int] = (0, 0)  # adverse events following immunisation recorded: all, serious


def _given(doses: list[DoseView]) -> list[GivenDose]:
    return [GivenDose(d.vaccine, d.given_on, d.source, d.id) for d in doses]  # type: ignore[arg-type]


# Three short statements on the read connection, as written (no statement building, caching or ORM loading per
# call: that was most of a chart's time, bench/bench_immunisation.py).
_PATIENT_SQL = ("SELECT id, date_of_birth, birth_year, birth_estimated, sex, deleted, merged_into_id FROM patient "
                "WHERE id = ?")
_DOSE_COLUMNS = tuple(DoseView.__dataclass_fields__)
_DOSES_SQL = (f"SELECT {', '.join(_DOSE_COLUMNS)} FROM immunisation_dose WHERE patient_id = ? AND deleted = 0 "
              "ORDER BY given_on IS NULL DESC, given_on")
_EVENTS_SQL = ("SELECT COUNT(*), COALESCE(SUM(CASE WHEN serious THEN 1 ELSE 0 END), 0) FROM adverse_event "
               "WHERE patient_id = ? AND deleted = 0")
_DATES = {i for i, name in enumerate(_DOSE_COLUMNS) if name in ("given_on", "expiry")}


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _dose(row: Any) -> DoseView:
    values: dict[str, Any] = {name: _day(v) if i in _DATES else v for i, (name, v) in enumerate(zip(_DOSE_COLUMNS, row,
                                                                                                  strict=True))}
    return DoseView(**values)


def immunisation_status(ctx: Ctx, patient_id: str) -> ImmunisationView:
    """A person's doses, and what is given, due, overdue and to give today (the chart and the visit)."""
    ctx.require(Action.VIEW_PATIENT)
    with ctx.read() as session:
        conn = session.connection()
        patient = conn.exec_driver_sql(_PATIENT_SQL, (patient_id,)).first()
        if patient is None or patient.deleted:
            raise NotFound("patient", "بیمار", patient_id)
        if patient.merged_into_id:
            patient = conn.exec_driver_sql(_PATIENT_SQL, (patient.merged_into_id,)).first() or patient
        pid = patient.id
        doses = [_dose(r) for r in conn.exec_driver_sql(_DOSES_SQL, (pid,))]
        events = conn.exec_driver_sql(_EVENTS_SQL, (pid,)).one()
    dob = _day(patient.date_of_birth)
    born = birth_date(dob, patient.birth_year)
    estimated = dob is None or bool(patient.birth_estimated)
    status = assess(born, patient.sex, _given(doses), ctx.today()) if born else None
    return ImmunisationView(pid, born, estimated, patient.sex, doses, status, (int(events[0]), int(events[1])))


@lru_cache(maxsize=256)
def _slot(series: str, slot: int) -> Slot:
    return load_schedule().series_by_id(series).slots[slot - 1]


@dataclass(frozen=True)
class DueChild:
    patient_id: str
    code: str
    given_name_fa: str
    given_name_latin: str
    father_name_fa: str
    father_name_latin: str
    born: date
    sex: str
    # (series, slot, vaccine to give, due date) of every dose due by the day asked about, earliest first.
    doses: tuple[tuple[str, int, str, date], ...]
    overdue: bool

    @property
    def earliest_due(self) -> date:
        return self.doses[0][3]


def _due_where(ctx: Ctx, facility_id: str, on: date | None, defaulters_only: bool) -> tuple[date, date, date]:
    day = on or ctx.today()
    grace_cut = ctx.today() - overdue_grace()
    return day, (grace_cut if defaulters_only else day), grace_cut


NOT_SEEN = ""  # facility_id of the children not yet seen at any facility (no visit, no dose given at one)
# The children of a facility, or (NOT_SEEN) this unit's children seen nowhere yet: registered by the unit, never
# visited, vaccinated abroad or only by the caregiver's word. They would otherwise be on no facility's list.
_CHILDREN = ("FROM immunisation_child WHERE facility_id = ? AND next_due <= ? AND last_until > ?")
_NOT_SEEN = ("FROM immunisation_child WHERE facility_id = ? AND next_due <= ? AND last_until > ? AND patient_id IN "
             "(SELECT id FROM patient WHERE registered_unit_id = ?)")


def _children_sql(ctx: Ctx, facility_id: str, args: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    if facility_id == NOT_SEEN:
        return _NOT_SEEN, (*args, ctx.unit_id)
    return _CHILDREN, args


def due_count(ctx: Ctx, *, facility_id: str, on: date | None = None, defaulters_only: bool = False) -> int:
    """How many children the list below holds in all (counted from the due table's index alone)."""
    ctx.require(Action.VIEW_ROSTER)
    day, cut, _ = _due_where(ctx, facility_id, on, defaulters_only)
    sql, args = _children_sql(ctx, facility_id, (facility_id, cut.isoformat(), day.isoformat()))
    with ctx.read() as session:
        return int(session.connection().exec_driver_sql("SELECT COUNT(*) " + sql, args).scalar() or 0)


def due_list(ctx: Ctx, *, facility_id: str, on: date | None = None, defaulters_only: bool = False,
             limit: int = 1000, offset: int = 0) -> list[DueChild]:
    """Children last seen at the facility with a dose due by ``on`` (the unit's next visit there), most overdue
    first, a page at a time (``due_count`` says how many in all). ``defaulters_only``: those whose dose is overdue
    today (due more than the schedule's grace period ago). ``facility_id=NOT_SEEN``: this unit's children seen at
    no facility yet."""
    ctx.require(Action.VIEW_ROSTER)
    day, cut, grace_cut = _due_where(ctx, facility_id, on, defaulters_only)
    args = (facility_id, cut.isoformat(), day.isoformat())
    sql, page_args = _children_sql(ctx, facility_id, args)
    # The page of children from immunisation_child's index (most overdue first), then their rows of the due table,
    # where the names are kept; dates parsed here (SQLAlchemy's per-value processing and a join to the patient table
    # were most of the time on a facility with thousands of children).
    with ctx.read() as session:
        conn = session.connection()
        page = [r[0] for r in conn.exec_driver_sql(
            "SELECT patient_id " + sql + " ORDER BY next_due LIMIT ? OFFSET ?", (*page_args, limit, offset))]
        rows: list[Any] = []
        for i in range(0, len(page), 500):
            chunk = page[i:i + 500]
            # By the primary key (the children of the page), not the facility index, which would scan the facility.
            rows += conn.exec_driver_sql(
                "SELECT patient_id, series, slot, due_date, code, given_name_fa, given_name_latin, father_name_fa, "
                f"father_name_latin, born, sex FROM immunisation_due WHERE patient_id IN "
                f"({', '.join('?' for _ in chunk)}) AND due_date <= ? AND until_date > ? ORDER BY due_date",
                (*chunk, *args[1:])).fetchall()
    by_child: dict[str, list[Any]] = {pid: [] for pid in page}
    for r in rows:
        by_child[r[0]].append(r)
    parse = date.fromisoformat
    out = []
    for pid, rs in by_child.items():
        if not rs:
            continue
        first = rs[0]
        born = parse(first[9])
        doses = tuple((r[1], r[2], _slot(r[1], r[2]).vaccine_at(born, day), parse(r[3])) for r in rs)
        out.append(DueChild(pid, first[4], first[5], first[6], first[7], first[8], born, first[10], doses,
                            doses[0][3] < grace_cut))
    return out


class AdverseEventIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    patient_id: str = Field(min_length=1)
    dose_id: str | None = None
    vaccine: str = Field(min_length=1, max_length=12)
    onset_date: date
    reaction: str = Field(min_length=1, max_length=300)
    serious: bool = False
    outcome: Literal["recovering", "recovered", "sequelae", "died", "unknown"] = "recovering"

    @field_validator("onset_date")
    @classmethod
    def _past(cls, v: date, info: ValidationInfo) -> date:
        return check_not_future(v, (info.context or {}).get("today") or date.today())  # type: ignore[return-value]


def record_adverse_event(ctx: Ctx, data: AdverseEventIn | dict[str, Any]) -> str:
    """An adverse event following immunisation: sent ahead of other records (Iran reports AEFI at once)."""
    ctx.require(Action.RECORD_IMMUNISATION)
    data = parse(AdverseEventIn, data, ctx)
    with ctx.write() as session:
        errors = []
        if session.get(Patient, data.patient_id) is None:
            errors.append(field_error("patient_id", "unknown_patient"))
        if data.vaccine not in load_schedule().vaccines:
            errors.append(field_error("vaccine", "unknown_vaccine"))
        if data.dose_id is not None:
            dose = session.get(ImmunisationDose, data.dose_id)
            if dose is None or dose.patient_id != data.patient_id:
                errors.append(field_error("dose_id", "unknown_dose"))
            elif dose.given_on and data.onset_date < dose.given_on:
                errors.append(field_error("onset_date", "onset_before_dose"))
        if errors:
            raise ValidationFailed(errors)
        event = AdverseEvent(patient_id=data.patient_id, dose_id=data.dose_id, vaccine=data.vaccine,
                             onset_date=data.onset_date, reported_on=ctx.today(), reaction=clean_text(data.reaction),
                             serious=data.serious, outcome=data.outcome, unit_id=ctx.unit_id,
                             facility_id=ctx.facility_id)
        session.add(event)
        session.flush()
        session.add(AuditEntry(user_id=ctx.user_id, action="created", entity="adverse_event", record_id=event.id))
        return event.id


def refresh_due_table(ctx: Ctx) -> int:
    """Bring the local due table to today (app.store.immunisation_due.refresh_expired): on opening and at each
    change of date. Derived local data only, for whoever is signed in; returns how many children moved."""
    from app.store.immunisation_due import refresh_expired

    with ctx.write() as session:
        return refresh_expired(session.connection(), ctx.today())


def adverse_events(ctx: Ctx, patient_id: str) -> list[AdverseEvent]:
    """A person's recorded adverse events following immunisation, newest first."""
    ctx.require(Action.VIEW_PATIENT)
    with ctx.read() as session:
        return list(session.scalars(select(AdverseEvent).where(
            AdverseEvent.patient_id == patient_id, AdverseEvent.deleted.is_(False))
            .order_by(AdverseEvent.onset_date.desc())))


def overdue_grace() -> timedelta:
    base = date(2000, 1, 1)
    return load_schedule().overdue_after.after(base) - base
