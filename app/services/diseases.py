"""Which notifiable-disease registry this laptop uses, and classifying a diagnosis with it.

Everything that opens, moves or discards a surveillance case asks here, so a new version
changes what the laptop flags without a reinstall.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.core.dates import age_years
from app.core.diseases import Disease, DiseaseRegistry, shipped_registry
from app.models import Patient


@dataclass(frozen=True)
class RegistryInUse:
    version: int
    label: str
    published_on: str
    source: str  # "shipped" or "headquarters"
    fingerprint: str


def active_registry(session: Session) -> DiseaseRegistry:
    return shipped_registry()


def registry_in_use(session: Session) -> RegistryInUse:
    reg = active_registry(session)
    source = "shipped" if reg == shipped_registry() else "headquarters"
    return RegistryInUse(reg.version, reg.label, reg.published_on, source, reg.fingerprint()[:12])


def age_at(patient: Patient, on: date) -> int | None:
    """Completed years on ``on``: exact from the date of birth, else from the birth year (estimated ages)."""
    if patient.date_of_birth is not None and patient.date_of_birth <= on:
        return age_years(patient.date_of_birth, on)
    if patient.birth_year:
        return max(0, on.year - patient.birth_year)
    return None


def disease_for(registry: DiseaseRegistry, code: str, patient: Patient, on: date) -> Disease | None:
    return registry.match(code, age_at(patient, on))
