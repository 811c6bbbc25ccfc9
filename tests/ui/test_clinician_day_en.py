"""A clinician's day in English: register, duplicate warning, visit with a notifiable disease, referral, slip."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton

from ui_helpers import type_text, wait_ops


def _register(qtbot, main, given: str, father: str, year: str, doc: str):  # type: ignore[no-untyped-def]
    qtbot.mouseClick(main.search.findChild(QPushButton, "registerButton"), Qt.MouseButton.LeftButton)
    form = main.tabs.currentWidget()
    assert form.objectName() == "registerForm"
    type_text(form.names["given_name_latin"], given)
    type_text(form.names["father_name_latin"], father)
    form.sex.setCurrentIndex(form.sex.findData("male"))
    type_text(form.birth_year, year)
    qtbot.mouseClick(form.findChild(QPushButton, "addDocument"), Qt.MouseButton.LeftButton)
    form.doc_rows[0].doc_type.setCurrentIndex(form.doc_rows[0].doc_type.findData("passport"))
    type_text(form.doc_rows[0].number, doc)
    form.consent.setChecked(True)
    return form


def test_register_duplicate_visit_referral(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight

    form = _register(qtbot, main, "Ahmad", "Karim", "1990", "P1234567")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: main.tabs.currentWidget().objectName() == "chartView", timeout=10000)
    chart = main.tabs.currentWidget()
    qtbot.waitUntil(lambda: chart.chart is not None, timeout=10000)
    assert "Ahmad" in chart.header.text()

    # The same passport again: the duplicate dialog names the existing record; open it instead.
    form = _register(qtbot, main, "Ahmed", "Kareem", "1991", "P1234567")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(form, "duplicate_dialog", None) is not None, timeout=10000)
    dialog = form.duplicate_dialog
    assert dialog.list.count() == 1 and chart.chart.patient.code in dialog.list.item(0).text()
    qtbot.mouseClick(dialog.findChild(QPushButton, "registerAnyway"), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error.text()  # a reason is required
    qtbot.mouseClick(dialog.findChild(QPushButton, "openExisting"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: main.tabs.currentWidget() is chart)

    # A visit with measles: banner while typing, dialog after saving.
    qtbot.mouseClick(chart.visit_button, Qt.MouseButton.LeftButton)
    visit = main.tabs.currentWidget()
    assert visit.objectName() == "visitForm"
    type_text(visit.complaint, "Fever and rash for 3 days")
    type_text(visit.vitals.edits["temperature_c"], "395")
    assert visit.vitals.notes["temperature_c"].isVisible()  # 395 is a typing slip: flagged inline
    visit.vitals.edits["temperature_c"].clear()
    type_text(visit.vitals.edits["temperature_c"], "39.5")
    assert not visit.vitals.notes["temperature_c"].isVisible()
    with qtbot.waitSignal(visit.diagnoses.suggestions_ready, timeout=5000):
        type_text(visit.diagnoses.search, "measles")
    visit.diagnoses.choose(0)
    assert visit.alarm.isVisible() and "NOTIFIABLE" in visit.alarm.label.text()
    assert "(suspected)" in visit.diagnoses.list.item(0).text()
    visit.diagnoses.list.setCurrentRow(0)  # the rash was confirmed: mark it so surveillance classifies the case
    qtbot.mouseClick(visit.diagnoses.findChild(QPushButton, "toggleCertainty"), Qt.MouseButton.LeftButton)
    assert "(confirmed)" in visit.diagnoses.list.item(0).text()
    main.activateWindow()  # the duplicate dialog had the focus a moment ago
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    qtbot.keyClick(main, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # save from the keyboard
    qtbot.waitUntil(lambda: getattr(visit, "notifiable_dialog", None) is not None, timeout=10000)
    box = visit.notifiable_dialog
    assert "Measles" in box.text() and "report immediately" in box.text()
    assert box.icon() == QMessageBox.Icon.Critical
    box.accept()
    assert visit.result.urgent
    from sqlalchemy import select

    from app.models import SurveillanceCase

    with visit.ctx.store.read() as s:
        assert s.scalars(select(SurveillanceCase.classification)).all() == ["confirmed"]

    # Referral from the visit: hospitals first.
    qtbot.mouseClick(visit.refer_button, Qt.MouseButton.LeftButton)
    referral = main.tabs.currentWidget()
    assert referral.objectName() == "referralForm"
    qtbot.waitUntil(lambda: referral.facility.count() > 0, timeout=5000)
    assert "Hospital" in referral.facility.itemText(0)
    type_text(referral.reason, "Suspected measles with dehydration")
    referral.urgency.setCurrentIndex(referral.urgency.findData("urgent"))
    qtbot.mouseClick(referral.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: referral.referral is not None, timeout=10000)
    assert referral.print_button.isEnabled()
    wait_ops(qtbot)
    chart.reload()
    wait_ops(qtbot)
    assert chart.referrals.rowCount() == 1
    assert chart.visits.rowCount() == 1

    # The tear-off comes back from the hospital: the clinician records it and the referral is closed.
    chart.referrals.setCurrentCell(0, 0)
    qtbot.mouseClick(chart.feedback, Qt.MouseButton.LeftButton)
    dialog = chart.feedback_dialog
    dialog.date_seen.setText("2999-01-01")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.isVisible() and "future" in " ".join(l.text() for l in dialog.findChildren(QLabel) if l.isVisible())
    dialog.date_seen.set_value(None)
    type_text(dialog.date_seen, date.today().isoformat())
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("admitted"))
    type_text(dialog.advice, "Return for measles follow-up in 2 weeks")
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: chart.referrals.item(0, 4).text() == "Feedback received", timeout=10000)
