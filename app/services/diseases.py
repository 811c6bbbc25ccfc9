"""Which notifiable-disease registry this laptop uses, and classifying a diagnosis with it.

Everything that opens, moves or discards a surveillance case asks here, so a new version
changes what the laptop flags without a reinstall.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.dates import age_years
from app.core.diseases import (
    Disease,
    DiseaseRegistry,
    canonical_bytes,
    parse_registry,
    shipped_registry,
    signed_bytes,
)
from app.models import DiseaseList, Patient, SyncIdentity


@dataclass(frozen=True)
class RegistryInUse:
    version: int
    label: str
    published_on: str
    source: str  # "shipped" or "headquarters"
    fingerprint: str


_cache: dict[tuple[int, str], DiseaseRegistry] = {}


def _verified(row: DiseaseList, hq_sign_public: bytes | None) -> DiseaseRegistry | None:
    """The registry of a version received by the feed, if headquarters' signature over it checks."""
    from app.sync import crypto

    key = (row.list_version, row.sha256)
    if key in _cache:
        return _cache[key]
    if hq_sign_public is None:
        return None
    try:
        signature = crypto.unb64(row.signature, 64)
        content = row.content
        if hashlib.sha256(canonical_bytes(content)).hexdigest() != row.sha256:
            return None
        if not crypto.verify(hq_sign_public, signature, signed_bytes(content)):
            return None
        registry = parse_registry(content)
    except (ValueError, TypeError, ValidationError):
        return None
    if registry.version != row.list_version:
        return None
    _cache[key] = registry
    return registry


def active_registry(session: Session) -> DiseaseRegistry:
    """The newest registry version headquarters published and signed that reached this laptop by the feed, else
    the one shipped with Sayyar. A version whose signature does not check is never used."""
    shipped = shipped_registry()
    rows = session.scalars(select(DiseaseList).where(DiseaseList.deleted.is_(False),
                                                     DiseaseList.list_version > shipped.version)
                           .order_by(DiseaseList.list_version.desc())).all()
    if not rows:
        return shipped
    ident = session.get(SyncIdentity, 1)
    public = ident.hq_sign_public if ident is not None else None
    for row in rows:
        found = _verified(row, public)
        if found is not None:
            return found
    return shipped


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
