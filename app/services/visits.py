"""Recording a visit: vitals, diagnoses, treatment; notifiable diagnoses open a surveillance case at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlalchemy import select

from app.core.birth import may_be_pregnant
from app.models import AuditEntry, DeviceState, Diagnosis, Facility, Patient, Visit, VisitDiagnosis
from app.security.roles import Action
from app.services.cases import CaseWanted, open_case, reconcile_cases, wanted_cases
from app.services.context import Ctx, parse
from app.services.diseases import active_registry, age_at
from app.services.errors import FieldError, NotFound, ValidationFailed, field_error
from app.services.validation import check_not_future, check_not_future_time, clean_text

ONSET_LOOKBACK_DAYS = 365


class DiagnosisIn(BaseModel):
    code: str = Field(min_length=1, max_length=10)
    certainty: Literal["suspected", "confirmed"] = "suspected"
    onset_date: date | None = None

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        return v.strip().upper()

    @field_validator("onset_date")
    @classmethod
    def _onset(cls, v: date | None, info: ValidationInfo) -> date | None:
        return check_not_future(v, (info.context or {}).get("today") or date.today())


class MedicineIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    dose: str = Field(default="", max_length=120)
    quantity: str = Field(default="", max_length=40)
    time: str = Field(default="", pattern=r"^([01]?\d|2[0-3]):[0-5]\d$|^$")  # when it was given, HH:MM


def _medicine(m: MedicineIn) -> dict[str, Any]:
    """Stored as typed; the time it was given only when there is one (older records have no such key)."""
    out = m.model_dump()
    if not out.get("time"):
        out.pop("time", None)
    return out


class VisitIn(BaseModel):
    """Plausible ranges reject typing slips (37.5 typed as 375), not unusual patients."""

    model_config = ConfigDict(str_strip_whitespace=True)

    patient_id: str = Field(min_length=1)
    facility_id: str | None = None
    visit_at: datetime | None = None
    visit_type: Literal["new", "follow_up"] = "new"
    complaint: str = Field(min_length=1, max_length=2000)
    findings: str = Field(default="", max_length=4000)
    temperature_c: float | None = Field(default=None, ge=30, le=45)
    systolic: int | None = Field(default=None, ge=50, le=260)
    diastolic: int | None = Field(default=None, ge=20, le=160)
    pulse: int | None = Field(default=None, ge=20, le=250)
    resp_rate: int | None = Field(default=None, ge=5, le=80)
    spo2: int | None = Field(default=None, ge=50, le=100)
    weight_kg: float | None = Field(default=None, ge=0.3, le=250)
    height_cm: float | None = Field(default=None, ge=30, le=230)
    muac_mm: int | None = Field(default=None, ge=60, le=400)
    pregnant: bool | None = None
    pregnancy_weeks: int | None = Field(default=None, ge=1, le=45)
    # When the illness began (defaults to the visit day): a case counts in the epi week of its onset.
    onset_date: date | None = None
    diagnoses: list[DiagnosisIn] = Field(default_factory=list)
    treatment: str = Field(default="", max_length=4000)
    medicines: list[MedicineIn] = Field(default_factory=list)
    follow_up_date: date | None = None
    # The patient's known allergies as the form shows them (kept on the patient); None leaves them as they are.
    allergies: str | None = Field(default=None, max_length=500)
    # Vitals the clinician confirmed as unusual but true (app/services/vital_ranges.py); others unusual are asked.
    unusual_vitals: list[str] = Field(default_factory=list)

    @field_validator("unusual_vitals")
    @classmethod
    def _known_vitals(cls, v: list[str]) -> list[str]:
        from app.services.vital_ranges import USUAL

        return [name for name in dict.fromkeys(v) if name in USUAL]

    @field_validator("visit_at")
    @classmethod
    def _when(cls, v: datetime | None, info: ValidationInfo) -> datetime | None:
        if v is None:
            return None
        return check_not_future_time(v, (info.context or {})["now"])

    @field_validator("onset_date")
    @classmethod
    def _visit_onset(cls, v: date | None, info: ValidationInfo) -> date | None:
        return check_not_future(v, (info.context or {}).get("today") or date.today())

    @field_validator("complaint", "findings", "treatment")
    @classmethod
    def _text(cls, v: str) -> str:
        return v.strip()


@dataclass(frozen=True)
class NotifiableNotice:
    disease: str
    code: str
    immediate: bool
    isolation: bool = False


@dataclass(frozen=True)
class VisitRecorded:
    visit_id: str
    notifiable: list[NotifiableNotice]

    @property
    def urgent(self) -> bool:
        return bool(self.notifiable)


def _cross_check(data: VisitIn, patient: Patient, visit_day: date, known: dict[str, str | None]) -> list[FieldError]:
    errors = []
    if data.systolic is not None and data.diastolic is not None and data.diastolic >= data.systolic:
        errors.append(field_error("diastolic", "diastolic_above_systolic"))
    if data.pregnant and patient.sex != "female":
        errors.append(field_error("pregnant", "pregnancy_male"))
    elif data.pregnant and not may_be_pregnant(patient.sex, date_of_birth=patient.date_of_birth,
                                               birth_year=patient.birth_year, on=visit_day):
        errors.append(field_error("pregnant", "pregnancy_age"))  # the form does not ask (app.core.birth)
    if data.pregnancy_weeks is not None and not data.pregnant:
        errors.append(field_error("pregnancy_weeks", "weeks_without_pregnancy"))
    if data.follow_up_date is not None and data.follow_up_date <= visit_day:
        errors.append(field_error("follow_up_date", "follow_up_before_visit"))
    for path, onset in [("onset_date", data.onset_date)] + [
            (f"diagnoses.{i}.onset_date", d.onset_date) for i, d in enumerate(data.diagnoses)]:
        if onset is not None and onset > visit_day:
            errors.append(field_error(path, "onset_after_visit"))
        elif onset is not None and (visit_day - onset).days > ONSET_LOOKBACK_DAYS:
            errors.append(field_error(path, "onset_too_early"))
    seen: set[str] = set()
    for i, d in enumerate(data.diagnoses):
        if d.code not in known:
            errors.append(field_error(f"diagnoses.{i}.code", "unknown_diagnosis", code=d.code))
        if d.code in seen:
            errors.append(field_error(f"diagnoses.{i}.code", "duplicate_diagnosis", code=d.code))
        seen.add(d.code)
    return errors


def record_visit(ctx: Ctx, data: VisitIn | dict[str, Any]) -> VisitRecorded:
    ctx.require(Action.RECORD_VISIT)
    data = parse(VisitIn, data, ctx)
    visit_at = data.visit_at or ctx.now()
    visit_day = visit_at.astimezone().date()
    facility_id = data.facility_id or ctx.facility_id
    with ctx.write() as session:
        patient = session.get(Patient, data.patient_id)
        if patient is None or patient.deleted:
            raise ValidationFailed([field_error("patient_id", "unknown_patient")])
        if patient.merged_into_id:
            patient = session.get(Patient, patient.merged_into_id) or patient
        if facility_id is not None and session.get(Facility, facility_id) is None:
            raise ValidationFailed([field_error("facility_id", "unknown_facility")])
        codes = [d.code for d in data.diagnoses]
        known = dict(session.execute(select(Diagnosis.code, Diagnosis.notifiable).where(Diagnosis.code.in_(codes))).all())
        errors = _cross_check(data, patient, visit_day, known)
        if errors:
            raise ValidationFailed(errors)
        unusual = _confirmed_unusual(data, data.unusual_vitals)
        _update_allergies(session, ctx, patient, data.allergies)
        device = session.get(DeviceState, 1)
        unit_id = ctx.unit_id or (device.unit_id if device else None)
        registry = active_registry(session)
        wanted = _wanted(registry, data, visit_day, age_at(patient, visit_day))
        notices = [NotifiableNotice(w.disease.key, w.code, w.disease.immediate, w.disease.isolation)
                   for w in wanted.values()]
        visit = Visit(
            patient_id=patient.id, unit_id=unit_id, facility_id=facility_id, clinician_id=ctx.user_id,
            visit_at=visit_at, visit_date=visit_day, visit_type=data.visit_type, complaint=data.complaint,
            findings=data.findings, temperature_c=data.temperature_c, systolic=data.systolic,
            diastolic=data.diastolic, pulse=data.pulse, resp_rate=data.resp_rate, spo2=data.spo2,
            weight_kg=data.weight_kg, height_cm=data.height_cm, muac_mm=data.muac_mm, pregnant=data.pregnant,
            pregnancy_weeks=data.pregnancy_weeks if data.pregnant else None, treatment=data.treatment, medicines=[_medicine(m) for m in data.medicines],
            follow_up_date=data.follow_up_date, urgent=bool(notices), unusual_vitals=unusual or None,
        )
        session.add(visit)
        session.flush()
        for position, d in enumerate(data.diagnoses):
            session.add(VisitDiagnosis(visit_id=visit.id, code=d.code, certainty=d.certainty, position=position))
        for want in wanted.values():
            open_case(session, ctx, visit, want, registry)
        session.add(AuditEntry(user_id=ctx.user_id, action="created", entity="visit", record_id=visit.id,
                               detail={"patient_id": patient.id}))
        return VisitRecorded(visit.id, notices)


def _update_allergies(session: Any, ctx: Ctx, patient: Patient, allergies: str | None) -> None:
    """Allergies typed on the visit form belong to the patient: changed in the visit's own transaction, audited."""
    if allergies is None or allergies.strip() == (patient.allergies or "").strip():
        return
    patient.allergies = allergies.strip()
    session.add(AuditEntry(user_id=ctx.user_id, action="changed", entity="patient", record_id=patient.id,
                           detail={"fields": ["allergies"], "from": "visit"}))


