"""One declaration per synced entity: the only list of what travels and how (docs/architecture.md, "Synced entities").

Everything that moves, checks, merges or indexes records reads this registry: the change-log hook and the bulk loader
(what is stamped and logged, upload priority), the outbox and the inbox, the server's writer and change feed, patient
merges on the laptop and centrally, the central schema and headquarters' tables. A new synced table is declared here
once; nothing else keeps its own list of entities.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from sqlalchemy import Table

from app.models.base import SyncMixin
from app.models.clinical import CaseInvestigation, Referral, SurveillanceCase, TestResult, Visit, VisitDiagnosis
from app.models.immunisation import AdverseEvent, Campaign, CampaignTally, ImmunisationDose
from app.models.insurance import Enrolment, EnrolmentMember
from app.models.journal import AuditEntry
from app.models.people import Household, IdentityDocument, Patient
from app.models.reference import Department, Diagnosis, DiseaseList, Facility, Unit, User
from app.models.roster import RosterDay, RosterPatient, RosterStaff


class Policy(StrEnum):
    """How concurrent writes are reconciled."""

    # Written by headquarters only; every laptop holds the same copy.
    REFERENCE = "reference"
    # Edited on any laptop that holds the record; merged field by field by clock stamp, losers kept as conflicts.
    SHARED = "shared"
    # Belongs to the device that created it: only that device changes it, corrections are new versions.
    OWNED = "owned"
    # Written once by the device that made it and never changed or removed (the audit trail).
    APPEND_ONLY = "append_only"


class Writer(StrEnum):
    """Who may send a change to an entity."""

    HEADQUARTERS = "headquarters"  # changes signed by headquarters
    OWNER = "owner"  # the device named in the record's device_id, and only it
    ANY_DEVICE = "any_device"  # any enrolled device that holds the record


class Feed(StrEnum):
    """Which laptops receive an entity from the central change feed."""

    ALL = "all"  # every laptop (reference data)
    UNIT = "unit"  # laptops that need the record: its unit's, and those a referral involves
    WITH_REFERRAL = "with_referral"  # only alongside a referral that points at it (the referring visit)
    NONE = "none"  # stays on the server


@dataclass(frozen=True)
class SyncedEntity:
    model: type[SyncMixin]
    policy: Policy
    writers: frozenset[Writer]
    feed: Feed
    # Columns holding a patient's id: re-pointed when that patient is merged into another.
    patient_pointers: tuple[str, ...] = ()
    # Sent ahead of everything else (with the records they need), so headquarters hears of them first.
    priority: int = 0
    # The column naming the patient whose local search index this record feeds ("id" for the patient itself).
    indexes_patient: str | None = None
    # The column naming the patient whose derived immunisation due rows this record feeds (app.store.immunisation_due).
    schedules_patient: str | None = None
    # Columns holding a coded value, and the code list (app.services.labels kind) it comes from.
    coded: Mapping[str, str] = field(default_factory=dict)
    # The column naming the unit a record belongs to: the server accepts it only with the sending device's own
    # unit (trust rules, docs/architecture.md).
    unit_column: str | None = None
    # Who receives it from the feed (trust rules: a laptop holds what its unit needs). ``feed_unit``: the column
    # naming the unit whose laptops receive it; ``feed_patient``: the column naming a patient, so laptops holding
    # that patient (its own unit's, and units it was referred to or looked up by) receive it. Neither: every laptop.
    feed_unit: str | None = None
    feed_patient: str | None = None
    # It identifies the person (identity documents): it reaches the patient's own unit and a unit that looked the
    # patient up explicitly, never a unit the patient was only referred to.
    identifies: bool = False

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[attr-defined,no-any-return]

    @property
    def merges_fields(self) -> bool:
        return self.policy is Policy.SHARED

    @property
    def owned_by_device(self) -> bool:
        return Writer.OWNER in self.writers and self.policy in (Policy.OWNED, Policy.APPEND_ONLY)

    @property
    def headquarters_only(self) -> bool:
        """Only headquarters changes it: a device's change is refused by the server, and a laptop applies it from
        the feed only with headquarters' signature."""
        return self.writers == {Writer.HEADQUARTERS}


