"""What a registration or a correction of a patient may contain, and the checks on it (docs/architecture.md, "Domain facts")."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from app.services.validation import (
    DOC_TYPES,
    check_document_number,
    check_latin_script,
    check_not_future,
    check_persian_script,
    clean_text,
    normalize_phone,
)

Sex = Literal["female", "male"]
Nationality = Literal["afghan", "iranian", "pakistani", "iraqi", "other", "unknown"]
LegalStatus = Literal["amayesh", "headcount", "passport_visa", "residence_permit", "undocumented", "iranian_national"]
Relationship = Literal["", "head", "spouse", "child", "parent", "sibling", "grandchild", "other_relative", "other"]
DocType = Literal[DOC_TYPES]  # type: ignore[valid-type]


def _today(info: ValidationInfo) -> date:
    return (info.context or {}).get("today") or date.today()


class DocumentIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    doc_type: DocType
    number: str = Field(min_length=1, max_length=60)
    issue_date: date | None = None
    expiry_date: date | None = None
    amayesh_cycle: str = Field(default="", max_length=20)
    tazkira_form: Literal["", "booklet", "certificate", "electronic"] = ""

    @field_validator("number")
    @classmethod
    def _number(cls, v: str, info: ValidationInfo) -> str:
        return check_document_number(info.data.get("doc_type", "other"), v)

    @field_validator("issue_date")
    @classmethod
    def _issue(cls, v: date | None, info: ValidationInfo) -> date | None:
        return check_not_future(v, _today(info))


NAME_FIELDS = (
    "given_name_fa", "given_name_latin", "father_name_fa", "father_name_latin",
    "grandfather_name_fa", "grandfather_name_latin", "family_name_fa", "family_name_latin",
)


class PatientFields(BaseModel):
    """The patient's own fields (no documents, no household): shared by registration and correction."""

    model_config = ConfigDict(str_strip_whitespace=True)

    given_name_fa: str = Field(default="", max_length=100)
    given_name_latin: str = Field(default="", max_length=100)
    father_name_fa: str = Field(default="", max_length=100)
    father_name_latin: str = Field(default="", max_length=100)
    grandfather_name_fa: str = Field(default="", max_length=100)
    grandfather_name_latin: str = Field(default="", max_length=100)
    family_name_fa: str = Field(default="", max_length=100)
    family_name_latin: str = Field(default="", max_length=100)
    sex: Sex
    date_of_birth: date | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    birth_estimated: bool = False
    nationality: Nationality
    legal_status: LegalStatus
    phone: str = ""
    consent_date: date
    relationship_to_head: Relationship = ""
    notes: str = Field(default="", max_length=1000)
    allergies: str = Field(default="", max_length=500)

    @field_validator("given_name_fa", "father_name_fa", "grandfather_name_fa", "family_name_fa")
    @classmethod
    def _fa(cls, v: str) -> str:
        return check_persian_script(v)

    @field_validator("given_name_latin", "father_name_latin", "grandfather_name_latin", "family_name_latin")
    @classmethod
    def _latin(cls, v: str) -> str:
        return check_latin_script(v)

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str) -> str:
        return normalize_phone(v)

    @field_validator("date_of_birth", "consent_date")
    @classmethod
    def _past(cls, v: date | None, info: ValidationInfo) -> date | None:
        return check_not_future(v, _today(info))

    @field_validator("notes", "allergies")
    @classmethod
    def _notes(cls, v: str) -> str:
        return clean_text(v)


class PatientIn(PatientFields):
    documents: list[DocumentIn] = Field(default_factory=list)
    household_id: str | None = None
    # Start a new household with this patient as its head.
    new_household: bool = False


class PatientChanges(BaseModel):
    """A correction: only the fields given change; the result is checked as a whole."""

    model_config = ConfigDict(extra="forbid")

    given_name_fa: str | None = None
    given_name_latin: str | None = None
    father_name_fa: str | None = None
    father_name_latin: str | None = None
    grandfather_name_fa: str | None = None
    grandfather_name_latin: str | None = None
    family_name_fa: str | None = None
    family_name_latin: str | None = None
    sex: str | None = None
    date_of_birth: date | None = None
    birth_year: int | None = None
    birth_estimated: bool | None = None
    nationality: str | None = None
    legal_status: str | None = None
    phone: str | None = None
    consent_date: date | None = None
    relationship_to_head: str | None = None
    notes: str | None = None
    allergies: str | None = None