def _confirmed_unusual(data: VisitIn, confirmed: Any) -> list[str]:
    """The unusual vitals of the input, all confirmed; else UnusualVitals naming those still to confirm."""
    from app.services.vital_ranges import UnusualVitals, unusual_fields

    unusual = unusual_fields(data)
    missing = [name for name in unusual if name not in set(confirmed)]
    if missing:
        raise UnusualVitals(missing)
    return unusual


def _wanted(registry: Any, data: VisitIn, visit_day: date, age: int | None) -> dict[str, CaseWanted]:
    onset = data.onset_date or visit_day
    return wanted_cases(registry, [(d.code, d.certainty, d.onset_date or onset) for d in data.diagnoses], age)


def correct_visit(ctx: Ctx, visit_id: str, changes: dict[str, Any], *, reason: str) -> list[dict[str, Any]]:
    """A correction is a new version of the visit, by the device that owns it, with the reason kept. Corrected
    diagnoses move the visit's surveillance cases to the new code, discard those of a disease no longer diagnosed
    and open new ones (``app.services.cases``). Returns the case changes."""
    ctx.require(Action.RECORD_VISIT)
    if not clean_text(reason):
        raise ValidationFailed([field_error("reason", "missing")])
    with ctx.write() as session:
        visit = session.get(Visit, visit_id)
        if visit is None or visit.deleted:
            raise NotFound("visit", "مراجعه", visit_id)
        patient = session.get(Patient, visit.patient_id)
        if patient is None:
            raise NotFound("patient", "بیمار", visit.patient_id)
        live = [d for d in visit.diagnoses if not d.deleted]
        current = {name: getattr(visit, name) for name in VisitIn.model_fields if hasattr(visit, name)
                   and name != "diagnoses"}
        current["onset_date"] = _current_onset(session, visit)
        current["unusual_vitals"] = list(visit.unusual_vitals or [])
        current["diagnoses"] = [{"code": d.code, "certainty": d.certainty} for d in live]
        current.update(changes)
        if "visit_at" not in changes:
            current["visit_at"] = None
        data = parse(VisitIn, current, ctx)
        errors = []
        if "diagnoses" in changes or "onset_date" in changes:
            codes = [d.code for d in data.diagnoses]
            known = dict(session.execute(select(Diagnosis.code, Diagnosis.notifiable)
                                         .where(Diagnosis.code.in_(codes))).all())
            errors = _cross_check(data, patient, visit.visit_date, known)
        if errors:
            raise ValidationFailed(errors)
        from app.services.vital_ranges import USUAL

        if set(changes) & set(USUAL):  # a changed reading is confirmed again; an unchanged one stays confirmed
            kept = [name for name in (visit.unusual_vitals or []) if name not in changes]
            visit.unusual_vitals = _confirmed_unusual(data, [*kept, *(changes.get("unusual_vitals") or [])]) or None
        if "allergies" in changes:
            _update_allergies(session, ctx, patient, data.allergies)
        fields = set(changes) - {"diagnoses", "onset_date", "unusual_vitals", "allergies"}
        for name in fields:
            setattr(visit, name, getattr(data, name) if name != "medicines" else [_medicine(m) for m in data.medicines])
        why = clean_text(reason)
        visit.correction_reason = why
        case_changes: list[dict[str, Any]] = []
        if "diagnoses" in changes:
            _replace_diagnoses(session, visit, live, data)
        if "diagnoses" in changes or "onset_date" in changes:
            registry = active_registry(session)
            wanted = _wanted(registry, data, visit.visit_date, age_at(patient, visit.visit_date))
            case_changes = reconcile_cases(session, ctx, visit, wanted, registry, why=why)
            visit.urgent = bool(wanted)
        session.add(AuditEntry(user_id=ctx.user_id, action="changed", entity="visit", record_id=visit.id,
                               detail={"fields": sorted(changes), "reason": why, "cases": case_changes}))
        return case_changes


