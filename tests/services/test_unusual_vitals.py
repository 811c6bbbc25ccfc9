"""Vitals unusual but possible (issue 14): refused until confirmed, then saved and marked; typing slips stay refused;
an amended reading is confirmed again."""

from __future__ import annotations

import pytest
from services.conftest import person

from app.models import Visit
from app.services.errors import ValidationFailed
from app.services.patients import register_patient
from app.services.visits import correct_visit, open_visit, record_visit
from app.services.vital_ranges import UnusualVitals


def _patient(clinician) -> str:  # type: ignore[no-untyped-def]
    return register_patient(clinician, person(documents=[])).patient_id


def test_an_unusual_reading_is_saved_only_when_confirmed_and_is_marked(clinician, store):  # type: ignore[no-untyped-def]
    pid = _patient(clinician)
    visit = {"patient_id": pid, "complaint": "found cold outside", "temperature_c": 32.5, "spo2": 78, "pulse": 90}
    with pytest.raises(UnusualVitals) as info:
        record_visit(clinician, visit)
    assert info.value.fields == ["temperature_c", "spo2"]
    assert "Temperature (°C) (usual 34–41.5)" in info.value.message("en")
    assert "32.5" not in info.value.message("en")  # the patient's value is not in a message that may be logged
    assert "۳۴–۴۱.۵" in info.value.message("fa")
    with pytest.raises(UnusualVitals) as info:  # confirming one is not confirming both
        record_visit(clinician, visit | {"unusual_vitals": ["temperature_c"]})
    assert info.value.fields == ["spo2"]
    done = record_visit(clinician, visit | {"unusual_vitals": ["temperature_c", "spo2", "pulse"]})
    with store.read() as s:
        stored = s.get(Visit, done.visit_id)
        assert (stored.temperature_c, stored.spo2, stored.unusual_vitals) == (32.5, 78, ["temperature_c", "spo2"])
    assert open_visit(clinician, done.visit_id).fields["unusual_vitals"] == ["temperature_c", "spo2"]


def test_a_typing_slip_is_refused_even_when_confirmed(clinician):  # type: ignore[no-untyped-def]
    pid = _patient(clinician)
    with pytest.raises(ValidationFailed) as info:
        record_visit(clinician, {"patient_id": pid, "complaint": "fever", "temperature_c": 375,
                                 "unusual_vitals": ["temperature_c"]})
    assert [e.field for e in info.value.errors] == ["temperature_c"]


def test_a_usual_visit_is_not_marked(clinician, store):  # type: ignore[no-untyped-def]
    done = record_visit(clinician, {"patient_id": _patient(clinician), "complaint": "cough", "temperature_c": 37.2})
    with store.read() as s:
        assert s.get(Visit, done.visit_id).unusual_vitals is None


def test_an_amended_reading_is_confirmed_again(clinician, store):  # type: ignore[no-untyped-def]
    pid = _patient(clinician)
    done = record_visit(clinician, {"patient_id": pid, "complaint": "cold", "temperature_c": 33.0, "pulse": 44,
                                    "unusual_vitals": ["temperature_c"]})
    with pytest.raises(UnusualVitals) as info:
        correct_visit(clinician, done.visit_id, {"temperature_c": 32.0}, reason="re-measured")
    assert info.value.fields == ["temperature_c"]
    correct_visit(clinician, done.visit_id, {"temperature_c": 32.0, "unusual_vitals": ["temperature_c"]},
                  reason="re-measured")
    correct_visit(clinician, done.visit_id, {"pulse": 38, "unusual_vitals": ["pulse"]}, reason="counted again")
    with store.read() as s:  # the temperature stays confirmed while unchanged
        assert s.get(Visit, done.visit_id).unusual_vitals == ["temperature_c", "pulse"]
    correct_visit(clinician, done.visit_id, {"temperature_c": 36.6, "pulse": 70}, reason="typed the wrong chart")
    with store.read() as s:
        assert s.get(Visit, done.visit_id).unusual_vitals is None


def test_the_slip_marks_the_confirmed_readings(clinician, store):  # type: ignore[no-untyped-def]
    from services.conftest import make_ctx
    from services.test_slip_content import _lines
    from sqlalchemy import select

    from app.models import Facility
    from app.services.printing import referral_slip_pdf
    from app.services.referrals import refer_patient

    done = record_visit(clinician, {"patient_id": _patient(clinician), "complaint": "cold", "temperature_c": 33.0,
                                    "spo2": 80, "pulse": 96, "unusual_vitals": ["temperature_c", "spo2"]})
    with store.read() as s:
        hospital = s.scalars(select(Facility.id).where(Facility.kind == "hospital")).first()
    r = refer_patient(clinician, {"visit_id": done.visit_id, "to_facility_id": hospital,
                                  "department": "internal_medicine", "reason": "hypothermia"})
    text = " ".join(_lines(referral_slip_pdf(clinician, r.referral_id)))
    assert "unusual, re-checked and confirmed: T, SpO2" in text
    fa = " ".join(_lines(referral_slip_pdf(make_ctx(store, "clinician", lang="fa"), r.referral_id)))
    assert "غیرمعمول" in fa
