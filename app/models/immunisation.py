"""Vaccination records, adverse events after immunisation, and campaign tallies: owned by the device that recorded
them (docs/architecture.md, "Immunisation"). What is due is derived locally (``immunisation_due``), never synced."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, SyncMixin


class ImmunisationDose(SyncMixin, Base):
    __tablename__ = "immunisation_dose"

    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"))
    vaccine: Mapped[str] = mapped_column(String(12))  # a code of the schedule (app.core.immunisation)
    dose_number: Mapped[int | None] = mapped_column(Integer)  # as written on the card; the engine places doses itself
    # given: by this unit; card: copied from a card or booklet; reported: the caregiver says so (date may be unknown).
    source: Mapped[str] = mapped_column(String(10), default="given")
    given_on: Mapped[date | None] = mapped_column(Date)
    batch: Mapped[str] = mapped_column(String(40), default="")
    expiry: Mapped[date | None] = mapped_column(Date)
    site: Mapped[str] = mapped_column(String(20), default="")
    given_by: Mapped[str | None] = mapped_column(String(36))  # the staff member, when given here
    given_by_name: Mapped[str] = mapped_column(String(100), default="")  # as on the card, otherwise
    # Where: unit (a mobile health unit at a facility), facility (a health facility in Iran), abroad (before arrival).
    place: Mapped[str] = mapped_column(String(10), default="unit")
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))
    facility_id: Mapped[str | None] = mapped_column(ForeignKey("facility.id"))
    country: Mapped[str] = mapped_column(String(40), default="")
    campaign_id: Mapped[str | None] = mapped_column(String(36))
    correction_reason: Mapped[str] = mapped_column(String(300), default="")

    __table_args__ = (
        Index("ix_immunisation_dose_patient", "patient_id", "given_on"),
        Index("ix_immunisation_dose_facility", "facility_id", "given_on"),
    )


class AdverseEvent(SyncMixin, Base):
    """An adverse event following immunisation (AEFI), reported from the unit (notifiable at once in Iran)."""

    __tablename__ = "adverse_event"

    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    dose_id: Mapped[str | None] = mapped_column(ForeignKey("immunisation_dose.id"))
    vaccine: Mapped[str] = mapped_column(String(12))
    onset_date: Mapped[date] = mapped_column(Date)
    reported_on: Mapped[date] = mapped_column(Date)
    reaction: Mapped[str] = mapped_column(String(300))
    serious: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str] = mapped_column(String(20), default="recovering")
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))
    facility_id: Mapped[str | None] = mapped_column(ForeignKey("facility.id"))


class Campaign(SyncMixin, Base):
    """A supplementary immunisation activity (a polio or measles round at a crossing), run by one unit."""

    __tablename__ = "campaign"

    code: Mapped[str] = mapped_column(String(30), index=True)  # the round's name, shared by units that run it
    name: Mapped[str] = mapped_column(String(200))
    vaccine: Mapped[str] = mapped_column(String(12))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    min_age_months: Mapped[int] = mapped_column(Integer, default=0)
    max_age_months: Mapped[int] = mapped_column(Integer, default=59)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))
    facility_id: Mapped[str | None] = mapped_column(ForeignKey("facility.id"))
    site: Mapped[str] = mapped_column(String(200), default="")  # e.g. the Dogharoun crossing


class CampaignTally(SyncMixin, Base):
    """Children counted at a campaign on one day, by age band, sex, nationality and outcome: no patient record."""

    __tablename__ = "campaign_tally"

    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    age_band: Mapped[str] = mapped_column(String(10))
    sex: Mapped[str] = mapped_column(String(10))
    nationality: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(12))  # vaccinated, refused, absent
    zero_dose: Mapped[bool] = mapped_column(Boolean, default=False)  # never vaccinated before (caregiver's word)
    count: Mapped[int] = mapped_column(Integer, default=0)
    facility_id: Mapped[str | None] = mapped_column(ForeignKey("facility.id"))

    __table_args__ = (Index("ix_campaign_tally_day", "campaign_id", "day"),)


class ImmunisationDue(Base):
    """Local and derived, never synced: the next open dose of each series for each child, for due lists by
    facility. Rebuilt from the patient, visit and dose records (app.store.immunisation_due). The names a list shows
    are copied here so a facility's list is one read of this table (joining the patient table cost a page per
    child)."""

    __tablename__ = "immunisation_due"

    patient_id: Mapped[str] = mapped_column(String(36))
    series: Mapped[str] = mapped_column(String(12))
    slot: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    until_date: Mapped[date] = mapped_column(Date)
    facility_id: Mapped[str] = mapped_column(String(36), default="")
    code: Mapped[str] = mapped_column(String(30), default="")
    given_name_fa: Mapped[str] = mapped_column(String(100), default="")
    given_name_latin: Mapped[str] = mapped_column(String(100), default="")
    father_name_fa: Mapped[str] = mapped_column(String(100), default="")
    father_name_latin: Mapped[str] = mapped_column(String(100), default="")
    born: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(10), default="")

    __table_args__ = (
        PrimaryKeyConstraint("patient_id", "series"),
        Index("ix_immunisation_due_facility", "facility_id", "due_date"),
    )


class ImmunisationChild(Base):
    """Local and derived, never synced: one row per child with a dose still to come, for counting and paging a
    facility's due list straight from an index (the earliest due date of the child's open doses, and the last day
    any of them is still given)."""

    __tablename__ = "immunisation_child"

    patient_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    facility_id: Mapped[str] = mapped_column(String(36), default="")
    next_due: Mapped[date] = mapped_column(Date)
    last_until: Mapped[date] = mapped_column(Date)

    __table_args__ = (Index("ix_immunisation_child_facility", "facility_id", "next_due", "last_until"),)
