"""The visit form lets the clinician enter what the referral slip prints (issue 16, asked in issue 14): weeks of
pregnancy, the patient's known allergies and the time each medicine was given, from the keyboard."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from test_visit_keyboard import _tab_to
from ui_helpers import press, type_here, wait_focus, wait_ops

from app.models import Patient, Visit
from app.services.patients import register_patient

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def test_pregnancy_weeks_allergies_and_medicine_time(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    pid = register_patient(main.ctx, {"given_name_latin": "Zahra", "father_name_latin": "Nabi", "sex": "female",
                                      "birth_year": 1996, "nationality": "afghan", "legal_status": "amayesh",
                                      "allergies": "Sulfa", "consent_date": date.today().isoformat()}).patient_id
    chart = main.open_chart(pid)
    qtbot.waitUntil(lambda: chart.chart is not None and chart.visit_button.isEnabled(), timeout=10000)
    wait_focus(qtbot, chart.visit_button)
    press(qtbot, Qt.Key.Key_V, CTRL | SHIFT)
    visit = main.tabs.currentWidget()
    wait_focus(qtbot, visit.complaint)
    type_here("Headache, swollen feet")
    _tab_to(qtbot, visit.extras.allergies)
    assert visit.extras.allergies.text() == "Sulfa"  # what the record already says
    visit.extras.allergies.selectAll()
    type_here("Sulfa (rash), penicillin")
    _tab_to(qtbot, visit.pregnant)
    press(qtbot, Qt.Key.Key_Space)
    _tab_to(qtbot, visit.extras.weeks)
    type_here("۳۲")
    _tab_to(qtbot, visit.add_button)
    press(qtbot, Qt.Key.Key_Space)
    type_here("Methyldopa")
    press(qtbot, Qt.Key.Key_Tab)
    type_here("250 mg")
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    type_here("9:40")
    press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: visit.saved_visit is not None, timeout=10000)
    wait_ops(qtbot)
    with main.ctx.store.read() as s:
        v = s.scalars(select(Visit)).one()
        assert (v.pregnant, v.pregnancy_weeks) == (True, 32)
        assert v.medicines == [{"name": "Methyldopa", "dose": "250 mg", "quantity": "", "time": "9:40"}]
        assert s.get(Patient, pid).allergies == "Sulfa (rash), penicillin"
    # The saved visit shows them, locked.
    assert visit.extras.weeks.text() == "32" and not visit.extras.weeks.isEnabled()
    assert visit.extras.allergies.text() == "Sulfa (rash), penicillin"
    assert visit.medicines.rows()[0][3] == "9:40"
    assert QApplication.focusWidget() is not None


def test_a_wrong_time_is_refused_beside_the_medicines(qtbot, driver):  # type: ignore[no-untyped-def]
    from test_visit_keyboard import _open_visit

    main = driver.sign_in("m.shahraki", lang="en")
    _chart, visit = _open_visit(qtbot, main)
    type_here("Cough")
    visit.add_medicine()
    type_here("Amoxicillin")
    for _ in range(3):
        press(qtbot, Qt.Key.Key_Tab)
    type_here("25:99")
    press(qtbot, Qt.Key.Key_S, CTRL)
    label = visit.errors._bound["medicines"][1]
    qtbot.waitUntil(label.isVisible, timeout=10000)
    assert "Medicines 1" in label.text() and visit.saved_visit is None
