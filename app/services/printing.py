"""Printed paper from records: gathers the data, renders it (app.printing), and records every print."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.dates import age_years, format_date
from app.models import (
    AuditEntry,
    Department,
    Diagnosis,
    Facility,
    IdentityDocument,
    Patient,
    Referral,
    SurveillanceCase,
    TestResult,
    Unit,
    User,
    Visit,
)
from app.printing import (
    DiagnosisLine,
    InsuranceLine,
    MedicineLine,
    PrintOptions,
    ReferralSlipData,
    RosterData,
    RosterPatientLine,
    StaffLine,
    render_referral_slip,
    render_roster,
)
from app.security.roles import Action
from app.services.context import Ctx
from app.services.errors import NotFound
from app.services.labels import label
from app.services.roster import roster_for_day


def _pick(lang: str, fa: str, latin: str) -> str:
    return (fa or latin) if lang == "fa" else (latin or fa)


def patient_name(p: Patient, lang: str) -> str:
    return " ".join(x for x in (_pick(lang, p.given_name_fa, p.given_name_latin),
                                _pick(lang, p.family_name_fa, p.family_name_latin)) if x)


def _user_name(session: Session, user_id: str | None, lang: str) -> str:
    user = session.get(User, user_id) if user_id else None
    if user is None:
        return ""
    return _pick(lang, user.full_name_fa, user.full_name_en)


def _options(ctx: Ctx, session: Session, *, paper: str, reprints: int) -> PrintOptions:
    # Validated by the model (pydantic refuses another language or paper size with a clear message).
    return PrintOptions.model_validate(dict(lang=ctx.lang, digits="persian" if ctx.lang == "fa" else "latin", paper=paper,
                        reprint_count=reprints, printed_by=_user_name(session, ctx.user_id, ctx.lang),
                        printed_at=ctx.now().astimezone().replace(tzinfo=None)))


def _record_print(ctx: Ctx, entity: str, record_id: str, detail: dict[str, object]) -> None:
    with ctx.write() as session:
        session.add(AuditEntry(user_id=ctx.user_id, action="printed", entity=entity, record_id=record_id,
                               detail=detail))


def prints_so_far(session: Session, entity: str, record_id: str) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "printed", AuditEntry.entity == entity, AuditEntry.record_id == record_id)) or 0


def referral_slip_data(session: Session, referral: Referral, lang: str, on: date) -> ReferralSlipData:
    visit = session.get(Visit, referral.visit_id)
    patient = session.get(Patient, referral.patient_id)
    assert visit is not None and patient is not None
    doc = session.scalars(select(IdentityDocument).where(IdentityDocument.patient_id == patient.id,
                                                         IdentityDocument.deleted.is_(False))
                          .order_by(IdentityDocument.created_at)).first()
    from_facility = session.get(Facility, referral.from_facility_id) if referral.from_facility_id else None
    unit = session.get(Unit, visit.unit_id) if visit.unit_id else None
    to_facility = session.get(Facility, referral.to_facility_id)
    department = session.scalars(select(Department).where(Department.code == referral.department)).first()
    rows = session.execute(select(Diagnosis.code, Diagnosis.label_fa if lang == "fa" else Diagnosis.label_en)
                           .where(Diagnosis.code.in_([d.code for d in visit.diagnoses])))
    labels: dict[str, str] = {code: text for code, text in rows}
    clinician = session.get(User, visit.clinician_id) if visit.clinician_id else None
    snap = referral.insurance_snapshot
    insurance = None
    if snap:
        insurance = InsuranceLine(scheme=label("scheme", snap["scheme"], lang), valid_until=date.fromisoformat(snap["valid_until"]),
                                  number=snap.get("confirmation_number") or None)
    dob = patient.date_of_birth
    other = "en" if lang == "fa" else "fa"
    other_name = " ".join(x for x in ((patient.given_name_latin, patient.family_name_latin) if other == "en" else
                                      (patient.given_name_fa, patient.family_name_fa)) if x)
    months = _months(dob, visit.visit_date) if dob else None
    extra = _surveillance_lines(session, visit, patient, lang)
    return ReferralSlipData(
        referral_id=referral.id, referral_number=referral.referral_number, short_code=referral.short_code,
        issued_at=referral.issued_at.astimezone().replace(tzinfo=None),
        unit_name=_pick(lang, unit.name_fa, unit.name_en) if unit else "",
        facility_name=_pick(lang, from_facility.name_fa, from_facility.name_en) if from_facility else "",
        patient_name=patient_name(patient, lang),
        other_script_name=other_name if other_name and other_name != patient_name(patient, lang) else None,
        age_months=months if months is not None and months < 24 else None,
        pregnant=visit.pregnant, pregnancy_weeks=visit.pregnancy_weeks if visit.pregnant else None,
        allergies=patient.allergies or None,
        medicines=[MedicineLine(name=str(m_.get("name", "")), dose=m_.get("dose") or None,
                                quantity=m_.get("quantity") or None, time=m_.get("time") or None)
                   for m_ in (visit.medicines or []) if m_.get("name")],
        investigation_lines=extra[0], isolation=extra[1],
        father_name=_pick(lang, patient.father_name_fa, patient.father_name_latin) or None,
        sex=patient.sex, date_of_birth=dob, dob_estimated=patient.birth_estimated,
        age_years=age_years(dob, on) if dob else max(0, on.year - patient.birth_year),
        document_type=label("doc_type", doc.doc_type, lang) if doc else None,
        document_number=doc.number if doc else None, phone=patient.phone or None, insurance=insurance,
        complaint=visit.complaint or None, findings=referral.findings or visit.findings or None,
        temperature_c=visit.temperature_c, systolic=visit.systolic, diastolic=visit.diastolic, pulse=visit.pulse,
        resp_rate=visit.resp_rate, spo2=visit.spo2, weight_kg=visit.weight_kg, height_cm=visit.height_cm,
        muac_mm=visit.muac_mm, unusual_vitals=list(visit.unusual_vitals or []),
        diagnoses=[DiagnosisLine(code=d.code, label=labels.get(d.code, d.code), certainty=d.certainty)
                   for d in visit.diagnoses if not d.deleted],
        treatment_given=referral.treatment_given or visit.treatment or None, reason_for_referral=referral.reason,
        urgency=referral.urgency,  # type: ignore[arg-type]
        receiving_facility=_pick(lang, to_facility.name_fa, to_facility.name_en) if to_facility else "",
        receiving_department=_pick(lang, department.name_fa, department.name_en) if department else referral.department,
        clinician_name=_pick(lang, clinician.full_name_fa, clinician.full_name_en) if clinician else "",
        clinician_role=label("role", clinician.role, lang) if clinician else None,
    )


def _months(dob: date, on: date) -> int | None:
    if dob > on:
        return None
    return (on.year - dob.year) * 12 + on.month - dob.month - (1 if on.day < dob.day else 0)


def _surveillance_lines(session: Session, visit: Visit, patient: Patient, lang: str) -> tuple[list[str], list[str]]:
    """Test results of the visit's cases (one line each, reader's language) and the diseases among its diagnoses
    that the receiving facility must isolate (the registry's ``isolation``)."""
    from app.services.diseases import active_registry, age_at

    registry = active_registry(session)
    cases = list(session.scalars(select(SurveillanceCase).where(SurveillanceCase.visit_id == visit.id,
                                                                SurveillanceCase.deleted.is_(False))))
    lines: list[str] = []
    if cases:
        results = session.scalars(select(TestResult).where(
            TestResult.case_id.in_([c.id for c in cases]), TestResult.deleted.is_(False))
            .order_by(TestResult.result_date, TestResult.created_at))
        for r in results:
            test = registry.test(r.test)
            name = (test.name_fa if lang == "fa" else test.name_en) if test else r.test
            sub = next((s for s in test.subtypes if s.key == r.subtype), None) if test and r.subtype else None
            outcome = label("test_outcome", r.outcome, lang)
            text = f"{name}: {outcome}"
            if sub is not None:
                text += f" ({sub.name_fa if lang == 'fa' else sub.name_en})"
            # Solar Hijri on a Persian slip (an ISO date inside right-to-left text is reordered by the bidi rules).
            text += f" \u00b7 {format_date(r.result_date, lang='fa' if lang == 'fa' else 'en')}"
            if r.lab:
                text += f" \u00b7 {r.lab}"
            lines.append(text)
    age = age_at(patient, visit.visit_date)
    isolate: list[str] = []
    discarded = {c.disease for c in cases if c.classification == "discarded"}
    for dx in visit.diagnoses:
        disease = registry.match(dx.code, age) if not dx.deleted else None
        if disease is not None and disease.isolation and disease.key not in discarded:
            name = disease.name(lang)
            if name not in isolate:
                isolate.append(name)
    return lines, isolate


def referral_slip_pdf(ctx: Ctx, referral_id: str, *, paper: str = "A5") -> bytes:
    """The slip in the user's language. The first print is the original; later ones are marked as reprints.
    Every print is recorded (who, when, which referral)."""
    ctx.require(Action.PRINT_REFERRAL)
    with ctx.read() as session:
        referral = session.get(Referral, referral_id)
        if referral is None or referral.deleted:
            raise NotFound("referral", "ارجاع", referral_id)
        reprints = prints_so_far(session, "referral", referral_id)
        data = referral_slip_data(session, referral, ctx.lang, ctx.today())
        options = _options(ctx, session, paper=paper, reprints=reprints)
    pdf = render_referral_slip(data, options)
    _record_print(ctx, "referral", referral_id, {"reprint": reprints, "paper": paper, "lang": ctx.lang})
    return pdf


def roster_pdf(ctx: Ctx, day: date, facility_id: str) -> bytes:
    ctx.require(Action.PRINT_ROSTER)
    view = roster_for_day(ctx, day, facility_id)
    lang = ctx.lang
    with ctx.read() as session:
        options = _options(ctx, session, paper="A4", reprints=0)
        due = {pid: d for pid, d in session.execute(select(Visit.patient_id, Visit.follow_up_date).where(
            Visit.follow_up_date == day, Visit.facility_id == facility_id))}
    data = RosterData(
        unit=_pick(lang, view.unit.name_fa, view.unit.name_en) if view.unit else "",
        facility=_pick(lang, view.facility.name_fa, view.facility.name_en), day=day,
        staff=[StaffLine(name=_pick(lang, u.full_name_fa, u.full_name_en), role=label("role", u.role, lang))
               for u, _duty in view.staff],
        patients=[RosterPatientLine(
            code=line.patient.code, name=" ".join(x for x in (line.patient.given_name, line.patient.family_name) if x),
            father_name=line.patient.father_name or None, sex=line.patient.sex,
            age_years=max(0, day.year - line.patient.birth_year), phone=line.patient.phone or None,
            reason=line.reason or None, due_date=due.get(line.patient.id)) for line in view.lines],
        site_note=view.site_note or None,
    )
    pdf = render_roster(data, options)
    # An unplanned day (follow-ups only) has no roster record; a stable id still lets reprints be counted.
    record_id = view.roster_id or str(uuid.uuid5(uuid.NAMESPACE_URL, f"sayyar:roster:{facility_id}:{day}"))
    _record_print(ctx, "roster_day", record_id,
                  {"day": day.isoformat(), "facility_id": facility_id, "patients": len(view.lines)})
    return pdf
