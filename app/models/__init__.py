"""The record model. Importing this package registers every table on ``Base.metadata``."""

from app.models.base import Base, SyncMixin, new_id, utcnow
from app.models.clinical import CaseInvestigation, Referral, SurveillanceCase, TestResult, Visit, VisitDiagnosis
from app.models.duplicates import DuplicateDirty, DuplicateReviewPair, DuplicateReviewState
from app.models.immunisation import (
    AdverseEvent,
    Campaign,
    CampaignTally,
    ImmunisationChild,
    ImmunisationDose,
    ImmunisationDue,
)
from app.models.insurance import Enrolment, EnrolmentMember
from app.models.journal import AuditEntry, ChangeLog, ChangeLogArchive, DeviceState
from app.models.people import Household, IdentityDocument, Patient, PatientSearchEntry, PatientSearchToken
from app.models.reference import Department, Diagnosis, DiseaseList, Facility, Unit, User
from app.models.registry import REGISTRY  # noqa: E402 - needs every model above
from app.models.roster import RosterDay, RosterPatient, RosterStaff
from app.models.sync_state import SyncBase, SyncConflict, SyncIdentity, SyncParked

# Model of each synced entity, by name (derived from the registry, which is the one list).
SYNCED_MODELS: dict[str, type[SyncMixin]] = {name: e.model for name, e in REGISTRY.items()}

__all__ = [
    "AdverseEvent", "Campaign", "CampaignTally", "ImmunisationChild", "ImmunisationDose", "ImmunisationDue",
    "AuditEntry", "Base", "CaseInvestigation", "DiseaseList", "TestResult", "ChangeLog", "ChangeLogArchive", "Department", "DeviceState", "Diagnosis", "Enrolment", "EnrolmentMember",
    "Facility", "Household", "IdentityDocument", "Patient", "PatientSearchEntry", "PatientSearchToken", "Referral", "RosterDay",
    "RosterPatient", "RosterStaff", "REGISTRY", "SYNCED_MODELS", "SurveillanceCase", "SyncBase", "SyncConflict", "SyncIdentity",
    "SyncMixin", "SyncParked", "Unit", "User", "Visit", "DuplicateDirty", "DuplicateReviewPair", "DuplicateReviewState",
    "VisitDiagnosis", "new_id", "utcnow",
]
