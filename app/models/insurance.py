"""Health-insurance enrolments of households (docs/architecture.md, "Domain facts")."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, SyncMixin


class Enrolment(SyncMixin, Base):
    __tablename__ = "enrolment"

    household_id: Mapped[str] = mapped_column(ForeignKey("household.id"), index=True)
    head_patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"))
    scheme: Mapped[str] = mapped_column(String(30))
    category: Mapped[str] = mapped_column(String(30))
    payer: Mapped[str] = mapped_column(String(20))
    premium_irr: Mapped[int] = mapped_column(Integer, default=0)
    voucher_number: Mapped[str] = mapped_column(String(40), default="")
    document_used: Mapped[str] = mapped_column(String(30), default="")
    enrolment_date: Mapped[date] = mapped_column(Date)
    coverage_start: Mapped[date] = mapped_column(Date)
    coverage_end: Mapped[date] = mapped_column(Date, index=True)
    pishkhan_centre: Mapped[str] = mapped_column(String(200), default="")
    confirmation_number: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(20), default="active")
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))

    members: Mapped[list[EnrolmentMember]] = relationship(back_populates="enrolment", lazy="selectin")


class EnrolmentMember(SyncMixin, Base):
    __tablename__ = "enrolment_member"

    enrolment_id: Mapped[str] = mapped_column(ForeignKey("enrolment.id"), index=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"))

    enrolment: Mapped[Enrolment] = relationship(back_populates="members")

    __table_args__ = (Index("ix_enrolment_member_patient", "patient_id"),)
