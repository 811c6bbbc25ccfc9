"""Surveillance cases: opened from a visit's diagnoses by the notifiable-disease registry, moved or discarded when
the diagnosis is corrected, and reclassified (suspected → probable → confirmed, or discarded) with who, when and why.

A case belongs to the laptop that recorded the visit (an owned record): every change here is a new version of it
made on that laptop, and it travels by sync like any other. A discarded case stays (history), but every count and
alert leaves it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.diseases import CLASSIFICATIONS, Disease, DiseaseRegistry
from app.models import AuditEntry, SurveillanceCase, User, Visit
from app.security.roles import Action
from app.services.context import Ctx, parse
from app.services.errors import NotFound, ValidationFailed, field_error
from app.services.validation import clean_text

# Which classification may follow which (a person's decision; test results follow the registry's rules).
_ALLOWED: dict[str, tuple[str, ...]] = {
    "suspected": ("probable", "confirmed", "discarded"),
    "probable": ("suspected", "confirmed", "discarded"),
    "confirmed": ("probable", "discarded"),  # a laboratory error found later
    "discarded": ("suspected", "probable", "confirmed"),  # reopened
}
_RANK = {"discarded": 0, "suspected": 1, "probable": 2, "confirmed": 3}


@dataclass(frozen=True)
class CaseWanted:
    disease: Disease
    code: str
    certainty: str
    onset: date | None


def wanted_cases(registry: DiseaseRegistry, diagnoses: list[tuple[str, str, date | None]], age: int | None
                 ) -> dict[str, CaseWanted]:
    """One case per disease among ``(code, certainty, onset)`` diagnoses, keyed by disease (first code wins)."""
    out: dict[str, CaseWanted] = {}
    for code, certainty, onset in diagnoses:
        disease = registry.match(code, age)
        if disease is None:
            continue
        have = out.get(disease.key)
        if have is None:
            out[disease.key] = CaseWanted(disease, code, certainty, onset)
        elif certainty == "confirmed" and have.certainty != "confirmed":
            out[disease.key] = CaseWanted(disease, have.code, "confirmed", have.onset or onset)
    return out


def _stamp(case: SurveillanceCase, ctx: Ctx, classification: str, reason: str) -> None:
    case.classification = classification
    case.classified_at = ctx.now()
    case.classified_by = ctx.user_id
    case.classification_reason = reason[:300]


def open_case(session: Session, ctx: Ctx, visit: Visit, want: CaseWanted, registry: DiseaseRegistry
              ) -> SurveillanceCase:
    case = SurveillanceCase(
        visit_id=visit.id, patient_id=visit.patient_id, disease=want.disease.key, icd10=want.code,
        classification="confirmed" if want.certainty == "confirmed" else "suspected", onset_date=want.onset,
        reported_date=visit.visit_date, facility_id=visit.facility_id, unit_id=visit.unit_id,
        immediate=want.disease.immediate, classified_at=ctx.now(), classified_by=ctx.user_id,
        classification_reason="recorded at the visit", registry_version=registry.version,
    )
    session.add(case)
    return case


def reconcile_cases(session: Session, ctx: Ctx, visit: Visit, wanted: dict[str, CaseWanted],
                    registry: DiseaseRegistry, *, why: str) -> list[dict[str, Any]]:
    """After a visit's diagnoses were corrected: a disease still diagnosed keeps its case (moved to the new code),
    one no longer diagnosed is discarded, a new one opens a case. Returns what changed (for the audit entry)."""
    existing = list(session.scalars(select(SurveillanceCase).where(
        SurveillanceCase.visit_id == visit.id, SurveillanceCase.deleted.is_(False))))
    by_disease = {c.disease: c for c in existing}
    changes: list[dict[str, Any]] = []
    for key, case in by_disease.items():
        want = wanted.get(key)
        if want is None:
            if case.classification != "discarded":
                changes.append({"case": case.id, "disease": key, "from": case.classification, "to": "discarded"})
                _stamp(case, ctx, "discarded", f"diagnosis corrected ({case.icd10} removed): {why}")
            continue
        if case.icd10 != want.code:
            changes.append({"case": case.id, "disease": key, "moved": [case.icd10, want.code]})
            case.icd10 = want.code
        target = case.classification
        if case.classification == "discarded":
            target = "confirmed" if want.certainty == "confirmed" else "suspected"
        elif want.certainty == "confirmed" and case.classification != "confirmed":
            target = "confirmed"
        if target != case.classification:
            changes.append({"case": case.id, "disease": key, "from": case.classification, "to": target})
            _stamp(case, ctx, target, f"diagnosis corrected: {why}")
        if want.onset != case.onset_date:
            case.onset_date = want.onset
    for key, want in wanted.items():
        if key not in by_disease:
            case = open_case(session, ctx, visit, want, registry)
            case.classification_reason = f"diagnosis corrected: {why}"
            session.flush()
            changes.append({"case": case.id, "disease": key, "opened": want.code})
    return changes


class ClassifyIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    classification: Literal["suspected", "probable", "confirmed", "discarded"]
    reason: str = Field(default="", max_length=300)


def classify_case(ctx: Ctx, case_id: str, data: ClassifyIn | dict[str, Any]) -> SurveillanceCase:
    """A person reclassifies a case (a clinician on the laptop that recorded it). Discarding, or moving a case
    down, needs a reason; every change leaves an audit entry that travels with the case."""
    ctx.require(Action.RECORD_VISIT)
    data = parse(ClassifyIn, data, ctx)
    reason = clean_text(data.reason)
    with ctx.write() as session:
        case = session.get(SurveillanceCase, case_id)
        if case is None or case.deleted:
            raise NotFound("case", "مورد", case_id)
        if data.classification == case.classification:
            return case
        if data.classification not in _ALLOWED[case.classification]:
            raise ValidationFailed([field_error("classification", "classification_step",
                                                frm=case.classification, to=data.classification)])
        downgrade = _RANK[data.classification] < _RANK[case.classification]
        if (downgrade or case.classification == "discarded") and not reason:
            raise ValidationFailed([field_error("classification_reason", "missing")])
        before = case.classification
        _stamp(case, ctx, data.classification, reason or "reclassified")
        session.add(AuditEntry(user_id=ctx.user_id, action="reclassified", entity="surveillance_case",
                               record_id=case.id, detail={"from": before, "to": data.classification,
                                                          "reason": reason}))
        return case


def allowed_moves(classification: str) -> tuple[str, ...]:
    """The classifications a person may move a case to from ``classification`` (in the service's order)."""
    return _ALLOWED.get(classification, ())


@dataclass(frozen=True)
class CaseMove:
    """One step of a case's history: when, who (name in the reader's language), from → to, and why."""

    at: datetime
    user_name: str
    frm: str  # "" when the case was opened
    to: str
    reason: str


def case_history(ctx: Ctx, case_id: str) -> list[CaseMove]:
    """How a case's classification moved, oldest first: opened at the visit, then each reclassification and each
    test result that moved it (from the audit entries that travel with the case)."""
    from app.services.diseases import active_registry
    from app.services.labels import label as service_label

    def outcome_label(code: str) -> str:
        return service_label("test_outcome", code, ctx.lang)

    ctx.require(Action.VIEW_PATIENT)
    with ctx.read() as session:
        case = session.get(SurveillanceCase, case_id)
        if case is None or case.deleted:
            raise NotFound("case", "مورد", case_id)
        names: dict[str | None, str] = {}

        def name(user_id: str | None) -> str:
            if user_id not in names:
                user = session.get(User, user_id) if user_id else None
                names[user_id] = "" if user is None else (
                    (user.full_name_fa or user.full_name_en) if ctx.lang == "fa" else
                    (user.full_name_en or user.full_name_fa))
            return names[user_id]

        entries = list(session.scalars(select(AuditEntry).where(
            AuditEntry.entity == "surveillance_case", AuditEntry.record_id == case_id,
            AuditEntry.deleted.is_(False)).order_by(AuditEntry.hlc, AuditEntry.created_at, AuditEntry.id)))
        registry = active_registry(session)
        first = next((e.detail.get("from") for e in entries if e.detail.get("from")), case.classification)
        moves = [CaseMove(case.created_at, name(case.created_by), "", str(first), "recorded at the visit")]
        for e in entries:
            to = e.detail.get("to")
            if not to:
                continue
            reason = str(e.detail.get("reason") or "")
            if e.action == "test_result":
                test = registry.test(str(e.detail.get("test", "")))
                label = (test.name_fa if ctx.lang == "fa" else test.name_en) if test else str(e.detail.get("test"))
                reason = f"{label}: {outcome_label(str(e.detail.get('outcome', '')))}"
            moves.append(CaseMove(e.created_at, name(e.user_id), str(e.detail.get("from") or ""), str(to), reason))
        return moves


__all__ = ["CLASSIFICATIONS", "CaseMove", "CaseWanted", "ClassifyIn", "allowed_moves", "case_history",
           "classify_case", "open_case", "reconcile_cases", "wanted_cases"]
