"""Test results and the malaria case investigation on the laptop (issue 16), driven from the keyboard with real key
events, in English and in Persian: the cursor starts in the first field, Tab follows the screen, Ctrl+S saves,
every problem is shown beside its field, and the screen says how the case's classification moved."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import press, type_here, wait_ops

from app.core.dates import format_date
from app.services.patients import register_patient
from app.services.test_results import case_views, investigation_for
from app.services.visits import record_visit

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def _malaria_patient(main, code: str = "B54") -> tuple[str, str]:  # type: ignore[no-untyped-def]
    ctx = main.session.ctx
    pid = register_patient(ctx, {"given_name_fa": "گل‌احمد", "given_name_latin": "Gul Ahmad",
                                 "father_name_fa": "نبی", "father_name_latin": "Nabi", "sex": "male",
                                 "birth_year": 1988, "nationality": "afghan", "legal_status": "amayesh",
                                 "consent_date": date.today().isoformat()}, override_reason="test").patient_id
    visit = record_visit(ctx, {"patient_id": pid, "complaint": "fever and chills", "diagnoses": [{"code": code}]})
    return pid, visit.visit_id


def _focus(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    def there() -> bool:
        if QApplication.activeWindow() is None:
            widget.window().activateWindow()
        return QApplication.focusWidget() is widget

    qtbot.waitUntil(there, timeout=5000)


def _chart(qtbot, main, pid):  # type: ignore[no-untyped-def]
    chart = main.open_chart(pid)
    qtbot.waitUntil(lambda: chart.chart is not None and bool(chart.cases_panel.cases), timeout=15000)
    return chart


def _choose(qtbot, combo, data) -> None:  # type: ignore[no-untyped-def]
    """Pick a combo's item with the arrow keys, as a person does (the combo has the focus)."""
    _focus(qtbot, combo)
    press(qtbot, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentData() == data:
            return
        press(qtbot, Qt.Key.Key_Down)
    assert combo.currentData() == data


def _result_dialog(qtbot, chart):  # type: ignore[no-untyped-def]
    _focus(qtbot, chart.visit_button)
    press(qtbot, Qt.Key.Key_T, CTRL | SHIFT)  # Enter a test result
    qtbot.waitUntil(lambda: chart.cases_panel.dialog is not None and chart.cases_panel.dialog.isVisible(),
                    timeout=5000)
    return chart.cases_panel.dialog


def test_rdt_result_by_keyboard_confirms_malaria_and_says_so(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    pid, _visit = _malaria_patient(main)
    chart = _chart(qtbot, main, pid)
    panel = chart.cases_panel
    assert panel.isVisible() and panel.table.item(0, 2).text() == "suspected"
    assert panel.table.item(0, 5).text() == "to do"  # malaria: every case investigated
    dialog = _result_dialog(qtbot, chart)
    _focus(qtbot, dialog.test)  # the case is chosen: typing starts at the test
    assert dialog.test.currentData() == "malaria_rdt"
    assert dialog.subtype.isVisibleTo(dialog)  # Plasmodium species for a malaria test

    # Ctrl+S with no result and an unreadable sample date: both errors beside their fields, the first focused.
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    _focus(qtbot, dialog.sample_date)
    type_here("yesterday")
    press(qtbot, Qt.Key.Key_S, CTRL)
    wait_ops(qtbot)
    outcome_error = dialog.findChild(type(dialog.general), "error_outcome")
    sample_error = dialog.findChild(type(dialog.general), "error_sample_date")
    assert outcome_error.text().startswith("Result: choose positive")
    assert sample_error.text().startswith("Sample taken on: Enter the date year first")
    assert "2 fields need attention" in dialog.general.text()
    _focus(qtbot, dialog.outcome)

    # Fix them by keyboard: positive, falciparum, the sample date, the laboratory.
    _choose(qtbot, dialog.outcome, "positive")
    press(qtbot, Qt.Key.Key_Tab)
    _focus(qtbot, dialog.sample_date)
    dialog.sample_date.selectAll()
    type_here((date.today() - timedelta(days=1)).isoformat())
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    _focus(qtbot, dialog.lab)
    type_here("Zabol laboratory")
    press(qtbot, Qt.Key.Key_Tab, SHIFT)
    press(qtbot, Qt.Key.Key_Tab, SHIFT)
    press(qtbot, Qt.Key.Key_Tab, SHIFT)
    press(qtbot, Qt.Key.Key_Tab, SHIFT)  # back up to the species, above the result
    _choose(qtbot, dialog.subtype, "falciparum")
    press(qtbot, Qt.Key.Key_S, CTRL)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: dialog.moved_banner.isVisible(), timeout=10000)
    assert dialog.moved_banner.label.text() == "Result saved. Malaria: suspected → confirmed"
    assert not outcome_error.isVisible() and not sample_error.isVisible()
    assert dialog.history.rowCount() == 1 and dialog.history.item(0, 3).text() == "confirmed"
    assert "positive (P. falciparum)" in dialog.history.item(0, 2).text()
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: panel.table.item(0, 2).text() == "confirmed", timeout=10000)
    assert "positive" in panel.table.item(0, 3).text()  # how it moved: the result that did it
    (case,) = case_views(main.session.ctx, patient_id=pid)
    (stored,) = case.results
    assert (stored.test, stored.subtype, stored.outcome, stored.lab, stored.sample_date) == (
        "malaria_rdt", "falciparum", "positive", "Zabol laboratory", date.today() - timedelta(days=1))


