"""What the referral slip carries (issue 16, item 7), read back from the PDF with a text extractor in both languages:
an infant's age in months, "≈" for an estimated age, the name in the other script, pregnancy and its weeks, the
medicines given with dose and time, test results, allergies, and an isolation banner for cholera."""

from __future__ import annotations

import io
import re
import unicodedata

import pdfplumber
from sqlalchemy import select

from app.models import Facility, SurveillanceCase
from app.services.patients import register_patient
from app.services.printing import referral_slip_pdf
from app.services.referrals import refer_patient
from app.services.test_results import record_result
from app.services.visits import record_visit

from services.conftest import make_ctx, person


def _lines(pdf: bytes) -> list[str]:
    """Every text line, Persian ones put back in logical order (extraction gives glyphs left to right)."""
    out = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for line in (page.extract_text() or "").splitlines():
                # The direction marks that end each medicine field are invisible: they are not part of the words.
                line = line.replace("\u00a0", " ").replace("\u200e", "").replace("\u200f", "")
                out.append(line)
                if any("\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff" for ch in line):
                    logical = unicodedata.normalize("NFKC", line[::-1]).replace("\u200c", "")
                    # Digits keep their left-to-right order inside right-to-left text: turn them back.
                    out.append(re.sub(r"[0-9\u06f0-\u06f9]+", lambda m: m.group(0)[::-1], logical))
    return out


def _hospital(store) -> str:
    with store.read() as s:
        return s.scalars(select(Facility.id).where(Facility.kind == "hospital")).first()


def _infant_cholera_slip(clinician, store, lang: str) -> bytes:
    pid = register_patient(clinician, person(date_of_birth="2026-02-10", birth_year=None, birth_estimated=False,
                                             given_name_latin="Omid", given_name_fa="امید", sex="male",
                                             allergies="Penicillin (rash)")).patient_id
    v = record_visit(clinician, {"patient_id": pid, "complaint": "watery diarrhoea", "diagnoses": [{"code": "A00.9"}],
                                 "treatment": "ORS", "medicines": [
                                     {"name": "ORS", "dose": "75 ml/kg over 4 h", "quantity": "4 sachets",
                                      "time": "09:15"},
                                     {"name": "Zinc", "dose": "10 mg", "time": "09:20"}]})
    with store.read() as s:
        case_id = s.scalars(select(SurveillanceCase.id).where(SurveillanceCase.visit_id == v.visit_id)).one()
    record_result(clinician, case_id, {"test": "stool_cholera", "outcome": "positive", "result_date": "2026-11-28",
                                       "lab": "Zahedan"})
    r = refer_patient(clinician, {"visit_id": v.visit_id, "to_facility_id": _hospital(store),
                                  "department": "paediatrics", "reason": "severe dehydration", "urgency": "urgent"})
    ctx = make_ctx(store, "clinician", lang=lang)
    return referral_slip_pdf(ctx, r.referral_id)


def test_infant_cholera_slip_in_english(clinician, store):
    text = "\n".join(_lines(_infant_cholera_slip(clinician, store, "en")))
    assert "9 months" in text and "0 years" not in text
    assert "ISOLATE ON ARRIVAL: Cholera" in text
    assert "Penicillin (rash)" in text
    assert "ORS 75 ml/kg over 4 h × 4 sachets (at 09:15)" in text and "Zinc 10 mg (at 09:20)" in text
    assert "Stool culture or PCR for V. cholerae: positive" in text
    assert "امید" in text  # the name in the other script


def test_infant_cholera_slip_in_persian(clinician, store):
    text = "\n".join(_lines(_infant_cholera_slip(clinician, store, "fa")))
    assert "۹ ماه" in text
    assert "جداسازی هنگام پذیرش" in text and "وبا" in text
    assert "حساسیت‌ها".replace("\u200c", "") in text
    assert "Omid" in text  # the name in Latin letters on a Persian slip
    assert "مثبت" in text


def test_pregnancy_weeks_and_an_estimated_age(clinician, store):
    pid = register_patient(clinician, person()).patient_id  # born 1995, estimated
    v = record_visit(clinician, {"patient_id": pid, "complaint": "headache, swelling", "pregnant": True,
                                 "pregnancy_weeks": 34, "systolic": 165, "diastolic": 110,
                                 "diagnoses": [{"code": "O15.0"}]})
    r = refer_patient(clinician, {"visit_id": v.visit_id, "to_facility_id": _hospital(store),
                                  "department": "obstetrics_gynaecology", "reason": "eclampsia", "urgency": "emergency"})
    en = "\n".join(_lines(referral_slip_pdf(clinician, r.referral_id)))
    assert "Pregnant, 34 weeks" in en and "≈ 31 years" in en and "Allergies" not in en
    assert "ISOLATE" not in en
    fa = "\n".join(_lines(referral_slip_pdf(make_ctx(store, "clinician", lang="fa"), r.referral_id)))
    assert "باردار، ۳۴ هفته" in fa and "۳۱ سال" in fa
