"""Registering, correcting and merging patients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from app.models import AuditEntry, DeviceState, Household, IdentityDocument, Patient, new_id
from app.models.registry import patient_pointers
from app.security.roles import Action
from app.services.context import Ctx, parse
from app.services.duplicates import find_duplicates
from app.services.errors import DuplicateSuspected, FieldError, NotFound, ValidationFailed, field_error
from app.services.household_rules import second_head
from app.services.patient_inputs import NAME_FIELDS, DocumentIn, PatientChanges, PatientFields, PatientIn
from app.store.numbering import next_code
from app.store.search_index import patient_key_columns


@dataclass(frozen=True)
class Registered:
    patient_id: str
    code: str
    household_id: str | None


def _cross_check(data: PatientFields, today: date, unknown: frozenset[str] = frozenset()) -> list[FieldError]:
    """The rules across fields. A rule that reads a field in ``unknown`` (one that failed its own check, so its
    value here is a stand-in) is skipped: it would only repeat that field's error, or be wrong."""
    errors = []

    def known(*names: str) -> bool:
        return not unknown.intersection(names)

    if known("given_name_fa", "given_name_latin") and not (data.given_name_fa or data.given_name_latin):
        errors.append(field_error("given_name", "need_one_script"))
    if known("father_name_fa", "father_name_latin") and not (data.father_name_fa or data.father_name_latin):
        # Many Afghans have no family name: the father's name is the main second identifier (docs/architecture.md, "Domain facts").
        errors.append(field_error("father_name", "need_one_script"))
    if known("date_of_birth", "birth_year"):
        if data.date_of_birth is None and data.birth_year is None:
            errors.append(field_error("birth_year", "dob_or_year"))
        if data.date_of_birth and data.birth_year and data.birth_year != data.date_of_birth.year:
            errors.append(field_error("birth_year", "dob_year_mismatch"))
        year = data.date_of_birth.year if data.date_of_birth else data.birth_year
        if year is not None and year > today.year:
            errors.append(field_error("birth_year", "future"))
        elif year is not None and today.year - year > 120:
            errors.append(field_error("birth_year", "implausible_age"))
    if known("date_of_birth", "consent_date") and data.date_of_birth and data.consent_date < data.date_of_birth:
        errors.append(field_error("consent_date", "before_birth"))
    if known("nationality", "legal_status") and (
            (data.nationality == "iranian") != (data.legal_status == "iranian_national")):
        errors.append(field_error("legal_status", "status_nationality"))
    return errors


# Valid stand-ins for required fields that failed their own check, so the rules across the other fields can still
# run; every rule that reads one of them is skipped (_cross_check's ``unknown``).
_STAND_INS: dict[str, Any] = {"sex": "female", "nationality": "unknown", "legal_status": "undocumented"}


def _checked(ctx: Ctx, data: PatientIn | dict[str, Any]) -> tuple[PatientIn | None, list[FieldError]]:
    """The registration parsed, and every problem of it at once: each field's own check and the rules across
    fields together (a missing sex no longer hides a missing name until the sex is fixed; issue 14)."""
    try:
        parsed = parse(PatientIn, data, ctx)
    except ValidationFailed as failed:
        raw = data.model_dump() if isinstance(data, PatientIn) else dict(data)
        unknown = frozenset(e.field.split(".")[0] for e in failed.errors)
        kept = {k: v for k, v in raw.items() if k in PatientFields.model_fields and k not in unknown}
        stand_ins = {**_STAND_INS, "consent_date": ctx.today()}
        kept.update({k: v for k, v in stand_ins.items() if k in unknown})
        try:
            partial = parse(PatientFields, kept, ctx)
        except ValidationFailed:
            return None, failed.errors  # nothing more can be said until those are fixed
        return None, failed.errors + _cross_check(partial, ctx.today(), unknown)
    errors = _cross_check(parsed, ctx.today())
    if parsed.household_id and parsed.new_household:
        errors.append(field_error("household_id", "value_error", detail="choose an existing household or a new one"))
    return parsed, errors


def registration_problems(ctx: Ctx, data: PatientIn | dict[str, Any]) -> list[FieldError]:
    """What register_patient would refuse in this registration before looking at the database (nothing is
    saved): a form with problems of its own reports them with these in the same save attempt."""
    ctx.require(Action.REGISTER_PATIENT)
    return _checked(ctx, data)[1]


def _apply_fields(patient: Patient, data: PatientFields) -> None:
    for name in (*NAME_FIELDS, "sex", "date_of_birth", "birth_estimated", "nationality", "legal_status", "phone",
                 "consent_date", "relationship_to_head", "notes", "allergies"):
        setattr(patient, name, getattr(data, name))
    patient.birth_year = data.date_of_birth.year if data.date_of_birth else int(data.birth_year or 0)
    for column, key in patient_key_columns({f: getattr(data, f) for f in NAME_FIELDS}).items():
        setattr(patient, column, key)


def new_document(patient_id: str, doc: DocumentIn) -> IdentityDocument:
    from app.services.validation import document_number_key

    return IdentityDocument(
        patient_id=patient_id, doc_type=doc.doc_type, number=doc.number, number_key=document_number_key(doc.number),
        issue_date=doc.issue_date, expiry_date=doc.expiry_date, amayesh_cycle=doc.amayesh_cycle,
        tazkira_form=doc.tazkira_form,
    )


