"""Reference data: site configuration (units, facilities, departments, users) and ICD-10 diagnoses. Notifiable
diseases are a registry of their own (``app.core.diseases``).

The shipped site file is a SAMPLE (the real facility list is not public); ``load_site_config`` reads an
administrator-supplied file of the same shape. Models are frozen so cached objects can be shared safely.
"""

from __future__ import annotations

import csv
import json
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from app.core.persian import is_persian
from app.resources import resource_path

Partner = Literal["Ministry of Health", "Iranian Red Crescent Society"]
FacilityKind = Literal["health_post", "health_centre", "hospital"]
Role = Literal["clinician", "coordinator", "unit_admin", "headquarters"]


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


class Diagnosis(_Frozen):
    code: str
    label_en: str
    label_fa: str

    @property
    def notifiable(self) -> str | None:
        """The disease this code reports in the shipped registry, whatever the age (``app.core.diseases``)."""
        from app.core.diseases import shipped_registry

        found = shipped_registry().match(self.code)
        return found.key if found else None

    @model_validator(mode="after")
    def _checked(self) -> Diagnosis:
        if self.code != normalize_icd10(self.code):
            raise ValueError(f"diagnosis {self.code}: write ICD-10 codes as {normalize_icd10(self.code)}")
        if not is_persian(self.label_fa):
            raise ValueError(f"diagnosis {self.code}: label_fa must be Persian text")
        return self


_DIAGNOSIS_HEADER: Final = ["code", "label_en", "label_fa"]


def load_site_config(path: Path) -> SiteConfig:
    """Read a site file (the sample's JSON shape); raises pydantic.ValidationError on an inconsistent file."""
    return SiteConfig.model_validate(json.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def reference_id(kind: str, code: str) -> str:
    """Reference rows get the same id on every laptop (and the server), so the records that point at them agree
    after sync (sync issue #5): a random id per laptop would give three "MHU-ZAH" units centrally."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"sayyar:{kind}:{code}"))


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
    from app.core.diseases import normalize_code

    return normalize_code(code)


def diagnosis_by_code(code: str) -> Diagnosis | None:
    return _by_code().get(normalize_icd10(code))
