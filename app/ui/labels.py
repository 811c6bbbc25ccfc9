"""Translated labels for the service's stored values (sex, legal status, document types…).

One place, so every screen says "Amayesh card holder" (or its Persian) the same way.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication



def sex() -> dict[str, str]:
    return {"female": QCoreApplication.translate("labels", "Female"), "male": QCoreApplication.translate("labels", "Male")}


def nationality() -> dict[str, str]:
    return {"afghan": QCoreApplication.translate("labels", "Afghan"), "iranian": QCoreApplication.translate("labels", "Iranian"), "pakistani": QCoreApplication.translate("labels", "Pakistani"), "iraqi": QCoreApplication.translate("labels", "Iraqi"),
            "other": QCoreApplication.translate("labels", "Other"), "unknown": QCoreApplication.translate("labels", "Unknown")}


def legal_status() -> dict[str, str]:
    return {"amayesh": QCoreApplication.translate("labels", "Amayesh card holder"), "headcount": QCoreApplication.translate("labels", "Head-counted (slip)"),
            "passport_visa": QCoreApplication.translate("labels", "Passport and visa"), "residence_permit": QCoreApplication.translate("labels", "Residence permit"),
            "undocumented": QCoreApplication.translate("labels", "Undocumented"), "iranian_national": QCoreApplication.translate("labels", "Iranian national")}


def relationship() -> dict[str, str]:
    return {"": QCoreApplication.translate("labels", "—"), "head": QCoreApplication.translate("labels", "Head of household"), "spouse": QCoreApplication.translate("labels", "Spouse"), "child": QCoreApplication.translate("labels", "Child"),
            "parent": QCoreApplication.translate("labels", "Parent"), "sibling": QCoreApplication.translate("labels", "Sibling"), "grandchild": QCoreApplication.translate("labels", "Grandchild"),
            "other_relative": QCoreApplication.translate("labels", "Other relative"), "other": QCoreApplication.translate("labels", "Other")}


def document_type() -> dict[str, str]:
    from app.services.validation import DOC_TYPES

    known = {"amayesh_card": QCoreApplication.translate("labels", "Amayesh card"), "smart_card": QCoreApplication.translate("labels", "Smart foreign-national card"),
             "headcount_slip": QCoreApplication.translate("labels", "Headcount slip"), "passport": QCoreApplication.translate("labels", "Passport"), "visa": QCoreApplication.translate("labels", "Visa"),
             "residence_permit": QCoreApplication.translate("labels", "Residence permit card"), "tazkira": QCoreApplication.translate("labels", "Afghan Tazkira"),
             "e_tazkira": QCoreApplication.translate("labels", "e-Tazkira"), "national_id": QCoreApplication.translate("labels", "Iranian national ID"),
             "code_yekta": QCoreApplication.translate("labels", "Code Yekta"), "shenaseh_faragir": QCoreApplication.translate("labels", "Shenaseh Faragir"),
             "laissez_passer": QCoreApplication.translate("labels", "Laissez-passer"), "other": QCoreApplication.translate("labels", "Other document")}
    return {code: known.get(code, code) for code in DOC_TYPES}


def urgency() -> dict[str, str]:
    return {"routine": QCoreApplication.translate("labels", "Routine"), "urgent": QCoreApplication.translate("labels", "Urgent"), "emergency": QCoreApplication.translate("labels", "Emergency")}


def role(code: str) -> str:
    return {"clinician": QCoreApplication.translate("labels", "Clinician"), "coordinator": QCoreApplication.translate("labels", "Coordinator"), "unit_admin": QCoreApplication.translate("labels", "Unit administrator"),
            "headquarters": QCoreApplication.translate("labels", "Headquarters")}.get(code, code)


def payer() -> dict[str, str]:
    return {"unhcr": QCoreApplication.translate("labels", "UNHCR"), "iom": QCoreApplication.translate("labels", "IOM (gift card / voucher)"), "self": QCoreApplication.translate("labels", "Self"),
            "government": QCoreApplication.translate("labels", "Government")}


def category() -> dict[str, str]:
    return {"vulnerable": QCoreApplication.translate("labels", "Vulnerable"), "special_disease": QCoreApplication.translate("labels", "Special disease"),
            "premium_payer": QCoreApplication.translate("labels", "Premium payer")}


def scheme() -> dict[str, str]:
    return {"uphi": QCoreApplication.translate("labels", "Refugee health insurance (UPHI)"), "salamat": QCoreApplication.translate("labels", "Iran Health Insurance (Salamat)"),
            "other": QCoreApplication.translate("labels", "Other scheme")}


def disease(code: str) -> str:
    return {"cholera": QCoreApplication.translate("labels", "Cholera"), "measles": QCoreApplication.translate("labels", "Measles"), "rubella": QCoreApplication.translate("labels", "Rubella"), "polio": QCoreApplication.translate("labels", "Polio"),
            "malaria": QCoreApplication.translate("labels", "Malaria"), "dengue": QCoreApplication.translate("labels", "Dengue"), "chikungunya": QCoreApplication.translate("labels", "Chikungunya"),
            "tuberculosis": QCoreApplication.translate("labels", "Tuberculosis")}.get(code, code)


def referral_status(code: str) -> str:
    return {"issued": QCoreApplication.translate("labels", "Issued"), "arrived": QCoreApplication.translate("labels", "Arrived"), "seen": QCoreApplication.translate("labels", "Seen"),
            "feedback_received": QCoreApplication.translate("labels", "Feedback received"), "lost": QCoreApplication.translate("labels", "Lost to follow-up")}.get(code, code)


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
    return {"suspected": QCoreApplication.translate("labels", "suspected"),
            "probable": QCoreApplication.translate("labels", "probable"),
            "confirmed": QCoreApplication.translate("labels", "confirmed"),
            "discarded": QCoreApplication.translate("labels", "discarded")}.get(code, code)


def age_band(band: str) -> str:
    return {"<5": QCoreApplication.translate("labels", "Under 5"),
            "5-17": QCoreApplication.translate("labels", "5 to 17"),
            "18-59": QCoreApplication.translate("labels", "18 to 59"),
            "60+": QCoreApplication.translate("labels", "60 and over")}.get(band, band)
