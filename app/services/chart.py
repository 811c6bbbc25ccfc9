"""The patient chart: identity, documents, household, insurance cover, visits, referrals and flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from app.models import (
    AuditEntry,
    Household,
    IdentityDocument,
    Patient,
    Referral,
    SurveillanceCase,
    Visit,
)
from app.security.roles import Action
from app.services.context import Ctx
from app.services.errors import NotFound
from app.services.insurance import Cover, cover_for_patient


@dataclass
class PatientChart:
    patient: Patient
    documents: list[IdentityDocument]
    household: Household | None
    household_members: list[Patient]
    cover: Cover | None
    visits: list[Visit]
    referrals: list[Referral]
    flags: list[str] = field(default_factory=list)


def _flags(patient: Patient, cover: Cover | None, visits: list[Visit], cases: int, today: date) -> list[str]:
    flags = []
    if cases:
        flags.append("notifiable_case_recent")
    if any(v.follow_up_date and today <= v.follow_up_date <= today + timedelta(days=7) for v in visits):
        flags.append("follow_up_due")
    if any(v.follow_up_date and v.follow_up_date < today for v in visits[:1]):
        flags.append("follow_up_missed")
    if cover is None:
        flags.append("no_insurance")
    elif cover.coverage_end <= today + timedelta(days=30):
        flags.append("insurance_expiring")
    if patient.legal_status == "undocumented":
        flags.append("sensitive_status")  # disclosure can expose the person to deportation (docs/architecture.md, "Domain facts")
    return flags


def open_patient_chart(ctx: Ctx, patient_id: str) -> PatientChart:
    """Read the chart; the opening is recorded in the audit trail (who viewed which record, when)."""
    ctx.require(Action.VIEW_PATIENT)
    today = ctx.today()
    with ctx.read() as session:
        patient = session.get(Patient, patient_id)
        if patient is None or patient.deleted:
            raise NotFound("patient", "بیمار", patient_id)
        if patient.merged_into_id:
            patient = session.get(Patient, patient.merged_into_id) or patient
        household = session.get(Household, patient.household_id) if patient.household_id else None
        members = list(session.scalars(select(Patient).where(
            Patient.household_id == patient.household_id, Patient.deleted.is_(False),
            Patient.merged_into_id.is_(None)))) if household else []
        visits = list(session.scalars(select(Visit).where(Visit.patient_id == patient.id, Visit.deleted.is_(False))
                                      .order_by(Visit.visit_at.desc())))
        referrals = list(session.scalars(select(Referral).where(Referral.patient_id == patient.id,
                                                                Referral.deleted.is_(False))
                                         .order_by(Referral.issued_at.desc())))
        cases = len(session.scalars(select(SurveillanceCase.id).where(
            SurveillanceCase.patient_id == patient.id, SurveillanceCase.deleted.is_(False),
            SurveillanceCase.classification != "discarded",  # a discarded case is no longer a flag
            SurveillanceCase.reported_date >= today - timedelta(days=30))).all())
        cover = cover_for_patient(session, patient.id, today)
        documents = [d for d in patient.documents if not d.deleted]
    with ctx.write() as session:
        session.add(AuditEntry(user_id=ctx.user_id, action="viewed", entity="patient", record_id=patient.id))
    return PatientChart(patient, documents, household, members, cover, visits, referrals,
                        _flags(patient, cover, visits, cases, today))