@dataclass(frozen=True)
class SavedVisit:
    """A stored visit as the form shows it again: every field, the diagnoses with their labels, the onset."""

    visit_id: str
    patient_id: str
    visit_date: date
    fields: dict[str, Any]
    diagnoses: list[dict[str, Any]]
    onset_date: date | None
    correction_reason: str
    version: int


def open_visit(ctx: Ctx, visit_id: str) -> SavedVisit:
    """Read a saved visit back, exactly as stored (the form shows this, read-only until amended)."""
    ctx.require(Action.VIEW_PATIENT)
    with ctx.read() as session:
        visit = session.get(Visit, visit_id)
        if visit is None or visit.deleted:
            raise NotFound("visit", "مراجعه", visit_id)
        names = [n for n in VisitIn.model_fields if n not in ("diagnoses", "onset_date", "patient_id", "visit_at",
                                                               "facility_id", "allergies")]
        fields = {n: getattr(visit, n) for n in names}
        fields["unusual_vitals"] = list(visit.unusual_vitals or [])
        patient = session.get(Patient, visit.patient_id)
        fields["allergies"] = patient.allergies if patient is not None else ""
        fields["medicines"] = [dict(m) for m in (visit.medicines or [])]
        live = [d for d in visit.diagnoses if not d.deleted]
        labels = {d.code: d for d in session.scalars(select(Diagnosis).where(
            Diagnosis.code.in_([d.code for d in live])))}
        diagnoses = [{"code": d.code, "certainty": d.certainty,
                      "label_en": labels[d.code].label_en if d.code in labels else "",
                      "label_fa": labels[d.code].label_fa if d.code in labels else "",
                      "notifiable": labels[d.code].notifiable if d.code in labels else None} for d in live]
        return SavedVisit(visit.id, visit.patient_id, visit.visit_date, fields, diagnoses,
                          _current_onset(session, visit), visit.correction_reason or "", visit.version)


