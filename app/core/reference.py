"""Reference data: site configuration (units, facilities, departments, users), ICD-10 diagnoses, notifiable diseases.

The shipped site file is a SAMPLE (the real facility list is not public); ``load_site_config`` reads an
administrator-supplied file of the same shape. Models are frozen so cached objects can be shared safely.
"""

from __future__ import annotations

import csv
import json
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from app.core.persian import is_persian
from app.resources import resource_path

Partner = Literal["Ministry of Health", "Iranian Red Crescent Society"]
FacilityKind = Literal["health_post", "health_centre", "hospital"]
Role = Literal["clinician", "coordinator", "unit_admin", "headquarters"]
Reporting = Literal["immediate", "weekly"]
AlertRule = Literal["single_case", "threshold", "cluster", "line_list"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Unit(_Frozen):
    code: str
    name_en: str
    name_fa: str
    partner: Partner
    province_en: str
    province_fa: str
    base_en: str
    base_fa: str


class Facility(_Frozen):
    code: str
    name_en: str
    name_fa: str
    unit: str
    kind: FacilityKind
    province_en: str
    province_fa: str
    district_en: str
    district_fa: str
    latitude: float
    longitude: float

    @model_validator(mode="after")
    def _coordinates_in_range(self) -> Facility:
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise ValueError(f"facility {self.code}: latitude/longitude out of range")
        return self


class Department(_Frozen):
    code: str
    name_en: str
    name_fa: str


class SiteUser(_Frozen):
    username: str
    full_name_en: str
    full_name_fa: str
    role: Role
    unit: str | None

    @model_validator(mode="after")
    def _unit_matches_role(self) -> SiteUser:
        # Headquarters sees all units; everyone else works for exactly one.
        if (self.role == "headquarters") != (self.unit is None):
            raise ValueError(f"user {self.username}: headquarters users have no unit, all others need one")
        return self


class SiteConfig(_Frozen):
    label: str
    units: tuple[Unit, ...]
    facilities: tuple[Facility, ...]
    departments: tuple[Department, ...]
    users: tuple[SiteUser, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> SiteConfig:
        for what, codes in (
            ("unit", [u.code for u in self.units]),
            ("facility", [f.code for f in self.facilities]),
            ("department", [d.code for d in self.departments]),
            ("username", [u.username for u in self.users]),
        ):
            duplicates = sorted({c for c in codes if codes.count(c) > 1})
            if duplicates:
                raise ValueError(f"duplicate {what} codes: {', '.join(duplicates)}")
        unit_codes = {u.code for u in self.units}
        for facility in self.facilities:
            if facility.unit not in unit_codes:
                raise ValueError(f"facility {facility.code} names unknown unit {facility.unit}")
        for user in self.users:
            if user.unit is not None and user.unit not in unit_codes:
                raise ValueError(f"user {user.username} names unknown unit {user.unit}")
        return self

    def unit(self, code: str) -> Unit:
        return next(u for u in self.units if u.code == code)

    def facilities_of(self, unit_code: str) -> tuple[Facility, ...]:
        return tuple(f for f in self.facilities if f.unit == unit_code)

    def referral_hospitals(self) -> tuple[Facility, ...]:
        return tuple(f for f in self.facilities if f.kind == "hospital")


# The brief's name for the shipped configuration; the model is the same for a real list.
SampleSite = SiteConfig


class NotifiableDisease(_Frozen):
    key: str
    name_en: str
    name_fa: str
    icd10_codes: tuple[str, ...]  # category prefixes: any code starting with one belongs to the disease
    reporting: Reporting
    alert_rule: AlertRule
    case_definition_en: str
    note: str = ""


# From FACTS.md "Notifiable diseases". Dengue and chikungunya are not on the Iranian lists found, so "weekly"
# there is our default, not a legal requirement (see note).
NOTIFIABLE_DISEASES: Final[dict[str, NotifiableDisease]] = {
    d.key: d
    for d in (
        NotifiableDisease(
            key="cholera", name_en="Cholera", name_fa="وبا", icd10_codes=("A00",), reporting="immediate",
            alert_rule="single_case",
            case_definition_en="Age >= 2 with acute watery diarrhoea and severe dehydration or death; "
            "during an outbreak, any acute watery diarrhoea.",
        ),
        NotifiableDisease(
            key="measles", name_en="Measles", name_fa="سرخک", icd10_codes=("B05",), reporting="immediate",
            alert_rule="single_case",
            case_definition_en="Fever and maculopapular rash with cough, coryza or conjunctivitis.",
        ),
        NotifiableDisease(
            key="rubella", name_en="Rubella", name_fa="سرخجه", icd10_codes=("B06", "P35.0"), reporting="immediate",
            alert_rule="single_case",
            case_definition_en="Fever and rash with lymphadenopathy or arthralgia.",
        ),
        NotifiableDisease(
            key="polio", name_en="Poliomyelitis / acute flaccid paralysis", name_fa="فلج اطفال / فلج شل حاد",
            icd10_codes=("A80",), reporting="immediate", alert_rule="single_case",
            case_definition_en="Acute flaccid paralysis in a child under 15, or paralysis at any age where polio "
            "is suspected.",
            note="AFP is recorded with a syndrome code (G83.9 in diagnoses.csv) that maps here.",
        ),
        NotifiableDisease(
            key="malaria", name_en="Malaria", name_fa="مالاریا", icd10_codes=("B50", "B51", "B52", "B53", "B54"),
            reporting="immediate", alert_rule="threshold",
            case_definition_en="Fever or history of fever with no other cause; confirmed by RDT or microscopy.",
            note="Alert when weekly cases exceed the 75th percentile of the same week in earlier years; "
            "in elimination settings every case.",
        ),
        NotifiableDisease(
            key="dengue", name_en="Dengue", name_fa="دنگی", icd10_codes=("A90", "A91", "A97"), reporting="weekly",
            alert_rule="cluster",
            case_definition_en="Fever in an endemic area with two of: nausea/vomiting, rash, aches, positive "
            "tourniquet test, leukopenia, warning signs.",
            note="Not on the Iranian reporting lists found; weekly reporting is a configurable default.",
        ),
        NotifiableDisease(
            key="chikungunya", name_en="Chikungunya", name_fa="چیکونگونیا", icd10_codes=("A92.0",),
            reporting="weekly", alert_rule="cluster",
            case_definition_en="Fever with severe arthralgia not otherwise explained.",
            note="Not on the Iranian reporting lists found; weekly reporting is a configurable default.",
        ),
        NotifiableDisease(
            key="tuberculosis", name_en="Tuberculosis", name_fa="سل",
            icd10_codes=("A15", "A16", "A17", "A18", "A19"), reporting="weekly", alert_rule="line_list",
            case_definition_en="Presumptive: cough for more than 2 weeks; confirmed bacteriologically or "
            "diagnosed clinically.",
        ),
    )
}


class Diagnosis(_Frozen):
    code: str
    label_en: str
    label_fa: str
    notifiable: str | None = None

    @field_validator("notifiable", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return value or None

    @model_validator(mode="after")
    def _checked(self) -> Diagnosis:
        if self.notifiable is not None and self.notifiable not in NOTIFIABLE_DISEASES:
            raise ValueError(f"diagnosis {self.code}: unknown notifiable disease {self.notifiable!r}")
        if self.code != normalize_icd10(self.code):
            raise ValueError(f"diagnosis {self.code}: write ICD-10 codes as {normalize_icd10(self.code)}")
        if not is_persian(self.label_fa):
            raise ValueError(f"diagnosis {self.code}: label_fa must be Persian text")
        return self


_DIAGNOSIS_HEADER: Final = ["code", "label_en", "label_fa", "notifiable"]


def load_site_config(path: Path) -> SiteConfig:
    """Read a site file (the sample's JSON shape); raises pydantic.ValidationError on an inconsistent file."""
    return SiteConfig.model_validate(json.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def load_sample_site() -> SiteConfig:
    """The shipped SAMPLE configuration: 3 units, 20 facilities. Not the real facility list."""
    return load_site_config(resource_path("reference", "sample_site.json"))


@lru_cache(maxsize=1)
def _diagnoses() -> tuple[Diagnosis, ...]:
    path = resource_path("reference", "diagnoses.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != _DIAGNOSIS_HEADER:
            raise ValueError(f"{path.name}: header must be {','.join(_DIAGNOSIS_HEADER)}")
        rows = tuple(Diagnosis.model_validate(row) for row in reader)
    codes = [d.code for d in rows]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise ValueError(f"{path.name}: duplicate codes {', '.join(duplicates)}")
    return rows


def load_diagnoses() -> list[Diagnosis]:
    """All diagnoses in file order (parsed once; each call returns a fresh list of the shared frozen rows)."""
    return list(_diagnoses())


@lru_cache(maxsize=1)
def _by_code() -> dict[str, Diagnosis]:
    return {d.code: d for d in _diagnoses()}


def normalize_icd10(code: str) -> str:
    """Canonical ICD-10 spelling: upper case, no spaces, dot after the category ("a001" -> "A00.1")."""
    compact = "".join(code.split()).upper().replace(".", "")
    return compact if len(compact) <= 3 else f"{compact[:3]}.{compact[3:]}"


def diagnosis_by_code(code: str) -> Diagnosis | None:
    return _by_code().get(normalize_icd10(code))


def notifiable_disease_for_code(code: str) -> NotifiableDisease | None:
    """The notifiable disease an ICD-10 code reports, from diagnoses.csv first (catches syndrome codes such as
    AFP), else by category prefix (so a subcode missing from the list still triggers surveillance)."""
    canonical = normalize_icd10(code)
    known = _by_code().get(canonical)
    if known is not None and known.notifiable is not None:
        return NOTIFIABLE_DISEASES[known.notifiable]
    for disease in NOTIFIABLE_DISEASES.values():
        if any(canonical.startswith(prefix) for prefix in disease.icd10_codes):
            return disease
    return None
