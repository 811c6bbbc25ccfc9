"""Onset date on the visit form: prefilled with the visit day, typed in Solar Hijri in Persian, and the case counts
from that day (issue 16)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from ui_helpers import type_text, wait_ops

from app.core.dates import format_date
from app.models import Patient, SurveillanceCase
from app.services.patients import register_patient


def _first_patient(main):  # type: ignore[no-untyped-def]
    with main.ctx.store.read() as s:
        p = s.scalars(select(Patient).where(Patient.sex == "female").order_by(Patient.code)).first()
        if p is not None:
            return p.id, p.given_name_fa
    reg = register_patient(main.ctx, {"given_name_fa": "گل‌بی‌بی", "father_name_fa": "نادر", "sex": "female",
                                      "birth_year": 1994, "nationality": "afghan", "legal_status": "amayesh",
                                      "consent_date": date.today().isoformat()})
    return reg.patient_id, "گل‌بی‌بی"


def _record(qtbot, main, onset_text: str | None):  # type: ignore[no-untyped-def]
    pid, name = _first_patient(main)
    visit = main.open_form("visit", {"patient_id": pid, "patient_label": name, "patient_sex": "female"})
    type_text(visit.complaint, "تب و اسهال آبکی")
    assert visit.onset.edit.text() == format_date(main.ctx.today(), lang=main.ctx.lang,
                                                  calendar="jalali" if main.ctx.lang == "fa" else "gregorian")
    # (one digit style per screen: Persian digits in the Persian interface, issue 14)
    if onset_text is not None:
        visit.onset.edit.clear()
        type_text(visit.onset.edit, onset_text)
    with qtbot.waitSignal(visit.diagnoses.suggestions_ready, timeout=5000):
        type_text(visit.diagnoses.search, "A00.9")
    visit.diagnoses.choose(0)
    visit.save()
    qtbot.waitUntil(lambda: visit.visit_id is not None, timeout=10000)
    visit.notifiable_dialog.accept()
    wait_ops(qtbot)
    with main.ctx.store.read() as s:
        return s.scalars(select(SurveillanceCase).where(SurveillanceCase.visit_id == visit.visit_id)).one()


def test_onset_typed_in_solar_hijri_in_persian(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="fa")
    onset = date.today() - timedelta(days=3)
    case = _record(qtbot, main, format_date(onset, lang="fa", calendar="jalali", digits="latin"))
    assert (case.disease, case.onset_date) == ("cholera", onset)


def test_onset_defaults_to_the_visit_day_and_a_bad_one_is_explained(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    case = _record(qtbot, main, None)
    assert case.onset_date == main.ctx.today()
    pid, name = _first_patient(main)
    visit = main.open_form("visit", {"patient_id": pid, "patient_label": name, "patient_sex": "female"})
    type_text(visit.complaint, "fever")
    visit.onset.edit.clear()
    type_text(visit.onset.edit, (main.ctx.today() + timedelta(days=2)).isoformat())
    visit.save()
    qtbot.waitUntil(lambda: visit.onset.error.isVisible(), timeout=10000)
    assert "future" in visit.onset.error.text()
