"""The visit form driven from the keyboard only (issue 14): focus where typing starts, Tab through the medicines
and out again, Ctrl+S with a dose still being typed, a saved visit read-only until amended, every error at once."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem
from sqlalchemy import select
from ui_helpers import press, type_here, type_text, wait_focus, wait_ops

from app.models import AuditEntry, Visit
from app.services.patients import register_patient

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def _patient(main):  # type: ignore[no-untyped-def]
    reg = register_patient(main.ctx, {"given_name_latin": "Karim", "father_name_latin": "Nader", "sex": "male",
                                      "birth_year": 1990, "nationality": "afghan", "legal_status": "amayesh",
                                      "consent_date": date.today().isoformat()})
    return reg.patient_id


def _tab_to(qtbot, widget, most: int = 30) -> None:  # type: ignore[no-untyped-def]
    for _ in range(most):
        if QApplication.focusWidget() is widget:
            return
        press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is widget, f"Tab never reached {widget.objectName()}"


def _open_visit(qtbot, main):  # type: ignore[no-untyped-def]
    chart = main.open_chart(_patient(main))
    qtbot.waitUntil(lambda: chart.chart is not None and chart.visit_button.isEnabled(), timeout=10000)
    wait_focus(qtbot, chart.visit_button)
    press(qtbot, Qt.Key.Key_V, CTRL | SHIFT)  # New visit
    visit = main.tabs.currentWidget()
    assert visit.objectName() == "visitForm"
    wait_focus(qtbot, visit.complaint)  # the first keystroke goes into the complaint
    return chart, visit


def test_visit_by_keyboard_saves_what_it_shows_and_stays_read_only(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    wait_focus(qtbot, main.search.query)  # after "Start the day": the search box, not the tab bar

    press(qtbot, Qt.Key.Key_N, CTRL)  # a new registration: typing starts in its first name field
    register = main.tabs.currentWidget()
    qtbot.waitUntil(lambda: register.isAncestorOf(QApplication.focusWidget()), timeout=5000)
    press(qtbot, Qt.Key.Key_W, CTRL)

    chart, visit = _open_visit(qtbot, main)
    type_here("Cough and fever")
    _tab_to(qtbot, visit.diagnoses.search)
    with qtbot.waitSignal(visit.diagnoses.suggestions_ready, timeout=5000):
        type_here("J06.9")
    press(qtbot, Qt.Key.Key_Return)  # the first suggestion is highlighted: Enter takes it
    qtbot.waitUntil(lambda: len(visit.diagnoses.chosen) == 1)

    _tab_to(qtbot, visit.add_button)
    press(qtbot, Qt.Key.Key_Space)  # a new row; the cursor in its first cell
    type_here("Paracetamol")
    press(qtbot, Qt.Key.Key_Tab)
    type_here("2 x 500 mg")
    press(qtbot, Qt.Key.Key_Tab)
    type_here("20")
    press(qtbot, Qt.Key.Key_Tab)
    type_here("۰۹:۳۰")  # the time it was given, typed in Persian digits
    press(qtbot, Qt.Key.Key_Tab)  # out of the last cell: on to the next field, not back to the first cell
    assert not visit.medicines.isAncestorOf(QApplication.focusWidget())
    assert QApplication.focusWidget() is not visit.medicines
    _tab_to(qtbot, visit.follow_up, most=3)
    _tab_to(qtbot, visit.save_button, most=3)
    # Shift+Tab goes back in, and Space adds a second medicine whose dose is still being typed at Ctrl+S.
    _tab_to(qtbot, visit.add_button)
    press(qtbot, Qt.Key.Key_Space)
    type_here("ORS")
    press(qtbot, Qt.Key.Key_Tab)
    type_here("1 sachet after each stool")
    assert visit.medicines.isAncestorOf(QApplication.focusWidget())  # the cell editor is still open
    press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: visit.saved_visit is not None, timeout=10000)
    wait_ops(qtbot)

    with main.ctx.store.read() as s:
        stored = s.scalars(select(Visit)).all()
        stored = [v for v in stored if v.id == visit.visit_id][0]
        assert stored.medicines == [{"name": "Paracetamol", "dose": "2 x 500 mg", "quantity": "20", "time": "09:30"},
                                    {"name": "ORS", "dose": "1 sachet after each stool", "quantity": ""}]
    # The form now shows the stored record, and nothing on it can be changed without "Amend".
    assert visit.medicines.rows() == [["Paracetamol", "2 x 500 mg", "20", "09:30"],
                                      ["ORS", "1 sachet after each stool", "", ""]]
    for w in (visit.visit_type, visit.follow_up, visit.diagnoses.toggle_button, visit.diagnoses.remove_button,
              visit.medicines, visit.complaint):
        assert not w.isEnabled(), w.objectName()
    # A locked field shows no hint that could be read as a value ("30–45", a sample follow-up date).
    assert visit.follow_up.placeholderText() == "" and visit.vitals.edits["temperature_c"].placeholderText() == ""
    visit.diagnoses.list.setCurrentRow(0)
    visit.diagnoses.toggle_certainty()
    visit.diagnoses.remove_selected()
    assert visit.diagnoses.chosen[0]["certainty"] == "suspected" and len(visit.diagnoses.chosen) == 1

    # Reopened from the chart (Enter on its row): the doses are there.
    press(qtbot, Qt.Key.Key_W, CTRL)
    qtbot.waitUntil(lambda: main.tabs.currentWidget() is chart)
    qtbot.waitUntil(lambda: chart.visits.rowCount() >= 1, timeout=10000)
    chart.visits.setFocus()
    chart.visits.setCurrentCell(0, 0)
    press(qtbot, Qt.Key.Key_Return)
    reopened = main.tabs.currentWidget()
    assert reopened.objectName() == "visitForm" and reopened is not visit
    qtbot.waitUntil(lambda: reopened.saved_visit is not None, timeout=10000)
    assert reopened.medicines.rows()[0] == ["Paracetamol", "2 x 500 mg", "20", "09:30"]
    assert not reopened.follow_up.isEnabled()

    # A real amendment: a new version with its reason, in the audit trail.
    wait_focus(qtbot, reopened.amend_button)
    press(qtbot, Qt.Key.Key_Space)
    assert reopened.follow_up.isEnabled() and reopened.follow_up.placeholderText()
    reopened.diagnoses.list.setCurrentRow(0)
    reopened.diagnoses.toggle_certainty()
    press(qtbot, Qt.Key.Key_S, CTRL)  # no reason yet: refused, and the status line says why
    assert reopened.reason.hasFocus() and "Not saved" in main.statusBar().currentMessage()
    type_here("Rapid test came back")
    press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not reopened.amending and reopened.saved_visit.version > 1, timeout=10000)
    wait_ops(qtbot)
    with main.ctx.store.read() as s:
        v = s.get(Visit, reopened.visit_id)
        assert v.correction_reason == "Rapid test came back"
        assert [d.certainty for d in v.diagnoses if not d.deleted] == ["confirmed"]
        # recording the visit wrote "created", the amendment "changed" (one entry each)
        assert sorted(s.scalars(select(AuditEntry.action).where(AuditEntry.record_id == v.id,
                                                                AuditEntry.entity == "visit")).all()) == [
            "changed", "created"]
    assert not reopened.diagnoses.toggle_button.isEnabled()


def test_refused_save_shows_every_error_and_says_why(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    _chart, visit = _open_visit(qtbot, main)
    type_text(visit.vitals.edits["temperature_c"], "395")
    type_text(visit.follow_up, "2026-13-45")
    visit.scroll.verticalScrollBar().setValue(visit.scroll.verticalScrollBar().maximum())
    press(qtbot, Qt.Key.Key_S, CTRL)
    wait_ops(qtbot)
    shown = {name: label.isVisible() for name, label in (
        ("complaint", visit.errors._bound["complaint"][1]), ("temperature", visit.vitals.notes["temperature_c"]),
        ("follow-up", visit.follow_error))}
    assert shown == {"complaint": True, "temperature": True, "follow-up": True}
    assert QApplication.focusWidget() is visit.complaint  # the first one, scrolled to
    assert "Not saved: 3 fields" in main.statusBar().currentMessage()
    assert visit.saved_visit is None


def test_mixed_text_keeps_its_order_in_persian(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="fa")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    _chart, visit = _open_visit(qtbot, main)
    type_here("سرفه")
    type_text(visit.treatment, "500 mg paracetamol")
    block = visit.treatment.document().firstBlock()
    assert block.textDirection() == Qt.LayoutDirection.LeftToRight  # laid out RTL it read "mg paracetamol 500"
    assert visit.complaint.document().firstBlock().textDirection() == Qt.LayoutDirection.RightToLeft
    visit.add_medicine()
    type_here("500 mg paracetamol")
    press(qtbot, Qt.Key.Key_Tab)
    editor = QApplication.focusWidget()
    type_here("۲ عدد")
    assert editor.layoutDirection() == Qt.LayoutDirection.RightToLeft
    press(qtbot, Qt.Key.Key_Tab)

    def direction(row: int, col: int) -> Qt.LayoutDirection:
        option = QStyleOptionViewItem()
        option.direction = Qt.LayoutDirection.RightToLeft
        index = visit.medicines.model().index(row, col, QModelIndex())
        visit.medicines.itemDelegate().initStyleOption(option, index)
        return option.direction

    # "500 mg paracetamol" laid out right to left reads "mg paracetamol 500": a Latin cell keeps its own order.
    assert direction(0, 0) == Qt.LayoutDirection.LeftToRight
    assert direction(0, 1) == Qt.LayoutDirection.RightToLeft
