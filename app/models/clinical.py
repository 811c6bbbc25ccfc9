"""Visits, diagnoses, referrals and surveillance cases: owned by the device that created them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, SyncMixin, UTCDateTime


class Visit(SyncMixin, Base):
    __tablename__ = "visit"

    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"))
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))
    facility_id: Mapped[str | None] = mapped_column(ForeignKey("facility.id"))
    clinician_id: Mapped[str | None] = mapped_column(String(36))
    visit_at: Mapped[datetime] = mapped_column(UTCDateTime)
    visit_date: Mapped[date] = mapped_column(Date)
    visit_type: Mapped[str] = mapped_column(String(12), default="new")
    complaint: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    temperature_c: Mapped[float | None] = mapped_column(Float)
    systolic: Mapped[int | None] = mapped_column(Integer)
    diastolic: Mapped[int | None] = mapped_column(Integer)
    pulse: Mapped[int | None] = mapped_column(Integer)
    resp_rate: Mapped[int | None] = mapped_column(Integer)
    spo2: Mapped[int | None] = mapped_column(Integer)
    weight_kg: Mapped[float | None] = mapped_column(Float)
    height_cm: Mapped[float | None] = mapped_column(Float)
    muac_mm: Mapped[int | None] = mapped_column(Integer)
    pregnant: Mapped[bool | None] = mapped_column(Boolean)
    pregnancy_weeks: Mapped[int | None] = mapped_column(Integer)  # gestational age at the visit, when known
    treatment: Mapped[str] = mapped_column(Text, default="")
    medicines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    follow_up_date: Mapped[date | None] = mapped_column(Date)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Vitals outside the usual range that the clinician confirmed as true (app/services/vital_ranges.py); None when
    # there were none (visits saved before, records from older laptops, the bulk loader all leave it out).
    unusual_vitals: Mapped[list[str] | None] = mapped_column(JSON)
    # A correction is a new version of the same visit; this keeps the reason (docs/architecture.md, guarantee 6).
    correction_reason: Mapped[str] = mapped_column(String(300), default="")

    diagnoses: Mapped[list[VisitDiagnosis]] = relationship(
        back_populates="visit", order_by="VisitDiagnosis.position", lazy="selectin"
    )

    __table_args__ = (
        Index("ix_visit_patient", "patient_id", "visit_at"),
        Index("ix_visit_facility_date", "facility_id", "visit_date"),
        Index("ix_visit_follow_up", "follow_up_date"),
    )


class VisitDiagnosis(SyncMixin, Base):
    __tablename__ = "visit_diagnosis"

    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id"), index=True)
    code: Mapped[str] = mapped_column(String(10), index=True)
    certainty: Mapped[str] = mapped_column(String(10), default="suspected")
    position: Mapped[int] = mapped_column(Integer, default=0)

    visit: Mapped[Visit] = relationship(back_populates="diagnoses")


class Referral(SyncMixin, Base):
    __tablename__ = "referral"

    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id"), index=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    from_facility_id: Mapped[str | None] = mapped_column(ForeignKey("facility.id"))
    to_facility_id: Mapped[str] = mapped_column(ForeignKey("facility.id"))
    department: Mapped[str] = mapped_column(String(40))
    urgency: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text)
    findings: Mapped[str] = mapped_column(Text, default="")
    treatment_given: Mapped[str] = mapped_column(Text, default="")
    # What insurance the patient had when referred: the slip must show it even if cover later lapses.
    insurance_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    referral_number: Mapped[str] = mapped_column(String(30), unique=True)
    short_code: Mapped[str] = mapped_column(String(12), index=True)
    status: Mapped[str] = mapped_column(String(20), default="issued")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    feedback_date_seen: Mapped[date | None] = mapped_column(Date)
    feedback_findings: Mapped[str] = mapped_column(Text, default="")
    feedback_outcome: Mapped[str] = mapped_column(String(30), default="")
    feedback_advice: Mapped[str] = mapped_column(Text, default="")


class SurveillanceCase(SyncMixin, Base):
    __tablename__ = "surveillance_case"

    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id"), index=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"))
    disease: Mapped[str] = mapped_column(String(20), index=True)
    icd10: Mapped[str] = mapped_column(String(10))
    classification: Mapped[str] = mapped_column(String(12), default="suspected")
    onset_date: Mapped[date | None] = mapped_column(Date)
    reported_date: Mapped[date] = mapped_column(Date)
    facility_id: Mapped[str | None] = mapped_column(ForeignKey("facility.id"))
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))
    immediate: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who last (re)classified the case, when and why: a correction, a test result or a person's decision.
    classified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    classified_by: Mapped[str | None] = mapped_column(String(36))
    classification_reason: Mapped[str] = mapped_column(String(300), default="")
    # The notifiable-disease registry version that opened the case (app.core.diseases).
    registry_version: Mapped[int] = mapped_column(Integer, default=0)


class TestResult(SyncMixin, Base):
    """A test for a surveillance case: done by the unit at the visit, or received back later from the laboratory
    or the receiving facility. A result moves the case by the registry's rule (app.services.test_results)."""

    __tablename__ = "test_result"

    case_id: Mapped[str] = mapped_column(ForeignKey("surveillance_case.id"), index=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"))
    test: Mapped[str] = mapped_column(String(30))  # a test key of the registry (malaria_rdt, dengue_ns1, ...)
    subtype: Mapped[str] = mapped_column(String(30), default="")  # Plasmodium species, rifampicin resistance
    outcome: Mapped[str] = mapped_column(String(14))  # positive, negative, indeterminate
    sample_date: Mapped[date | None] = mapped_column(Date)
    result_date: Mapped[date] = mapped_column(Date)
    lab: Mapped[str] = mapped_column(String(200), default="")  # where it was done or came back from
    note: Mapped[str] = mapped_column(String(300), default="")
    # The classification the result gave the case (empty: it decided nothing by the registry's rule).
    applied: Mapped[str] = mapped_column(String(12), default="")


class CaseInvestigation(SyncMixin, Base):
    """The case-investigation form (malaria in an elimination setting): travel in the last 30 days, where, where the
    infection was acquired, household contacts tested. One per case; a correction is a new version of it."""

    __tablename__ = "case_investigation"

    case_id: Mapped[str] = mapped_column(ForeignKey("surveillance_case.id"), unique=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"))
    investigated_on: Mapped[date] = mapped_column(Date)
    travelled: Mapped[bool | None] = mapped_column(Boolean)  # in the 30 days before onset; None: not known
    # [{"country": "AF", "province": "Herat", "from": "2026-11-01", "to": "2026-11-10"}, ...]
    places: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    origin: Mapped[str] = mapped_column(String(12), default="unknown")  # imported, indigenous, introduced, ...
    contacts_tested: Mapped[int] = mapped_column(Integer, default=0)
    contacts_positive: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