def _entity(model: type[Any], policy: Policy, writers: set[Writer], feed: Feed, **kw: Any) -> SyncedEntity:
    return SyncedEntity(model=model, policy=policy, writers=frozenset(writers), feed=feed, **kw)


_HQ, _OWNER, _ANY = Writer.HEADQUARTERS, Writer.OWNER, Writer.ANY_DEVICE

# In dependency order: a record's parents come before it (upload and apply order follow it).
_DECLARATIONS: tuple[SyncedEntity, ...] = (
    _entity(Unit, Policy.REFERENCE, {_HQ}, Feed.ALL),
    _entity(Facility, Policy.REFERENCE, {_HQ}, Feed.ALL),
    _entity(Department, Policy.REFERENCE, {_HQ}, Feed.ALL),
    _entity(Diagnosis, Policy.REFERENCE, {_HQ}, Feed.ALL),
    # Notifiable-disease registry versions, signed by headquarters: a new one changes what laptops flag.
    _entity(DiseaseList, Policy.REFERENCE, {_HQ}, Feed.ALL),
    # Staff accounts reach their own unit's laptops only.
    _entity(User, Policy.REFERENCE, {_HQ}, Feed.UNIT, coded={"role": "role"}, feed_unit="unit_id"),
    _entity(Household, Policy.SHARED, {_ANY}, Feed.UNIT, patient_pointers=("head_patient_id",), feed_unit="unit_id",
            feed_patient="head_patient_id"),
    _entity(Patient, Policy.SHARED, {_ANY}, Feed.UNIT, indexes_patient="id", schedules_patient="id",
            coded={"sex": "sex", "nationality": "nationality", "legal_status": "legal_status",
                   "relationship_to_head": "relationship"}, feed_unit="registered_unit_id", feed_patient="id"),
    _entity(IdentityDocument, Policy.SHARED, {_ANY}, Feed.UNIT, patient_pointers=("patient_id",),
            indexes_patient="patient_id", coded={"doc_type": "doc_type"}, feed_patient="patient_id", identifies=True),
    _entity(Visit, Policy.OWNED, {_OWNER}, Feed.WITH_REFERRAL, patient_pointers=("patient_id",),
            schedules_patient="patient_id",
            coded={"visit_type": "visit_type"}, unit_column="unit_id"),
    _entity(VisitDiagnosis, Policy.OWNED, {_OWNER}, Feed.NONE, coded={"certainty": "certainty"}),
    _entity(Referral, Policy.OWNED, {_OWNER}, Feed.UNIT, patient_pointers=("patient_id",), feed_patient="patient_id",
            coded={"urgency": "urgency", "status": "referral_status", "feedback_outcome": "outcome"}),
    _entity(SurveillanceCase, Policy.OWNED, {_OWNER}, Feed.NONE, patient_pointers=("patient_id",), priority=1,
            coded={"classification": "certainty"}, unit_column="unit_id"),
    _entity(TestResult, Policy.OWNED, {_OWNER}, Feed.NONE, patient_pointers=("patient_id",), priority=1),
    _entity(CaseInvestigation, Policy.OWNED, {_OWNER}, Feed.NONE, patient_pointers=("patient_id",), priority=1),
    _entity(Enrolment, Policy.OWNED, {_OWNER}, Feed.NONE, patient_pointers=("head_patient_id",),
            coded={"scheme": "scheme", "category": "category", "payer": "payer"}, unit_column="unit_id"),
    _entity(EnrolmentMember, Policy.OWNED, {_OWNER}, Feed.NONE, patient_pointers=("patient_id",)),
    _entity(RosterDay, Policy.OWNED, {_OWNER}, Feed.NONE, unit_column="unit_id"),
    _entity(RosterStaff, Policy.OWNED, {_OWNER}, Feed.NONE),
    _entity(RosterPatient, Policy.OWNED, {_OWNER}, Feed.NONE, patient_pointers=("patient_id",)),
    # Immunisation (issue 18): doses travel with the unit's patients (a child vaccinated by one unit is seen by
    # another); adverse events and campaigns stay on the server, where headquarters reports them.
    _entity(ImmunisationDose, Policy.OWNED, {_OWNER}, Feed.UNIT, patient_pointers=("patient_id",),
            schedules_patient="patient_id", feed_patient="patient_id", coded={"vaccine": "vaccine", "source": "dose_source", "site": "dose_site",
                                                   "place": "dose_place"}),
    _entity(AdverseEvent, Policy.OWNED, {_OWNER}, Feed.NONE, patient_pointers=("patient_id",), priority=1,
            coded={"vaccine": "vaccine", "outcome": "aefi_outcome"}),
    _entity(Campaign, Policy.OWNED, {_OWNER}, Feed.NONE, coded={"vaccine": "vaccine"}),
    _entity(CampaignTally, Policy.OWNED, {_OWNER}, Feed.NONE,
            coded={"age_band": "campaign_band", "sex": "sex", "nationality": "nationality",
                   "outcome": "campaign_outcome"}),
    _entity(AuditEntry, Policy.APPEND_ONLY, {_OWNER}, Feed.NONE),
)

