"""Test results for surveillance cases, and the case-investigation form (issue 16, items 2 and 4).

A result is recorded on the laptop that holds the case: at the visit (an RDT done by the unit) or later, when the
laboratory or the receiving facility sends it back. It is its own record (owned by this laptop, it travels by sync)
and it moves the case by the registry's rule for that disease and test: a positive result confirms (or makes
probable), a negative one may discard. A negative result never discards a case another positive result confirmed;
a positive result reopens a discarded case. Every move leaves the case's who / when / why, like a person's
reclassification (app.services.cases).

The investigation form (malaria in an elimination setting): travel in the 30 days before onset, the countries and
provinces visited, where the infection was acquired, household contacts tested and positive. One per case; saving
it again makes a new version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlalchemy import select

from app.core.diseases import DiseaseRegistry
from app.models import AuditEntry, CaseInvestigation, SurveillanceCase, TestResult
from app.security.roles import Action
from app.services.context import Ctx, parse
from app.services.diseases import active_registry
from app.services.errors import NotFound, ValidationFailed, field_error
from app.services.validation import clean_text

ORIGINS = ("imported", "indigenous", "introduced", "induced", "relapse", "unknown")
_RANK = {"discarded": 0, "suspected": 1, "probable": 2, "confirmed": 3}


def _not_future(v: date | None, info: ValidationInfo) -> date | None:
    today = (info.context or {}).get("today")
    if v is not None and today is not None and v > today:
        raise ValueError("cannot be in the future")
    return v


class ResultIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    test: str = Field(min_length=1, max_length=30)
    subtype: str = Field(default="", max_length=30)
    outcome: Literal["positive", "negative", "indeterminate"]
    sample_date: date | None = None
    result_date: date
    lab: str = Field(default="", max_length=200)
    note: str = Field(default="", max_length=300)

    _checked = field_validator("sample_date", "result_date")(_not_future)


class Place(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    country: str = Field(min_length=2, max_length=60)  # ISO code or name: "AF", "Afghanistan"
    province: str = Field(default="", max_length=100)
    arrived: date | None = None
    left: date | None = None


class InvestigationIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    investigated_on: date
    travelled: bool | None = None
    places: list[Place] = Field(default_factory=list, max_length=20)
    origin: Literal["imported", "indigenous", "introduced", "induced", "relapse", "unknown"] = "unknown"
    contacts_tested: int = Field(default=0, ge=0, le=500)
    contacts_positive: int = Field(default=0, ge=0, le=500)
    note: str = Field(default="", max_length=2000)

    _checked = field_validator("investigated_on")(_not_future)


def _case(session: Any, case_id: str) -> SurveillanceCase:
    case = session.get(SurveillanceCase, case_id)
    if case is None or case.deleted:
        raise NotFound("case", "مورد", case_id)
    return case


def outcome_for(registry: DiseaseRegistry, disease: str, test: str, outcome: str) -> str:
    """The classification a result gives a case of ``disease`` by the registry ('' when it decides nothing)."""
    d = registry.disease(disease)
    rule = d.test_rule(test) if d is not None else None
    if rule is None:
        return ""
    if outcome == "positive":
        return rule.positive or ""
    if outcome == "negative":
        return rule.negative or ""
    return ""


def record_result(ctx: Ctx, case_id: str, data: ResultIn | dict[str, Any]) -> TestResult:
    """Record a result and move the case by the registry's rule. Returns the stored result (``applied`` says
    what it did to the case)."""
    ctx.require(Action.RECORD_VISIT)
    data = parse(ResultIn, data, ctx)
    with ctx.write() as session:
        case = _case(session, case_id)
        registry = active_registry(session)
        test = registry.test(data.test)
        if test is None:
            raise ValidationFailed([field_error("test", "unknown_test", test=data.test)])
        if data.subtype and data.subtype not in {s.key for s in test.subtypes}:
            raise ValidationFailed([field_error("subtype", "unknown_subtype", subtype=data.subtype)])
        if data.sample_date and data.sample_date > data.result_date:
            raise ValidationFailed([field_error("result_date", "result_before_sample")])
        target = outcome_for(registry, case.disease, data.test, data.outcome)
        if target == "discarded":
            confirmed_by_other = session.scalar(select(TestResult.id).where(
                TestResult.case_id == case.id, TestResult.deleted.is_(False), TestResult.outcome == "positive",
                TestResult.applied.in_(("confirmed", "probable"))).limit(1))
            if confirmed_by_other is not None:
                target = ""  # a positive result stands; a person decides (classify_case)
        elif target and case.classification != "discarded" and _RANK[target] <= _RANK[case.classification]:
            target = ""  # already as far as this result takes it
        result = TestResult(case_id=case.id, patient_id=case.patient_id, test=data.test, subtype=data.subtype,
                            outcome=data.outcome, sample_date=data.sample_date, result_date=data.result_date,
                            lab=clean_text(data.lab), note=clean_text(data.note), applied=target)
        session.add(result)
        session.flush()
        detail: dict[str, Any] = {"test": data.test, "outcome": data.outcome, "subtype": data.subtype}
        if target:
            name = test.name_en
            detail.update({"from": case.classification, "to": target})
            case.classification = target
            case.classified_at = ctx.now()
            case.classified_by = ctx.user_id
            case.classification_reason = f"{name}: {data.outcome} ({data.result_date.isoformat()})"[:300]
        session.add(AuditEntry(user_id=ctx.user_id, action="test_result", entity="surveillance_case",
                               record_id=case.id, detail=detail))
        return result


def results_for(ctx: Ctx, case_id: str) -> list[TestResult]:
    ctx.require(Action.VIEW_PATIENT)
    with ctx.read() as session:
        return list(session.scalars(select(TestResult).where(TestResult.case_id == case_id,
                                                            TestResult.deleted.is_(False))
                                    .order_by(TestResult.result_date, TestResult.created_at)))


def cases_of_visit(ctx: Ctx, visit_id: str) -> list[SurveillanceCase]:
    ctx.require(Action.VIEW_PATIENT)
    with ctx.read() as session:
        return list(session.scalars(select(SurveillanceCase).where(
            SurveillanceCase.visit_id == visit_id, SurveillanceCase.deleted.is_(False))
            .order_by(SurveillanceCase.disease)))


def save_investigation(ctx: Ctx, case_id: str, data: InvestigationIn | dict[str, Any]) -> CaseInvestigation:
    """The case-investigation form: the first save makes it, a later one corrects it (a new version)."""
    ctx.require(Action.RECORD_VISIT)
    data = parse(InvestigationIn, data, ctx)
    if data.contacts_positive > data.contacts_tested:
        raise ValidationFailed([field_error("contacts_positive", "more_than_tested")])
    if data.travelled is False and data.places:
        raise ValidationFailed([field_error("places", "places_without_travel")])
    if data.origin == "imported" and data.travelled is False:
        raise ValidationFailed([field_error("origin", "imported_without_travel")])
    places = [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in p.model_dump().items()
               if v not in (None, "")} for p in data.places]
    with ctx.write() as session:
        case = _case(session, case_id)
        inv = session.scalar(select(CaseInvestigation).where(CaseInvestigation.case_id == case.id))
        if inv is None:
            inv = CaseInvestigation(case_id=case.id, patient_id=case.patient_id)
            session.add(inv)
        inv.investigated_on = data.investigated_on
        inv.travelled = data.travelled
        inv.places = places
        inv.origin = data.origin
        inv.contacts_tested = data.contacts_tested
        inv.contacts_positive = data.contacts_positive
        inv.note = clean_text(data.note)
        session.add(AuditEntry(user_id=ctx.user_id, action="case_investigated", entity="surveillance_case",
                               record_id=case.id, detail={"origin": data.origin}))
        session.flush()
        return inv


def investigation_for(ctx: Ctx, case_id: str) -> CaseInvestigation | None:
    ctx.require(Action.VIEW_PATIENT)
    with ctx.read() as session:
        return session.scalar(select(CaseInvestigation).where(CaseInvestigation.case_id == case_id,
                                                              CaseInvestigation.deleted.is_(False)))


# ----- what the screens show (plain data; app/ui/surveillance) -----------------------------------------------------

@dataclass(frozen=True)
class TestChoice:
    """A test that decides something for the case's disease, with its result types (Plasmodium species...)."""

    __test__ = False  # not a pytest class

    key: str
    name_en: str
    name_fa: str
    subtypes: tuple[tuple[str, str, str], ...] = ()  # (key, English, Persian)


