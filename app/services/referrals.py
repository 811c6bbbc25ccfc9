"""Referring a patient to specialised care, and the feedback that comes back (docs/architecture.md, "Domain facts")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from app.core.codes import short_code
from app.models import AuditEntry, Department, Facility, Referral, Visit, new_id
from app.security.roles import Action
from app.services.context import Ctx, parse
from app.services.errors import NotFound, ValidationFailed, field_error
from app.services.insurance import cover_for_patient
from app.services.validation import check_not_future
from app.store.numbering import next_code

STATUSES = ("issued", "arrived", "seen", "feedback_received", "lost")


class ReferralIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    visit_id: str = Field(min_length=1)
    to_facility_id: str = Field(min_length=1)
    department: str = Field(min_length=1)
    urgency: Literal["routine", "urgent", "emergency"] = "routine"
    reason: str = Field(min_length=1, max_length=2000)
    findings: str = Field(default="", max_length=4000)
    treatment_given: str = Field(default="", max_length=4000)


class FeedbackIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    date_seen: date
    findings: str = Field(default="", max_length=4000)
    outcome: Literal["treated", "admitted", "referred_on", "died", "did_not_attend", "other"]
    advice: str = Field(default="", max_length=4000)

    @field_validator("date_seen")
    @classmethod
    def _past(cls, v: date, info: ValidationInfo) -> date:
        return check_not_future(v, (info.context or {}).get("today") or date.today())  # type: ignore[return-value]


@dataclass(frozen=True)
class ReferralIssued:
    referral_id: str
    referral_number: str
    short_code: str


def refer_patient(ctx: Ctx, data: ReferralIn | dict[str, Any]) -> ReferralIssued:
    ctx.require(Action.REFER_PATIENT)
    data = parse(ReferralIn, data, ctx)
    with ctx.write() as session:
        visit = session.get(Visit, data.visit_id)
        if visit is None or visit.deleted:
            raise ValidationFailed([field_error("visit_id", "value_error", detail="unknown visit")])
        errors = []
        if session.get(Facility, data.to_facility_id) is None:
            errors.append(field_error("to_facility_id", "unknown_facility"))
        if session.query(Department).filter_by(code=data.department).first() is None:
            errors.append(field_error("department", "unknown_department"))
        if errors:
            raise ValidationFailed(errors)
        cover = cover_for_patient(session, visit.patient_id, ctx.today())
        snapshot = None
        if cover is not None:
            snapshot = {"scheme": cover.scheme, "payer": cover.payer, "valid_until": cover.coverage_end.isoformat(),
                        "confirmation_number": cover.confirmation_number}
        referral_id = new_id()
        referral = Referral(
            id=referral_id, visit_id=visit.id, patient_id=visit.patient_id, from_facility_id=visit.facility_id,
            to_facility_id=data.to_facility_id, department=data.department, urgency=data.urgency, reason=data.reason,
            findings=data.findings or visit.findings, treatment_given=data.treatment_given or visit.treatment,
            insurance_snapshot=snapshot,
            referral_number=next_code(session, "next_referral_number", suffix="R"),
            short_code=short_code(referral_id), status="issued", issued_at=ctx.now(),
        )
        session.add(referral)
        session.add(AuditEntry(user_id=ctx.user_id, action="created", entity="referral", record_id=referral_id))
        return ReferralIssued(referral_id, referral.referral_number, referral.short_code)


def record_referral_feedback(ctx: Ctx, referral_id: str, data: FeedbackIn | dict[str, Any]) -> None:
    """The receiving facility's tear-off part, entered when it comes back (level 2 → level 1 feedback)."""
    ctx.require(Action.RECORD_REFERRAL_FEEDBACK)
    data = parse(FeedbackIn, data, ctx)
    with ctx.write() as session:
        referral = session.get(Referral, referral_id)
        if referral is None or referral.deleted:
            raise NotFound("referral", "ارجاع", referral_id)
        if referral.status == "feedback_received":
            raise ValidationFailed([field_error("outcome", "already_feedback")])
        if data.date_seen < referral.issued_at.date():
            raise ValidationFailed([field_error("date_seen", "value_error", detail="is before the referral was issued")])
        referral.feedback_date_seen = data.date_seen
        referral.feedback_findings = data.findings
        referral.feedback_outcome = data.outcome
        referral.feedback_advice = data.advice
        referral.status = "feedback_received"
        session.add(AuditEntry(user_id=ctx.user_id, action="changed", entity="referral", record_id=referral.id,
                               detail={"feedback": data.outcome}))


def set_referral_status(ctx: Ctx, referral_id: str, status: str) -> None:
    ctx.require(Action.RECORD_REFERRAL_FEEDBACK)
    if status not in STATUSES:
        raise ValidationFailed([field_error("status", "literal_error", expected=", ".join(STATUSES))])
    with ctx.write() as session:
        referral = session.get(Referral, referral_id)
        if referral is None or referral.deleted:
            raise NotFound("referral", "ارجاع", referral_id)
        before = referral.status
        referral.status = status
        session.add(AuditEntry(user_id=ctx.user_id, action="changed", entity="referral", record_id=referral.id,
                               detail={"status": [before, status]}))
