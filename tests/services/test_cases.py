"""Surveillance cases on the laptop: opened by the registry (age rules, one case per disease, onset date), moved or
discarded when the visit's diagnosis is corrected, reclassified with who, when and why (issue 16)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.models import AuditEntry, ChangeLog, SurveillanceCase, Visit, VisitDiagnosis
from app.services.cases import classify_case
from app.services.errors import ValidationFailed
from app.services.patients import register_patient
from app.services.visits import correct_visit, record_visit

from services.conftest import NOW, person


def _patient(ctx, **over):
    return register_patient(ctx, person(**over)).patient_id


def _visit(ctx, pid, codes, **over):
    data = {"patient_id": pid, "complaint": "fever", "diagnoses": [{"code": c} for c in codes]}
    data.update(over)
    return record_visit(ctx, data)


def _cases(store, visit_id=None):
    with store.read() as s:
        q = select(SurveillanceCase).order_by(SurveillanceCase.disease)
        if visit_id:
            q = q.where(SurveillanceCase.visit_id == visit_id)
        return list(s.scalars(q))


def test_afp_code_in_a_70_year_old_is_not_polio_but_suspected_polio_is(clinician, store):
    old = _patient(clinician, birth_year=1956)
    done = _visit(clinician, old, ["G83.9"])
    assert done.notifiable == [] and _cases(store, done.visit_id) == []
    done = _visit(clinician, old, ["A80.9"])
    assert [n.disease for n in done.notifiable] == ["polio"]
    child = _patient(clinician, birth_year=2020, given_name_latin="Omid", given_name_fa="امید", sex="male",
                     father_name_latin="Karim", father_name_fa="کریم", documents=[], phone="")
    done = _visit(clinician, child, ["G61.0"])
    assert [(n.disease, n.immediate) for n in done.notifiable] == [("polio", True)]


def test_cchf_is_immediate_with_isolation_and_one_case_per_disease(clinician, store):
    pid = _patient(clinician)
    done = _visit(clinician, pid, ["A98.0", "B05.9", "B05.2", "W54"])
    assert [(n.disease, n.immediate, n.isolation) for n in done.notifiable] == [
        ("cchf", True, True), ("measles", True, True), ("animal_bite", True, False)]
    cases = _cases(store, done.visit_id)
    assert [(c.disease, c.icd10, c.registry_version) for c in cases] == [
        ("animal_bite", "W54", 1), ("cchf", "A98.0", 1), ("measles", "B05.9", 1)]
    assert all(c.classified_by == clinician.user_id and c.classified_at == NOW for c in cases)


def test_onset_date_defaults_to_the_visit_day_and_is_checked(clinician, store):
    pid = _patient(clinician)
    done = _visit(clinician, pid, ["A00.9"])
    assert _cases(store, done.visit_id)[0].onset_date == date(2026, 11, 28)
    done = _visit(clinician, pid, ["B05.9"], onset_date="2026-11-22")
    assert _cases(store, done.visit_id)[0].onset_date == date(2026, 11, 22)
    for bad, code in (("2026-11-29", "future"), ("2025-10-01", "onset_too_early")):
        with pytest.raises(ValidationFailed) as err:
            _visit(clinician, pid, ["B05.9"], onset_date=bad)
        assert [(e.field, e.code) for e in err.value.errors] == [("onset_date", code)]


def test_correcting_the_diagnosis_discards_the_old_case_and_opens_the_new_one(clinician, store):
    pid = _patient(clinician)
    done = _visit(clinician, pid, ["A00.9"])
    (cholera,) = _cases(store, done.visit_id)
    changes = correct_visit(clinician, done.visit_id, {"diagnoses": [{"code": "A09"}, {"code": "B05.9"}]},
                            reason="stool culture negative; rash appeared")
    assert {c["disease"] for c in changes} == {"cholera", "measles"}
    with store.read() as s:
        old = s.get(SurveillanceCase, cholera.id)
        assert (old.classification, old.version, old.classified_by) == ("discarded", 2, clinician.user_id)
        assert "A00.9 removed" in old.classification_reason and "stool culture" in old.classification_reason
        rows = {d.code: d.deleted for d in s.scalars(select(VisitDiagnosis).where(VisitDiagnosis.visit_id == done.visit_id))}
        assert rows == {"A00.9": True, "A09": False, "B05.9": False}
        assert s.get(Visit, done.visit_id).urgent
        queued = [e.entity for e in s.scalars(select(ChangeLog).where(ChangeLog.record_id == cholera.id))]
        assert queued == ["surveillance_case", "surveillance_case"]  # the discard travels
        # the correction's entry (recording the visit wrote its own "created" one)
        audit = s.scalars(select(AuditEntry).where(AuditEntry.record_id == done.visit_id,
                                                   AuditEntry.action == "changed")).one()
        assert audit.detail["cases"]
    cases = _cases(store, done.visit_id)
    assert [(c.disease, c.classification) for c in cases] == [("cholera", "discarded"), ("measles", "suspected")]


def test_a_new_code_of_the_same_disease_moves_the_case(clinician, store):
    pid = _patient(clinician)
    done = _visit(clinician, pid, ["B54"])
    (case,) = _cases(store, done.visit_id)
    correct_visit(clinician, done.visit_id, {"diagnoses": [{"code": "B51.9", "certainty": "confirmed"}]},
                  reason="microscopy: P. vivax")
    (moved,) = _cases(store, done.visit_id)
    assert (moved.id, moved.icd10, moved.classification) == (case.id, "B51.9", "confirmed")


def test_removing_every_notifiable_code_discards_and_unmarks_urgent(clinician, store):
    pid = _patient(clinician)
    done = _visit(clinician, pid, ["A90"])
    correct_visit(clinician, done.visit_id, {"diagnoses": [{"code": "J06.9"}]}, reason="no dengue")
    (case,) = _cases(store, done.visit_id)
    assert case.classification == "discarded"
    with store.read() as s:
        assert not s.get(Visit, done.visit_id).urgent
    # Corrected back: the same case is reopened, not a second one.
    correct_visit(clinician, done.visit_id, {"diagnoses": [{"code": "A90"}]}, reason="NS1 came back positive")
    (again,) = _cases(store, done.visit_id)
    assert (again.id, again.classification) == (case.id, "suspected")


def test_changing_the_onset_moves_the_case_in_time(clinician, store):
    pid = _patient(clinician)
    done = _visit(clinician, pid, ["B05.9"])
    correct_visit(clinician, done.visit_id, {"onset_date": "2026-11-20"}, reason="rash began a week ago")
    assert _cases(store, done.visit_id)[0].onset_date == date(2026, 11, 20)


def test_reclassification_with_who_when_and_why(clinician, store):
    pid = _patient(clinician)
    done = _visit(clinician, pid, ["B05.9"])
    (case,) = _cases(store, done.visit_id)
    classify_case(clinician, case.id, {"classification": "probable"})
    classify_case(clinician, case.id, {"classification": "confirmed", "reason": "IgM positive"})
    with pytest.raises(ValidationFailed) as err:
        classify_case(clinician, case.id, {"classification": "discarded"})
    assert err.value.errors[0].field == "classification_reason"
    classify_case(clinician, case.id, {"classification": "discarded", "reason": "lab mix-up: sample of another child"})
    with pytest.raises(ValidationFailed) as err:
        classify_case(clinician, case.id, {"classification": "confirmed"})
    assert err.value.errors[0].field == "classification_reason"
    with store.read() as s:
        row = s.get(SurveillanceCase, case.id)
        assert (row.classification, row.classified_by, row.classified_at) == ("discarded", clinician.user_id, NOW)
        trail = [(a.detail["from"], a.detail["to"]) for a in s.scalars(
            select(AuditEntry).where(AuditEntry.record_id == case.id).order_by(AuditEntry.created_at))]
        assert trail == [("suspected", "probable"), ("probable", "confirmed"), ("confirmed", "discarded")]


def test_only_clinical_roles_reclassify(coordinator, clinician, store):
    from app.services.errors import PermissionDenied

    pid = _patient(clinician)
    done = _visit(clinician, pid, ["A00"])
    (case,) = _cases(store, done.visit_id)
    with pytest.raises(PermissionDenied):
        classify_case(coordinator, case.id, {"classification": "confirmed"})