def _current_onset(session: Any, visit: Visit) -> date | None:
    from app.models import SurveillanceCase

    return session.scalar(select(SurveillanceCase.onset_date).where(
        SurveillanceCase.visit_id == visit.id, SurveillanceCase.deleted.is_(False)).limit(1))


def _replace_diagnoses(session: Any, visit: Visit, live: list[VisitDiagnosis], data: VisitIn) -> None:
    """Rows of codes no longer given are tombstoned (history stays); kept codes are updated; new ones added."""
    by_code = {d.code: d for d in live}
    wanted = {d.code for d in data.diagnoses}
    for code, row in by_code.items():
        if code not in wanted:
            row.deleted = True
    for position, d in enumerate(data.diagnoses):
        kept = by_code.get(d.code)
        if kept is None:
            session.add(VisitDiagnosis(visit_id=visit.id, code=d.code, certainty=d.certainty, position=position))
        elif (kept.certainty, kept.position) != (d.certainty, position):
            kept.certainty, kept.position = d.certainty, position


def search_diagnoses(ctx: Ctx, text: str, *, limit: int = 30) -> list[Diagnosis]:
    """ICD-10 by code prefix, or by words of the English or Persian label."""
    from app.core.persian import normalize_for_search

    words = normalize_for_search(text).split()
    with ctx.read() as session:
        stmt = select(Diagnosis).where(Diagnosis.deleted.is_(False))
        for w in words:
            stmt = stmt.where(Diagnosis.search_text.contains(w))
        return list(session.scalars(stmt.order_by(Diagnosis.code).limit(limit)))
