"""The referral form's refused save (issue 14): every error beside its field, the cursor in the first, and the
status line says why nothing was issued, as on the visit and registration forms."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from sqlalchemy import select
from ui_helpers import press, type_here, wait_focus, wait_ops

from app.models import Department, Referral
from app.services.patients import register_patient
from app.services.visits import record_visit

CTRL = Qt.KeyboardModifier.ControlModifier


def test_refused_referral_shows_every_error_focuses_the_first_and_says_why(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    ctx = main.ctx
    pid = register_patient(ctx, {"given_name_latin": "Karim", "father_name_latin": "Nader", "sex": "male",
                                 "birth_year": 1990, "nationality": "afghan", "legal_status": "amayesh",
                                 "consent_date": date.today().isoformat()}).patient_id
    visit = record_visit(ctx, {"patient_id": pid, "complaint": "Cough"})
    with ctx.write() as s:  # a site whose department list has not arrived: nothing to choose there
        for d in s.scalars(select(Department)):
            d.deleted = True
    main.open_form("referral", {"visit_id": visit.visit_id, "patient_id": pid, "patient_label": "Karim"})
    form = main.tabs.currentWidget()
    assert form.objectName() == "referralForm"
    qtbot.waitUntil(lambda: form.facility.count() > 0, timeout=10000)
    wait_focus(qtbot, form.reason)

    press(qtbot, Qt.Key.Key_S, CTRL)  # no department, no reason
    wait_ops(qtbot)
    shown = {f: form.errors._bound[f][1].isVisible() for f in ("to_facility_id", "department", "reason")}
    assert shown == {"to_facility_id": False, "department": True, "reason": True}
    wait_focus(qtbot, form.department)  # the first of them on the screen
    assert main.statusBar().currentMessage() == "Not saved: 2 fields need attention."
    assert "Not saved: 2 fields need attention." in form.general_error.text()

    wait_focus(qtbot, form.department)
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)  # past the urgency, into the reason
    wait_focus(qtbot, form.reason)
    type_here("Suspected pneumonia")
    press(qtbot, Qt.Key.Key_S, CTRL)
    wait_ops(qtbot)
    assert not form.errors._bound["reason"][1].isVisible()  # fixed: its error is gone
    wait_focus(qtbot, form.department)
    assert main.statusBar().currentMessage() == "Not saved: one field needs attention."
    assert form.reason.toPlainText() == "Suspected pneumonia"  # nothing typed is lost
    with ctx.read() as s:
        assert s.scalars(select(Referral)).all() == []
