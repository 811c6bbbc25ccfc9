from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.models import ChangeLog, SurveillanceCase, Visit
from app.services.errors import ValidationFailed
from app.services.patients import register_patient
from app.services.visits import correct_visit, record_visit, search_diagnoses

from services.conftest import NOW, person


@pytest.fixture
def patient(clinician):
    return register_patient(clinician, person()).patient_id


def visit(patient_id, **over):
    data = {"patient_id": patient_id, "complaint": "fever and cough", "temperature_c": 38.2, "systolic": 120,
            "diastolic": 80, "pulse": 96, "resp_rate": 20, "spo2": 97, "weight_kg": 58,
            "diagnoses": [{"code": "J06.9"}], "follow_up_date": "2026-12-05"}
    data.update(over)
    return data


def test_record_visit_with_diagnoses(clinician, store, patient):
    done = record_visit(clinician, visit(patient))
    assert not done.urgent
    with store.read() as s:
        v = s.get(Visit, done.visit_id)
        assert v.facility_id == clinician.facility_id and v.clinician_id == clinician.user_id
        assert [d.code for d in v.diagnoses] == ["J06.9"]
        assert {c.entity for c in s.scalars(select(ChangeLog).where(ChangeLog.seq > 3))} >= {"visit", "visit_diagnosis"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"temperature_c": 375}, "temperature_c"),
        ({"temperature_c": 29.9}, "temperature_c"),
        ({"spo2": 101}, "spo2"),
        ({"pulse": 0}, "pulse"),
        ({"diastolic": 130}, "diastolic"),
        ({"muac_mm": 20}, "muac_mm"),
        ({"complaint": ""}, "complaint"),
        ({"visit_at": (NOW + timedelta(days=1)).isoformat()}, "visit_at"),
        ({"follow_up_date": "2026-11-01"}, "follow_up_date"),
        ({"diagnoses": [{"code": "X99.99"}]}, "diagnoses.0.code"),
        ({"diagnoses": [{"code": "J06.9"}, {"code": "j06.9"}]}, "diagnoses.1.code"),
        ({"diagnoses": [{"code": "B54", "onset_date": "2027-01-01"}]}, "diagnoses.0.onset_date"),
    ],
)
def test_implausible_visits_are_refused_and_nothing_is_written(clinician, store, patient, change, field):
    with store.read() as s:
        before = s.scalar(select(ChangeLog.seq).order_by(ChangeLog.seq.desc()))
    with pytest.raises(ValidationFailed) as info:
        record_visit(clinician, visit(patient, **change))
    assert field in {e.field for e in info.value.errors}
    with store.read() as s:
        assert s.scalar(select(ChangeLog.seq).order_by(ChangeLog.seq.desc())) == before
        assert s.scalar(select(Visit.id)) is None


def test_pregnancy_only_for_women(clinician, patient):
    record_visit(clinician, visit(patient, pregnant=True))
    man = register_patient(clinician, person(sex="male", given_name_fa="احمد", given_name_latin="Ahmad",
                                             documents=[])).patient_id
    with pytest.raises(ValidationFailed) as info:
        record_visit(clinician, visit(man, pregnant=True))
    assert info.value.errors[0].field == "pregnant"


def test_notifiable_diagnosis_opens_an_urgent_case_sent_first(clinician, store, patient):
    done = record_visit(clinician, visit(patient, diagnoses=[{"code": "A00.9", "certainty": "suspected"},
                                                             {"code": "A09"}]))
    assert done.urgent and [(n.disease, n.immediate) for n in done.notifiable] == [("cholera", True)]
    with store.read() as s:
        case = s.scalars(select(SurveillanceCase)).one()
        assert (case.disease, case.classification, case.visit_id) == ("cholera", "suspected", done.visit_id)
        assert s.get(Visit, done.visit_id).urgent
        entry = s.scalars(select(ChangeLog).where(ChangeLog.entity == "surveillance_case")).one()
        assert entry.priority == 1


def test_tuberculosis_is_notifiable_but_not_immediate(clinician, patient):
    done = record_visit(clinician, visit(patient, diagnoses=[{"code": "A15.0", "certainty": "confirmed"}]))
    assert [(n.disease, n.immediate) for n in done.notifiable] == [("tuberculosis", False)]


def test_a_visit_entered_late_keeps_its_time(clinician, store, patient):
    when = datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)
    done = record_visit(clinician, visit(patient, visit_at=when.isoformat(), follow_up_date=None))
    with store.read() as s:
        v = s.get(Visit, done.visit_id)
        assert v.visit_at == when and v.visit_date.isoformat() == "2026-11-20"


def test_correction_is_a_new_version_with_its_reason(clinician, store, patient):
    done = record_visit(clinician, visit(patient))
    correct_visit(clinician, done.visit_id, {"temperature_c": 37.2}, reason="typed 38.2 for 37.2")
    with store.read() as s:
        v = s.get(Visit, done.visit_id)
        assert (v.temperature_c, v.version, v.correction_reason) == (37.2, 2, "typed 38.2 for 37.2")
    with pytest.raises(ValidationFailed):
        correct_visit(clinician, done.visit_id, {"temperature_c": 50}, reason="x")
    with pytest.raises(ValidationFailed):
        correct_visit(clinician, done.visit_id, {"temperature_c": 37}, reason=" ")


@pytest.mark.parametrize(("text", "code"), [("a00", "A00.0"), ("cholera", "A00.9"), ("وبا", "A00.9"),
                                              ("malaria", "B54"), ("سرخک", "B05.9")])
def test_diagnosis_search_by_code_or_label(clinician, text, code):
    assert code in [d.code for d in search_diagnoses(clinician, text)]