REGISTRY: Mapping[str, SyncedEntity] = MappingProxyType({e.name: e for e in _DECLARATIONS})


def entity(name: str) -> SyncedEntity:
    """The declaration of ``name``; KeyError for a table that does not sync."""
    return REGISTRY[name]


def is_synced(name: str) -> bool:
    return name in REGISTRY


def entities() -> Iterator[SyncedEntity]:
    """Every declaration, parents before children."""
    return iter(_DECLARATIONS)


def for_model(model: type[Any]) -> SyncedEntity | None:
    table = getattr(model, "__table__", None)
    return REGISTRY.get(table.name) if table is not None else None


def patient_pointers() -> Iterator[tuple[SyncedEntity, str]]:
    """Every (entity, column) that holds a patient's id: what a merge re-points."""
    for e in _DECLARATIONS:
        for col in e.patient_pointers:
            yield e, col


def in_feed() -> tuple[SyncedEntity, ...]:
    """Entities the change feed serves on their own (``WITH_REFERRAL`` ones travel inside a referral's item)."""
    return tuple(e for e in _DECLARATIONS if e.feed in (Feed.ALL, Feed.UNIT))


def _check() -> None:
    # Declarations that contradict themselves are a programming error: fail at import, where a test sees it.
    for e in _DECLARATIONS:
        cols = set(e.table.columns.keys())
        for col in (*e.patient_pointers, *e.coded, *([e.indexes_patient] if e.indexes_patient else []),
                    *([e.schedules_patient] if e.schedules_patient else []),
                    *([e.unit_column] if e.unit_column else []), *([e.feed_unit] if e.feed_unit else []),
                    *([e.feed_patient] if e.feed_patient else [])):
            if col not in cols:
                raise RuntimeError(f"registry: {e.name} has no column {col!r}")
        if e.feed is Feed.UNIT and not (e.feed_unit or e.feed_patient):
            raise RuntimeError(f"registry: {e.name} goes to some units' laptops but names neither unit nor patient")
        if e.policy is Policy.REFERENCE and e.writers != {Writer.HEADQUARTERS}:
            raise RuntimeError(f"registry: reference entity {e.name} must be written by headquarters only")
        if e.policy in (Policy.OWNED, Policy.APPEND_ONLY) and e.writers != {Writer.OWNER}:
            raise RuntimeError(f"registry: {e.name} belongs to its device and must be written by its owner only")
    seen: set[str] = set()
    for e in _DECLARATIONS:
        for fk in e.table.foreign_keys:
            parent = fk.column.table.name
            if parent in REGISTRY and parent not in seen and parent != e.name:
                raise RuntimeError(f"registry: {e.name} is declared before its parent {parent}")
        seen.add(e.name)
    undeclared = {c.__tablename__ for c in SyncMixin.__subclasses__()} - set(REGISTRY)  # type: ignore[attr-defined]
    if undeclared:
        raise RuntimeError(f"registry: synced tables without a declaration: {sorted(undeclared)}")


_check()
