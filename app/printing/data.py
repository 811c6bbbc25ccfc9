"""Plain input models for printed paper.

The printing layer never touches the database: the service layer maps records to these models and hands them over.
Values arrive already in the reader's language (names, facility names); the label texts are owned by ``labels.py``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Lang = Literal["en", "fa"]
Digits = Literal["latin", "persian"]
Paper = Literal["A5", "A4"]
Urgency = Literal["routine", "urgent", "emergency"]


class _Model(BaseModel):
    # Frozen: a slip is rendered from a snapshot; nobody should mutate it halfway through layout.
    model_config = ConfigDict(frozen=True, extra="forbid")


class PrintOptions(_Model):
    lang: Lang = "en"
    digits: Digits = "latin"
    paper: Paper = "A5"
    reprint_count: int = Field(default=0, ge=0)
    printed_by: str = ""
    # Passed in (not taken from the clock here) so output is reproducible and the caller records the same instant
    # in the audit trail.
    printed_at: datetime = Field(default_factory=datetime.now)


class DiagnosisLine(_Model):
    code: str | None = None
    label: str
    # Known values ("provisional", "suspected", "probable", "confirmed", "discarded") are translated; others print as given.
    certainty: str | None = None


class MedicineLine(_Model):
    name: str
    dose: str | None = None
    quantity: str | None = None
    time: str | None = None  # HH:MM, when it was given


class InsuranceLine(_Model):
    scheme: str
    valid_until: date | None = None
    number: str | None = None


class ReferralSlipData(_Model):
    referral_id: str
    referral_number: str
    short_code: str
    issued_at: datetime

    # Defaults to the translated programme name in labels.py when empty.
    programme: str | None = None
    unit_name: str
    facility_name: str

    patient_name: str
    # The name in the other script (Latin on a Persian slip, Persian on an English one), when recorded.
    other_script_name: str | None = None
    father_name: str | None = None
    sex: str | None = None  # "male" | "female" | "other" | "unknown" are translated; anything else prints verbatim
    date_of_birth: date | None = None
    dob_estimated: bool = False
    age_years: int | None = Field(default=None, ge=0, le=150)
    # Completed months for a child under 2 with a known date of birth ("0 years" tells the receiving clinician nothing).
    age_months: int | None = Field(default=None, ge=0, le=23)
    document_type: str | None = None
    document_number: str | None = None
    phone: str | None = None
    insurance: InsuranceLine | None = None

    complaint: str | None = None
    findings: str | None = None
    temperature_c: float | None = None
    systolic: int | None = None
    diastolic: int | None = None
    pulse: int | None = None
    resp_rate: int | None = None
    spo2: int | None = None
    weight_kg: float | None = None
    height_cm: float | None = None
    muac_mm: int | None = None
    # Vitals outside the usual range that the clinician confirmed as true (field names, e.g. "temperature_c").
    unusual_vitals: list[str] = Field(default_factory=list)
    investigations: str | None = None
    investigation_lines: list[str] = Field(default_factory=list)  # test results, one per line
    pregnant: bool | None = None
    pregnancy_weeks: int | None = Field(default=None, ge=1, le=45)
    allergies: str | None = None
    diagnoses: list[DiagnosisLine] = Field(default_factory=list)
    treatment_given: str | None = None
    medicines: list[MedicineLine] = Field(default_factory=list)
    # Diseases (names in the reader's language) for which the receiving facility must isolate the patient.
    isolation: list[str] = Field(default_factory=list)
    reason_for_referral: str
    urgency: Urgency = "routine"

    receiving_facility: str
    receiving_department: str | None = None

    clinician_name: str
    clinician_role: str | None = None

    @field_validator("referral_id")
    @classmethod
    def _uuid(cls, v: str) -> str:
        # Canonical form, so the QR payload and its check code are the same whoever builds them.
        return str(uuid.UUID(v))


class StaffLine(_Model):
    name: str
    role: str | None = None


class RosterPatientLine(_Model):
    code: str
    name: str
    father_name: str | None = None
    sex: str | None = None
    age_years: int | None = Field(default=None, ge=0, le=150)
    date_of_birth: date | None = None
    phone: str | None = None
    reason: str | None = None
    due_date: date | None = None
    notes: str | None = None


class RosterData(_Model):
    unit: str
    facility: str
    day: date
    staff: list[StaffLine] = Field(default_factory=list)
    patients: list[RosterPatientLine] = Field(default_factory=list)
    site_note: str | None = Field(default=None, max_length=300)  # the coordinator's note for the site
    # Fall back to PrintOptions when not given: the person pressing Print is the one accountable for the paper.
    printed_by: str | None = None
    printed_at: datetime | None = None
