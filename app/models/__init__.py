"""The record model. Importing this package registers every table on ``Base.metadata``."""

from app.models.base import Base, SyncMixin, new_id, to_payload, utcnow
from app.models.clinical import Referral, SurveillanceCase, Visit, VisitDiagnosis
from app.models.insurance import Enrolment, EnrolmentMember
from app.models.journal import AuditEntry, ChangeLog, DeviceState
from app.models.people import Household, IdentityDocument, Patient, PatientSearchToken
from app.models.reference import Department, Diagnosis, Facility, Unit, User
from app.models.roster import RosterDay, RosterPatient, RosterStaff
from app.models.sync_state import SyncBase, SyncConflict, SyncIdentity, SyncParked

SYNCED_MODELS: dict[str, type[SyncMixin]] = {
    m.__tablename__: m  # type: ignore[attr-defined]
    for m in (
        Unit, Facility, Department, Diagnosis, User, Household, Patient, IdentityDocument, Visit, VisitDiagnosis,
        Referral, SurveillanceCase, Enrolment, EnrolmentMember, RosterDay, RosterStaff, RosterPatient, AuditEntry,
    )
}

__all__ = [
    "AuditEntry", "Base", "ChangeLog", "Department", "DeviceState", "Diagnosis", "Enrolment", "EnrolmentMember",
    "Facility", "Household", "IdentityDocument", "Patient", "PatientSearchToken", "Referral", "RosterDay",
    "RosterPatient", "RosterStaff", "SYNCED_MODELS", "SurveillanceCase", "SyncBase", "SyncConflict", "SyncIdentity",
    "SyncMixin", "SyncParked", "Unit", "User", "Visit",
    "VisitDiagnosis", "new_id", "to_payload", "utcnow",
]
