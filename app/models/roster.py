"""A coordinator's plan of the day: where the unit works, who is on duty, which patients are due."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, SyncMixin


class RosterDay(SyncMixin, Base):
    __tablename__ = "roster_day"

    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"))
    facility_id: Mapped[str] = mapped_column(ForeignKey("facility.id"))
    day: Mapped[date] = mapped_column(Date)
    site_note: Mapped[str] = mapped_column(String(300), default="")

    staff: Mapped[list[RosterStaff]] = relationship(back_populates="roster", lazy="selectin")
    patients: Mapped[list[RosterPatient]] = relationship(
        back_populates="roster", order_by="RosterPatient.position", lazy="selectin"
    )

    __table_args__ = (Index("ix_roster_day_unit_day", "unit_id", "day"),)


class RosterStaff(SyncMixin, Base):
    __tablename__ = "roster_staff"

    roster_id: Mapped[str] = mapped_column(ForeignKey("roster_day.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"))
    duty: Mapped[str] = mapped_column(String(40), default="")

    roster: Mapped[RosterDay] = relationship(back_populates="staff")


class RosterPatient(SyncMixin, Base):
    __tablename__ = "roster_patient"

    roster_id: Mapped[str] = mapped_column(ForeignKey("roster_day.id"), index=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"))
    reason: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    roster: Mapped[RosterDay] = relationship(back_populates="patients")
