"""Households, patients and their identity documents (docs/architecture.md, "Domain facts")."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, SyncMixin


class Household(SyncMixin, Base):
    __tablename__ = "household"

    code: Mapped[str] = mapped_column(String(30), unique=True)
    head_patient_id: Mapped[str | None] = mapped_column(String(36), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))


class Patient(SyncMixin, Base):
    __tablename__ = "patient"

    code: Mapped[str] = mapped_column(String(30), unique=True)
    given_name_fa: Mapped[str] = mapped_column(String(100), default="")
    given_name_latin: Mapped[str] = mapped_column(String(100), default="")
    father_name_fa: Mapped[str] = mapped_column(String(100), default="")
    father_name_latin: Mapped[str] = mapped_column(String(100), default="")
    grandfather_name_fa: Mapped[str] = mapped_column(String(100), default="")
    grandfather_name_latin: Mapped[str] = mapped_column(String(100), default="")
    family_name_fa: Mapped[str] = mapped_column(String(100), default="")
    family_name_latin: Mapped[str] = mapped_column(String(100), default="")
    sex: Mapped[str] = mapped_column(String(10))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    birth_year: Mapped[int] = mapped_column(Integer)
    birth_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    nationality: Mapped[str] = mapped_column(String(20))
    legal_status: Mapped[str] = mapped_column(String(30))
    phone: Mapped[str] = mapped_column(String(20), default="")
    consent_date: Mapped[date] = mapped_column(Date)
    household_id: Mapped[str | None] = mapped_column(ForeignKey("household.id"), index=True)
    relationship_to_head: Mapped[str] = mapped_column(String(20), default="")
    registered_unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))
    notes: Mapped[str] = mapped_column(String(1000), default="")
    # Known allergies (medicines, foods), as the clinician wrote them: printed on every referral slip.
    allergies: Mapped[str] = mapped_column(String(500), default="")
    # Transliteration-tolerant keys for duplicate matching (app.core.name_keys.tolerant_key).
    given_key_fa: Mapped[str] = mapped_column(String(100), default="")
    father_key_fa: Mapped[str] = mapped_column(String(100), default="")
    given_key_latin: Mapped[str] = mapped_column(String(100), default="")
    father_key_latin: Mapped[str] = mapped_column(String(100), default="")
    # A merged-away duplicate points at the record that absorbed it (docs/architecture.md, sync guarantee 6).
    merged_into_id: Mapped[str | None] = mapped_column(String(36), index=True)

    documents: Mapped[list[IdentityDocument]] = relationship(
        back_populates="patient", order_by="IdentityDocument.created_at", lazy="selectin"
    )

    __table_args__ = (
        Index("ix_patient_dup_fa", "given_key_fa", "father_key_fa"),
        Index("ix_patient_dup_latin", "given_key_latin", "father_key_latin"),
        Index("ix_patient_phone", "phone"),
        Index("ix_patient_updated", "updated_at"),
    )


class IdentityDocument(SyncMixin, Base):
    __tablename__ = "identity_document"

    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    doc_type: Mapped[str] = mapped_column(String(30))
    number: Mapped[str] = mapped_column(String(60))
    # Upper-case ASCII letters and digits only: what "same document number" compares.
    number_key: Mapped[str] = mapped_column(String(60), index=True)
    issue_date: Mapped[date | None] = mapped_column(Date)
    expiry_date: Mapped[date | None] = mapped_column(Date)
    amayesh_cycle: Mapped[str] = mapped_column(String(20), default="")
    tazkira_form: Mapped[str] = mapped_column(String(20), default="")

    patient: Mapped[Patient] = relationship(back_populates="documents")


class PatientSearchToken(Base):
    """Local search index (never synced, rebuilt from the records): one row per matching key of a patient's names,
    documents, phone and code (app.store.search_index). The patient is named by a small local number (``n``,
    PatientSearchEntry) rather than by its 36-character id: the index is a quarter of the size."""

    __tablename__ = "patient_search"

    token: Mapped[str] = mapped_column(String(100))
    n: Mapped[int] = mapped_column(Integer)

    __table_args__ = (PrimaryKeyConstraint("token", "n"), {"sqlite_with_rowid": False})


class PatientSearchEntry(Base):
    """The search index's number for one patient, and the patient's tokens (what to remove when the record changes,
    and what a query's further words are checked against)."""

    __tablename__ = "patient_search_patient"

    n: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    patient_id: Mapped[str] = mapped_column(String(36), unique=True)
    tokens: Mapped[str] = mapped_column(Text, default="")