def register_patient(ctx: Ctx, data: PatientIn | dict[str, Any], *, override_reason: str = "") -> Registered:
    """Register a person. Likely duplicates stop the registration (DuplicateSuspected with the candidates) unless
    the clinician gives a reason to register anyway; that reason is kept in the audit trail."""
    ctx.require(Action.REGISTER_PATIENT)
    parsed, errors = _checked(ctx, data)
    if parsed is None or errors:
        raise ValidationFailed(errors)
    data = parsed
    with ctx.write() as session:
        if data.household_id and session.get(Household, data.household_id) is None:
            raise ValidationFailed([field_error("household_id", "value_error", detail="unknown household")])
        errors = second_head(session, data.household_id, data.relationship_to_head)
        if errors:
            raise ValidationFailed(errors)
        candidates = find_duplicates(session, data, lang=ctx.lang)
        if candidates and not override_reason.strip():
            raise DuplicateSuspected(candidates)
        device = session.get(DeviceState, 1)
        assert device is not None
        patient = Patient(id=new_id(), code=next_code(session, "next_patient_number"))
        _apply_fields(patient, data)
        patient.registered_unit_id = ctx.unit_id or device.unit_id
        patient.household_id = data.household_id
        if data.new_household:
            # Made before the first flush so the patient is written once, already pointing at its household.
            household = Household(
                id=new_id(), code=next_code(session, "next_household_number", suffix="H"),
                head_patient_id=patient.id, phone=data.phone, unit_id=patient.registered_unit_id,
            )
            session.add(household)
            patient.household_id = household.id
            patient.relationship_to_head = "head"
        session.add(patient)
        session.flush()
        for doc in data.documents:
            session.add(new_document(patient.id, doc))
        detail: dict[str, Any] = {}
        if candidates:
            detail = {"duplicate_override": override_reason.strip(), "candidates": [c.patient_id for c in candidates]}
        session.add(AuditEntry(user_id=ctx.user_id, action="created", entity="patient", record_id=patient.id,
                               detail=detail))
        return Registered(patient.id, patient.code, patient.household_id)


def update_patient(ctx: Ctx, patient_id: str, changes: PatientChanges | dict[str, Any]) -> None:
    ctx.require(Action.UPDATE_PATIENT)
    changes = parse(PatientChanges, changes, ctx)
    given = changes.model_dump(exclude_unset=True, exclude_none=True)
    with ctx.write() as session:
        patient = session.get(Patient, patient_id)
        if patient is None or patient.deleted:
            raise NotFound("patient", "بیمار", patient_id)
        current = {name: getattr(patient, name) for name in PatientFields.model_fields}
        current.update(given)
        if "date_of_birth" in given and "birth_year" not in given:
            current["birth_year"] = None
        data = parse(PatientFields, current, ctx)
        errors = _cross_check(data, ctx.today()) + second_head(session, patient.household_id,
                                                               data.relationship_to_head, patient.id)
        if errors:
            raise ValidationFailed(errors)
        _apply_fields(patient, data)
        session.add(AuditEntry(user_id=ctx.user_id, action="changed", entity="patient", record_id=patient.id,
                               detail={"fields": sorted(given)}))


def add_document(ctx: Ctx, patient_id: str, doc: DocumentIn | dict[str, Any]) -> str:
    ctx.require(Action.UPDATE_PATIENT)
    doc = parse(DocumentIn, doc, ctx)
    with ctx.write() as session:
        if session.get(Patient, patient_id) is None:
            raise NotFound("patient", "بیمار", patient_id)
        record = new_document(patient_id, doc)
        session.add(record)
        session.flush()
        session.add(AuditEntry(user_id=ctx.user_id, action="changed", entity="patient", record_id=patient_id,
                               detail={"document_added": record.id}))
        return record.id


def merge_patients(ctx: Ctx, *, keep_id: str, merge_id: str) -> int:
    """Fold a duplicate into the record kept. Everything that pointed at the duplicate is re-pointed, each as a
    change that travels; the duplicate stays, marked merged, so records arriving later for it can follow."""
    ctx.require(Action.MERGE_PATIENTS)
    if keep_id == merge_id:
        raise ValidationFailed([field_error("patient_id", "value_error", detail="a patient cannot be merged into itself")])
    with ctx.write() as session:
        keep, gone = session.get(Patient, keep_id), session.get(Patient, merge_id)
        if keep is None or keep.deleted:
            raise NotFound("patient", "بیمار", keep_id)
        if gone is None or gone.deleted:
            raise NotFound("patient", "بیمار", merge_id)
        moved = 0
        # Every column the registry names as pointing at a patient: the server re-points the same ones.
        for spec, column in patient_pointers():
            for row in session.scalars(select(spec.model).where(spec.table.c[column] == merge_id)):
                setattr(row, column, keep_id)
                moved += 1
        for name in NAME_FIELDS + ("phone",):
            if not getattr(keep, name) and getattr(gone, name):
                setattr(keep, name, getattr(gone, name))
        for column, key in patient_key_columns({f: getattr(keep, f) for f in NAME_FIELDS}).items():
            setattr(keep, column, key)
        if keep.household_id is None:
            keep.household_id = gone.household_id
        gone.merged_into_id = keep_id
        session.add(AuditEntry(user_id=ctx.user_id, action="merged", entity="patient", record_id=keep_id,
                               detail={"merged": merge_id, "moved": moved}))
        return moved