@dataclass(frozen=True)
class ResultView:
    id: str
    test: str
    test_en: str
    test_fa: str
    subtype: str
    outcome: str
    sample_date: date | None
    result_date: date
    lab: str
    applied: str


@dataclass(frozen=True)
class CaseView:
    id: str
    visit_id: str
    disease: str
    name_en: str
    name_fa: str
    icd10: str
    classification: str
    reported_date: date
    onset_date: date | None
    reason: str  # who / why of the last move ("Malaria rapid diagnostic test (RDT): positive (2026-12-01)")
    classified_at: datetime | None
    investigate: bool  # the disease is investigated case by case (malaria in an elimination setting)
    investigated: bool
    tests: tuple[TestChoice, ...] = ()
    results: tuple[ResultView, ...] = field(default_factory=tuple)


def case_views(ctx: Ctx, *, patient_id: str | None = None, visit_id: str | None = None) -> list[CaseView]:
    """A patient's (or a visit's) surveillance cases, newest first, with the tests that decide each one by the
    registry in use and the results recorded so far."""
    ctx.require(Action.VIEW_PATIENT)
    if (patient_id is None) == (visit_id is None):
        raise ValueError("give a patient or a visit")
    with ctx.read() as session:
        registry = active_registry(session)
        q = select(SurveillanceCase).where(SurveillanceCase.deleted.is_(False))
        q = q.where(SurveillanceCase.patient_id == patient_id) if patient_id else q.where(
            SurveillanceCase.visit_id == visit_id)
        cases = list(session.scalars(q.order_by(SurveillanceCase.reported_date.desc(), SurveillanceCase.disease)))
        ids = [c.id for c in cases]
        results: dict[str, list[TestResult]] = {}
        investigated: set[str] = set()
        if ids:
            for r in session.scalars(select(TestResult).where(TestResult.case_id.in_(ids),
                                                              TestResult.deleted.is_(False))
                                     .order_by(TestResult.result_date, TestResult.created_at)):
                results.setdefault(r.case_id, []).append(r)
            investigated = set(session.scalars(select(CaseInvestigation.case_id).where(
                CaseInvestigation.case_id.in_(ids), CaseInvestigation.deleted.is_(False))))
        out = []
        for c in cases:
            d = registry.disease(c.disease)
            choices: list[TestChoice] = []
            for rule in (d.tests if d is not None else ()):
                t = registry.test(rule.test)
                if t is not None:
                    choices.append(TestChoice(t.key, t.name_en, t.name_fa,
                                              tuple((s.key, s.name_en, s.name_fa) for s in t.subtypes)))
            names = {t.key: t for t in registry.tests}
            views = tuple(ResultView(r.id, r.test, names[r.test].name_en if r.test in names else r.test,
                                     names[r.test].name_fa if r.test in names else r.test, r.subtype, r.outcome,
                                     r.sample_date, r.result_date, r.lab, r.applied)
                          for r in results.get(c.id, []))
            out.append(CaseView(
                c.id, c.visit_id, c.disease, d.name_en if d else c.disease, d.name_fa if d else c.disease, c.icd10,
                c.classification, c.reported_date, c.onset_date, c.classification_reason or "", c.classified_at,
                bool(d is not None and (d.alert.elimination or d.key == "malaria")), c.id in investigated,
                tuple(choices), views))
        return out


def case_view(ctx: Ctx, case_id: str) -> CaseView:
    ctx.require(Action.VIEW_PATIENT)
    with ctx.read() as session:
        case = _case(session, case_id)
        patient_id = case.patient_id
    found = [v for v in case_views(ctx, patient_id=patient_id) if v.id == case_id]
    if not found:
        raise NotFound("case", "مورد", case_id)
    return found[0]


__all__ = ["ORIGINS", "CaseView", "InvestigationIn", "ResultIn", "ResultView", "TestChoice", "case_view",
           "case_views", "cases_of_visit", "investigation_for", "outcome_for", "record_result", "results_for",
           "save_investigation"]