def test_persian_result_from_the_visit_and_investigation(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="fa")
    pid, visit_id = _malaria_patient(main, "B51.9")
    main.open_form("visit", {"patient_id": pid, "patient_label": "گل‌احمد", "patient_sex": "male",
                             "visit_id": visit_id})
    visit = main.tabs.currentWidget()
    qtbot.waitUntil(lambda: visit.saved_visit is not None, timeout=10000)
    assert visit.results_button.isEnabled() and "Ctrl+Shift+T" in visit.results_button.toolTip()
    _focus(qtbot, visit.amend_button)
    press(qtbot, Qt.Key.Key_T, CTRL | SHIFT)  # from the saved visit
    qtbot.waitUntil(lambda: getattr(visit, "results_dialog", None) is not None
                    and visit.results_dialog.isVisible(), timeout=10000)
    dialog = visit.results_dialog
    assert dialog.isRightToLeft() and dialog.windowTitle() == "نتیجهٔ آزمایش"
    _focus(qtbot, dialog.test)
    press(qtbot, Qt.Key.Key_Down)  # the blood film, below the RDT
    assert dialog.test.currentData() == "malaria_microscopy"
    press(qtbot, Qt.Key.Key_Tab)
    _choose(qtbot, dialog.subtype, "vivax")
    press(qtbot, Qt.Key.Key_Tab)
    _choose(qtbot, dialog.outcome, "positive")
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    _focus(qtbot, dialog.result_date)  # Solar Hijri, typed in Persian digits
    dialog.result_date.selectAll()
    today = format_date(date.today(), lang="fa", calendar="jalali", digits="latin")
    type_here(today.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")))
    press(qtbot, Qt.Key.Key_Tab)
    type_here("آزمایشگاه زابل")
    press(qtbot, Qt.Key.Key_S, CTRL)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: dialog.moved_banner.isVisible(), timeout=10000)
    assert dialog.moved_banner.label.text() == "نتیجه ذخیره شد. مالاریا: مشکوک ← قطعی"  # the arrow reads right to left
    assert dialog.lab.text() == ""  # ready for another result
    (case,) = case_views(main.session.ctx, visit_id=visit_id)
    assert case.classification == "confirmed" and case.results[0].lab == "آزمایشگاه زابل"
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    chart = _chart(qtbot, main, pid)
    panel = chart.cases_panel
    qtbot.waitUntil(lambda: panel.table.item(0, 2).text() == "قطعی", timeout=10000)
    panel.table.setFocus()
    _focus(qtbot, panel.table)
    press(qtbot, Qt.Key.Key_Tab)  # from the cases to "Enter a test result…", then "Case investigation…"
    press(qtbot, Qt.Key.Key_Tab)
    _focus(qtbot, panel.investigate_button)
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible(), timeout=5000)
    form = panel.dialog
    wait_ops(qtbot)
    _focus(qtbot, form.investigated_on)
    press(qtbot, Qt.Key.Key_Tab)
    _choose(qtbot, form.travelled, True)
    press(qtbot, Qt.Key.Key_Tab)
    type_here("افغانستان")
    press(qtbot, Qt.Key.Key_Tab)
    type_here("نیمروز")
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # a second place
    _focus(qtbot, form.places[1].country)
    type_here("Pakistan")
    for _ in range(30):
        if QApplication.focusWidget() is form.origin:
            break
        press(qtbot, Qt.Key.Key_Tab)
    _choose(qtbot, form.origin, "imported")
    press(qtbot, Qt.Key.Key_Tab)
    assert form.contacts_positive.text() == "۰"  # one digit style on the Persian screen, as in every field
    form.contacts_tested.selectAll()
    type_here("3")  # the numeric keypad gives Latin digits
    assert form.contacts_tested.text() == "۳"
    press(qtbot, Qt.Key.Key_Tab)
    form.contacts_positive.selectAll()
    type_here("۵")  # more positive than tested
    press(qtbot, Qt.Key.Key_S, CTRL)
    wait_ops(qtbot)
    error = form.findChild(type(form.general), "error_contacts_positive")
    qtbot.waitUntil(lambda: error.isVisible(), timeout=10000)
    assert "تماس‌های خانوار مثبت" in error.text()  # names the field, in Persian
    _focus(qtbot, form.contacts_positive)
    form.contacts_positive.selectAll()
    type_here("۱")
    press(qtbot, Qt.Key.Key_S, CTRL)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: form.result is not None, timeout=10000)
    assert not error.isVisible()
    inv = investigation_for(main.session.ctx, case.id)
    assert (inv.travelled, inv.origin, inv.contacts_tested, inv.contacts_positive) == (True, "imported", 3, 1)
    assert [(p["country"], p.get("province", "")) for p in inv.places] == [("افغانستان", "نیمروز"), ("Pakistan", "")]
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: panel.table.item(0, 5).text() == "انجام شد", timeout=10000)


def test_a_test_result_needs_a_case(qtbot, driver):  # type: ignore[no-untyped-def]
    """A visit without a notifiable disease: the button says why there is nothing to enter."""
    main = driver.sign_in("m.shahraki", lang="en")
    pid, visit_id = _malaria_patient(main, "J06.9")
    main.open_form("visit", {"patient_id": pid, "patient_label": "Gul", "patient_sex": "male",
                             "visit_id": visit_id})
    visit = main.tabs.currentWidget()
    qtbot.waitUntil(lambda: visit.saved_visit is not None, timeout=10000)
    _focus(qtbot, visit.amend_button)
    press(qtbot, Qt.Key.Key_T, CTRL | SHIFT)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: "no notifiable disease" in main.statusBar().currentMessage(), timeout=5000)
    assert getattr(visit, "results_dialog", None) is None
