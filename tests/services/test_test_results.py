"""Test results move surveillance cases by the registry's rule; the malaria case-investigation form (issue 16,
items 2 and 4). A real encrypted SQLite file, the sample site."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from services.conftest import NOW, person
from sqlalchemy import select

from app.models import AuditEntry, ChangeLog, SurveillanceCase
from app.models import TestResult as Result
from app.services.errors import ValidationFailed
from app.services.patients import register_patient
from app.services.test_results import investigation_for, record_result, results_for, save_investigation
from app.services.visits import record_visit


def _case(ctx, store, code: str) -> SurveillanceCase:
    pid = register_patient(ctx, person()).patient_id
    done = record_visit(ctx, {"patient_id": pid, "complaint": "fever", "diagnoses": [{"code": code}]})
    with store.read() as s:
        return s.scalars(select(SurveillanceCase).where(SurveillanceCase.visit_id == done.visit_id)).one()


def _class(store, case_id: str) -> str:
    with store.read() as s:
        return s.get(SurveillanceCase, case_id).classification


def test_a_positive_rdt_three_days_later_confirms_with_species(clinician, store):
    case = _case(clinician, store, "B54")
    later = replace(clinician, clock=lambda: NOW + timedelta(days=3))
    result = record_result(later, case.id, {"test": "malaria_rdt", "subtype": "vivax", "outcome": "positive",
                                             "sample_date": "2026-11-28", "result_date": "2026-12-01",
                                             "lab": "Zahedan district lab"})
    assert result.applied == "confirmed"
    with store.read() as s:
        c = s.get(SurveillanceCase, case.id)
        assert (c.classification, c.classified_by) == ("confirmed", clinician.user_id)
        assert c.classification_reason.startswith("Malaria rapid diagnostic test (RDT): positive")
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "test_result")).one()
        assert audit.detail["to"] == "confirmed"
        # The result is its own record and travels: queued like any other change.
        assert s.scalars(select(ChangeLog.entity).where(ChangeLog.record_id == result.id)).first() == "test_result"
    assert [(r.test, r.subtype) for r in results_for(clinician, case.id)] == [("malaria_rdt", "vivax")]


def test_a_negative_result_discards_unless_a_positive_one_stands(clinician, store):
    case = _case(clinician, store, "A00.9")
    assert record_result(clinician, case.id, {"test": "stool_cholera", "outcome": "negative",
                                              "result_date": "2026-11-28"}).applied == "discarded"
    assert _class(store, case.id) == "discarded"
    # A later positive culture reopens it as confirmed; a negative after that decides nothing.
    assert record_result(clinician, case.id, {"test": "stool_cholera", "outcome": "positive",
                                              "result_date": "2026-11-28"}).applied == "confirmed"
    assert record_result(clinician, case.id, {"test": "stool_cholera", "outcome": "negative",
                                              "result_date": "2026-11-28"}).applied == ""
    assert _class(store, case.id) == "confirmed"


def test_dengue_igm_makes_probable_and_ns1_confirms(clinician, store):
    case = _case(clinician, store, "A90")
    assert record_result(clinician, case.id, {"test": "dengue_igm", "outcome": "positive",
                                              "result_date": "2026-11-28"}).applied == "probable"
    assert record_result(clinician, case.id, {"test": "dengue_igm", "outcome": "positive",
                                              "result_date": "2026-11-28"}).applied == ""
    assert record_result(clinician, case.id, {"test": "dengue_ns1", "outcome": "positive",
                                              "result_date": "2026-11-28"}).applied == "confirmed"
    # A test the registry has no rule for, for this disease, is kept and decides nothing.
    assert record_result(clinician, case.id, {"test": "measles_igm", "outcome": "negative",
                                              "result_date": "2026-11-28"}).applied == ""
    assert _class(store, case.id) == "confirmed"


@pytest.mark.parametrize("data,field,code", [
    ({"test": "x_ray", "outcome": "positive", "result_date": "2026-11-28"}, "test", "unknown_test"),
    ({"test": "malaria_rdt", "subtype": "ovale", "outcome": "positive", "result_date": "2026-11-28"},
     "subtype", "unknown_subtype"),
    ({"test": "malaria_rdt", "outcome": "positive", "result_date": "2026-11-29"}, "result_date", "value_error"),
    ({"test": "malaria_rdt", "outcome": "positive", "sample_date": "2026-11-28", "result_date": "2026-11-27"},
     "result_date", "result_before_sample"),
])
def test_results_are_checked(clinician, store, data, field, code):
    case = _case(clinician, store, "B54")
    with pytest.raises(ValidationFailed) as err:
        record_result(clinician, case.id, data)
    assert [(e.field, e.code) for e in err.value.errors] == [(field, code)]
    with store.read() as s:
        assert s.scalars(select(Result)).all() == []


def test_malaria_investigation_is_saved_once_and_corrected(clinician, store):
    case = _case(clinician, store, "B54")
    inv = save_investigation(clinician, case.id, {
        "investigated_on": "2026-11-28", "travelled": True, "origin": "imported", "contacts_tested": 5,
        "contacts_positive": 1, "places": [{"country": "AF", "province": "Herat", "arrived": "2026-11-01",
                                            "left": "2026-11-12"}]})
    again = save_investigation(clinician, case.id, {
        "investigated_on": date(2026, 11, 28), "travelled": True, "origin": "imported", "contacts_tested": 6,
        "contacts_positive": 1, "places": [{"country": "AF", "province": "Herat"}]})
    assert again.id == inv.id
    got = investigation_for(clinician, case.id)
    assert (got.contacts_tested, got.places, got.version) == (6, [{"country": "AF", "province": "Herat"}], 2)
    for bad, field in (({"contacts_tested": 1, "contacts_positive": 2}, "contacts_positive"),
                       ({"travelled": False, "origin": "imported"}, "origin"),
                       ({"travelled": False, "places": [{"country": "AF"}]}, "places")):
        with pytest.raises(ValidationFailed) as err:
            save_investigation(clinician, case.id, {"investigated_on": "2026-11-28", **bad})
        assert [e.field for e in err.value.errors] == [field]
