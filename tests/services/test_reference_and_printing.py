from __future__ import annotations

import io
import json

import pypdf
import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, Facility
from app.services.errors import PermissionDenied
from app.services.patients import register_patient
from app.services.printing import referral_slip_pdf, roster_pdf
from app.services.reference import FacilityFileRejected, load_facilities
from app.services.referrals import refer_patient
from app.services.visits import record_visit

from services.conftest import TODAY, make_ctx, person

HEADER = "code,name_en,name_fa,unit,kind,province_en,district_en,latitude,longitude\n"


def facilities(store):
    with store.read() as s:
        return {f.code: f for f in s.scalars(select(Facility))}


def test_load_facilities_csv_adds_and_updates(store, tmp_path):
    admin = make_ctx(store, "unit_admin")
    path = tmp_path / "f.csv"
    path.write_text(HEADER + "F01,Zahedan Hospital (renamed),بیمارستان زاهدان,MHU-ZAH,hospital,S&B,Zahedan,29.49,60.86\n"
                    "F99,Lutak Health Post,خانه بهداشت لوتک,MHU-ZAH,health_post,S&B,Zahak,30.9,61.5\n", encoding="utf-8")
    assert load_facilities(admin, path) == 2
    f = facilities(store)
    assert f["F01"].name_en == "Zahedan Hospital (renamed)" and "F99" in f and len(f) == 21


def test_bad_rows_are_all_reported_and_nothing_changes(store, tmp_path):
    admin = make_ctx(store, "unit_admin")
    path = tmp_path / "f.csv"
    path.write_text(HEADER +
                    "F98,Good Post,پایگاه,MHU-ZAH,health_post,,,30.1,61.1\n"      # line 2: fine
                    "F97,,پایگاه,MHU-ZAH,health_post,,,30.1,61.1\n"                # line 3: no English name
                    "F96,Post,پایگاه,MHU-XXX,health_post,,,30.1,61.1\n"           # line 4: unknown unit
                    "F95,Post,پایگاه,MHU-ZAH,clinic,,,30.1,61.1\n"                # line 5: unknown kind
                    "F94,Post,پایگاه,MHU-ZAH,health_post,,,61.1,30.1\n"           # line 6: swapped coordinates
                    "F98,Again,پایگاه,MHU-ZAH,health_post,,,30.1,61.1\n",         # line 7: duplicate code
                    encoding="utf-8")
    before = facilities(store)
    with pytest.raises(FacilityFileRejected) as info:
        load_facilities(admin, path)
    assert [p.line for p in info.value.problems] == [3, 4, 5, 6, 7]
    text = info.value.message("en")
    assert "name_en" in text and "MHU-XXX" in text and "kind" in text and "latitude" in text and "line 2" in text
    assert facilities(store).keys() == before.keys()


@pytest.mark.parametrize("content, reason", [
    ("not json", "not valid JSON"), ('{"facilities": 3}', "expected a list"), ("[]", "no facilities"),
])
def test_bad_json_files(store, tmp_path, content, reason):
    path = tmp_path / "f.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FacilityFileRejected) as info:
        load_facilities(make_ctx(store, "unit_admin"), path)
    assert reason in info.value.message("en")


def test_json_facilities_and_role(store, tmp_path):
    path = tmp_path / "f.json"
    path.write_text(json.dumps({"facilities": [{"code": "F50", "name_en": "Post", "name_fa": "پایگاه",
                                                "unit": "MHU-TAY", "latitude": 34.7, "longitude": 60.8}]}),
                    encoding="utf-8")
    with pytest.raises(PermissionDenied):
        load_facilities(make_ctx(store, "clinician"), path)
    assert load_facilities(make_ctx(store, "unit_admin"), path) == 1


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_referral_slip_from_records_counts_reprints(clinician, store):
    p = register_patient(clinician, person()).patient_id
    v = record_visit(clinician, {"patient_id": p, "complaint": "high fever", "temperature_c": 39.1,
                                 "diagnoses": [{"code": "B54"}]})
    hospital = next(f.id for f in facilities(store).values() if f.kind == "hospital")
    r = refer_patient(clinician, {"visit_id": v.visit_id, "to_facility_id": hospital,
                                  "department": "infectious_diseases", "reason": "severe malaria suspected"})
    first = referral_slip_pdf(clinician, r.referral_id)
    assert first.startswith(b"%PDF")
    text = _text(first)
    assert r.referral_number in text and "Fatemeh" in text and "severe malaria suspected" in text
    assert "REPRINT" not in text.upper()
    again = _text(referral_slip_pdf(clinician, r.referral_id))
    assert "REPRINT" in again.upper()
    with store.read() as s:
        prints = s.scalars(select(AuditEntry).where(AuditEntry.action == "printed")).all()
        assert [(a.user_id, a.detail["reprint"]) for a in prints] == [(clinician.user_id, 0), (clinician.user_id, 1)]


def test_roster_pdf_needs_the_coordinator(clinician, coordinator, store):
    with pytest.raises(PermissionDenied):
        roster_pdf(clinician, TODAY, clinician.facility_id)
    pdf = roster_pdf(coordinator, TODAY, clinician.facility_id)
    assert pdf.startswith(b"%PDF")
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "roster_day")) == 1
