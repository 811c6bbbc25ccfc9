"""Labels for the stored values (sex, legal status, document types…) in the user's language.

Values that also appear on paper come from ``app.services.labels`` and disease names from the notifiable-disease
registry, so a screen and a referral slip never word the same value differently; labels that exist only on screens
(record types, chart flags, facility kinds, age bands) are translated through Qt here.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.ui import i18n


def _table(kind: str) -> dict[str, str]:
    from app.services.labels import choices

    return dict(choices(kind, i18n.current_lang()))


def _one(kind: str, code: str) -> str:
    from app.services.labels import label

    return label(kind, code, i18n.current_lang())


def sex() -> dict[str, str]:
    return _table("sex")


def nationality() -> dict[str, str]:
    return _table("nationality")


def legal_status() -> dict[str, str]:
    return _table("legal_status")


def relationship() -> dict[str, str]:
    return _table("relationship")


def document_type() -> dict[str, str]:
    from app.services.validation import DOC_TYPES

    known = _table("doc_type")
    return {code: known.get(code, code) for code in DOC_TYPES}


def urgency() -> dict[str, str]:
    return _table("urgency")


def role(code: str) -> str:
    return _one("role", code)


def payer() -> dict[str, str]:
    return _table("payer")


def category() -> dict[str, str]:
    return _table("category")


def scheme() -> dict[str, str]:
    return _table("scheme")


def disease(code: str) -> str:
    from app.core.diseases import shipped_registry

    d = shipped_registry().disease(code)
    return i18n.pick(d.name_en, d.name_fa) if d else code


def referral_status(code: str) -> str:
    return _one("referral_status", code)


def flag(code: str) -> str:
    return {"notifiable_case_recent": QCoreApplication.translate("labels", "Notifiable case in the last 30 days"),
            "follow_up_due": QCoreApplication.translate("labels", "Follow-up due this week"), "follow_up_missed": QCoreApplication.translate("labels", "Follow-up missed"),
            "no_insurance": QCoreApplication.translate("labels", "No insurance cover"), "insurance_expiring": QCoreApplication.translate("labels", "Insurance ends within 30 days"),
            "sensitive_status": QCoreApplication.translate("labels", "Sensitive status")}.get(code, code)


def facility_kind(code: str) -> str:
    return {"hospital": QCoreApplication.translate("labels", "Hospital"), "health_centre": QCoreApplication.translate("labels", "Health centre"),
            "health_post": QCoreApplication.translate("labels", "Health post")}.get(code, code)


def entity(code: str) -> str:
    """Record types as the Sync panel names them."""
    return {"patient": QCoreApplication.translate("labels", "Patients"),
            "household": QCoreApplication.translate("labels", "Households"),
            "identity_document": QCoreApplication.translate("labels", "Identity documents"),
            "visit": QCoreApplication.translate("labels", "Visits"),
            "visit_diagnosis": QCoreApplication.translate("labels", "Visit diagnoses"),
            "referral": QCoreApplication.translate("labels", "Referrals"),
            "surveillance_case": QCoreApplication.translate("labels", "Notifiable cases"),
            "enrolment": QCoreApplication.translate("labels", "Insurance enrolments"),
            "enrolment_member": QCoreApplication.translate("labels", "Enrolled members"),
            "roster_day": QCoreApplication.translate("labels", "Day plans"),
            "roster_staff": QCoreApplication.translate("labels", "Staff on duty"),
            "roster_patient": QCoreApplication.translate("labels", "Planned patients"),
            "audit_entry": QCoreApplication.translate("labels", "Audit trail"),
            "unit": QCoreApplication.translate("labels", "Units"),
            "facility": QCoreApplication.translate("labels", "Facilities"),
            "department": QCoreApplication.translate("labels", "Departments"),
            "diagnosis": QCoreApplication.translate("labels", "Diagnoses"),
            "user_account": QCoreApplication.translate("labels", "Staff accounts")}.get(code, code)


def certainty(code: str) -> str:
    return _one("certainty", code)


def age_band(band: str) -> str:
    return {"<5": QCoreApplication.translate("labels", "Under 5"),
            "5-17": QCoreApplication.translate("labels", "5 to 17"),
            "18-59": QCoreApplication.translate("labels", "18 to 59"),
            "60+": QCoreApplication.translate("labels", "60 and over")}.get(band, band)
