"""Translated labels for the service's stored values (sex, legal status, document types…).

One place, so every screen says "Amayesh card holder" (or its Persian) the same way.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("labels", text)


def sex() -> dict[str, str]:
    return {"female": _t("Female"), "male": _t("Male")}


def nationality() -> dict[str, str]:
    return {"afghan": _t("Afghan"), "iranian": _t("Iranian"), "pakistani": _t("Pakistani"), "iraqi": _t("Iraqi"),
            "other": _t("Other"), "unknown": _t("Unknown")}


def legal_status() -> dict[str, str]:
    return {"amayesh": _t("Amayesh card holder"), "headcount": _t("Head-counted (slip)"),
            "passport_visa": _t("Passport and visa"), "residence_permit": _t("Residence permit"),
            "undocumented": _t("Undocumented"), "iranian_national": _t("Iranian national")}


def relationship() -> dict[str, str]:
    return {"": _t("—"), "head": _t("Head of household"), "spouse": _t("Spouse"), "child": _t("Child"),
            "parent": _t("Parent"), "sibling": _t("Sibling"), "grandchild": _t("Grandchild"),
            "other_relative": _t("Other relative"), "other": _t("Other")}


def document_type() -> dict[str, str]:
    from app.services.validation import DOC_TYPES

    known = {"amayesh_card": _t("Amayesh card"), "smart_card": _t("Smart foreign-national card"),
             "headcount_slip": _t("Headcount slip"), "passport": _t("Passport"), "visa": _t("Visa"),
             "residence_permit": _t("Residence permit card"), "tazkira": _t("Afghan Tazkira"),
             "e_tazkira": _t("e-Tazkira"), "national_id": _t("Iranian national ID"),
             "code_yekta": _t("Code Yekta"), "shenaseh_faragir": _t("Shenaseh Faragir"),
             "laissez_passer": _t("Laissez-passer"), "other": _t("Other document")}
    return {code: known.get(code, code) for code in DOC_TYPES}


def urgency() -> dict[str, str]:
    return {"routine": _t("Routine"), "urgent": _t("Urgent"), "emergency": _t("Emergency")}


def role(code: str) -> str:
    return {"clinician": _t("Clinician"), "coordinator": _t("Coordinator"), "unit_admin": _t("Unit administrator"),
            "headquarters": _t("Headquarters")}.get(code, code)


def payer() -> dict[str, str]:
    return {"unhcr": _t("UNHCR"), "iom": _t("IOM (gift card / voucher)"), "self": _t("Self"),
            "government": _t("Government")}


def category() -> dict[str, str]:
    return {"vulnerable": _t("Vulnerable"), "special_disease": _t("Special disease"),
            "premium_payer": _t("Premium payer")}


def scheme() -> dict[str, str]:
    return {"uphi": _t("Refugee health insurance (UPHI)"), "salamat": _t("Iran Health Insurance (Salamat)"),
            "other": _t("Other scheme")}


def disease(code: str) -> str:
    return {"cholera": _t("Cholera"), "measles": _t("Measles"), "rubella": _t("Rubella"), "polio": _t("Polio"),
            "malaria": _t("Malaria"), "dengue": _t("Dengue"), "chikungunya": _t("Chikungunya"),
            "tuberculosis": _t("Tuberculosis")}.get(code, code)


def referral_status(code: str) -> str:
    return {"issued": _t("Issued"), "arrived": _t("Arrived"), "seen": _t("Seen"),
            "feedback_received": _t("Feedback received"), "lost": _t("Lost to follow-up")}.get(code, code)


def flag(code: str) -> str:
    return {"notifiable_case_recent": _t("Notifiable case in the last 30 days"),
            "follow_up_due": _t("Follow-up due this week"), "follow_up_missed": _t("Follow-up missed"),
            "no_insurance": _t("No insurance cover"), "insurance_expiring": _t("Insurance ends within 30 days"),
            "sensitive_status": _t("Sensitive status")}.get(code, code)


def facility_kind(code: str) -> str:
    return {"hospital": _t("Hospital"), "health_centre": _t("Health centre"),
            "health_post": _t("Health post")}.get(code, code)
