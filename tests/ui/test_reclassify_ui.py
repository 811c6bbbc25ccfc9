"""Reclassifying a notifiable case on the laptop (issue 16 item 3), by keyboard with real key events, in English and
in Persian: Ctrl+Shift+K on the chart opens the dialog with the cursor in the new classification, only the moves the
service allows are offered, the reason is required, the case's history is shown, Ctrl+S saves, and the chart's
panel then shows the new classification and why it moved."""

from __future__ import annotations

from PySide6.QtCore import Qt
from test_surveillance_ui import _chart, _choose, _focus, _malaria_patient
from ui_helpers import press, type_here, wait_ops

from app.services.cases import case_history
from app.services.test_results import case_views

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def _reclassify_dialog(qtbot, chart):  # type: ignore[no-untyped-def]
    panel = chart.cases_panel
    assert "Ctrl+Shift+K" in panel.reclassify_button.toolTip()
    _focus(qtbot, chart.visit_button)
    press(qtbot, Qt.Key.Key_K, CTRL | SHIFT)
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible(), timeout=5000)
    dialog = panel.dialog
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: dialog.history.rowCount() == 1, timeout=10000)  # opened at the visit
    _focus(qtbot, dialog.to)  # the cursor starts in the new classification
    return dialog


def _discard(qtbot, dialog, reason: str) -> None:  # type: ignore[no-untyped-def]
    # Ctrl+S with nothing chosen: both errors beside their fields, the first focused.
    press(qtbot, Qt.Key.Key_S, CTRL)
    error_to = dialog.findChild(type(dialog.general), "error_classification")
    error_reason = dialog.findChild(type(dialog.general), "error_reason")
    assert error_to.isVisible() and error_reason.isVisible()
    _focus(qtbot, dialog.to)
    _choose(qtbot, dialog.to, "discarded")
    press(qtbot, Qt.Key.Key_Tab)
    _focus(qtbot, dialog.reason)
    type_here(reason)
    press(qtbot, Qt.Key.Key_S, CTRL)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: dialog.result is not None and not dialog.isVisible(), timeout=10000)


def test_discard_a_case_by_keyboard(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    pid, _visit = _malaria_patient(main)
    chart = _chart(qtbot, main, pid)
    panel = chart.cases_panel
    assert panel.table.item(0, 2).text() == "suspected"
    dialog = _reclassify_dialog(qtbot, chart)
    assert dialog.windowTitle() == "Reclassify case"
    offered = [dialog.to.itemData(i) for i in range(1, dialog.to.count())]
    assert offered == ["probable", "confirmed", "discarded"]  # the service's moves from suspected
    assert dialog.history.item(0, 2).text() == "suspected"
    assert dialog.history.item(0, 3).text() == "recorded at the visit"
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.findChild(type(dialog.general), "error_reason").text() == (
        "Reason: say why the case is reclassified.")
    assert "2 fields need attention" in dialog.general.text()
    _discard(qtbot, dialog, "RDT and blood film negative")
    qtbot.waitUntil(lambda: panel.table.item(0, 2).text() == "discarded", timeout=10000)
    assert panel.table.item(0, 3).text() == "RDT and blood film negative"
    (case,) = case_views(main.session.ctx, patient_id=pid)
    assert case.classification == "discarded" and case.reason == "RDT and blood film negative"
    moves = case_history(main.session.ctx, case.id)
    assert [(m.frm, m.to) for m in moves] == [("", "suspected"), ("suspected", "discarded")]
    assert moves[-1].user_name and moves[-1].reason == "RDT and blood film negative"

    # Reopened from discarded: the dialog shows the history, and offers the moves from discarded only.
    dialog = _reclassify_dialog_again(qtbot, chart)
    assert [dialog.to.itemData(i) for i in range(1, dialog.to.count())] == ["suspected", "probable", "confirmed"]
    assert dialog.history.item(1, 2).text() == "suspected → discarded"
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def _reclassify_dialog_again(qtbot, chart):  # type: ignore[no-untyped-def]
    panel = chart.cases_panel
    _focus(qtbot, chart.visit_button)
    press(qtbot, Qt.Key.Key_K, CTRL | SHIFT)
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: panel.dialog.history.rowCount() == 2, timeout=10000)
    return panel.dialog


def test_discard_a_case_in_persian(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="fa")
    pid, _visit = _malaria_patient(main)
    chart = _chart(qtbot, main, pid)
    panel = chart.cases_panel
    assert panel.reclassify_button.text() == "طبقه‌بندی دوباره…"
    dialog = _reclassify_dialog(qtbot, chart)
    assert dialog.isRightToLeft() and dialog.windowTitle() == "طبقه‌بندی دوبارهٔ مورد"
    assert dialog.history.item(0, 2).text() == "مشکوک"
    _discard(qtbot, dialog, "آزمایش سریع منفی")
    qtbot.waitUntil(lambda: panel.table.item(0, 2).text() == "رد شده", timeout=10000)
    assert panel.table.item(0, 3).text() == "آزمایش سریع منفی"
    (case,) = case_views(main.session.ctx, patient_id=pid)
    assert case.classification == "discarded" and case.reason == "آزمایش سریع منفی"


def test_a_refused_reclassification_is_a_sentence(qtbot, driver):  # type: ignore[no-untyped-def]
    """The service checks the role: a coordinator (who may read the chart, not reclassify) gets its refusal as a
    sentence under the fields, and nothing changes. (The panel hides the button for such roles.)"""
    from dataclasses import replace

    from app.ui.surveillance.reclassify import ReclassifyDialog

    main = driver.sign_in("m.shahraki", lang="en")
    pid, _visit = _malaria_patient(main)
    chart = _chart(qtbot, main, pid)
    coordinator = replace(main.session.ctx, role="coordinator")
    dialog = ReclassifyDialog(coordinator, chart.cases_panel.cases[0], chart)
    dialog.open()
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: dialog.history.rowCount() == 1, timeout=10000)
    _focus(qtbot, dialog.to)
    _choose(qtbot, dialog.to, "confirmed")
    press(qtbot, Qt.Key.Key_Tab)
    type_here("IgM positive")
    press(qtbot, Qt.Key.Key_S, CTRL)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: "oordinator" in dialog.general.text(), timeout=10000)
    assert dialog.general.text().endswith(".") and dialog.isVisible() and dialog.save_button.isEnabled()
    (case,) = case_views(main.session.ctx, patient_id=pid)
    assert case.classification == "suspected"
    dialog.reject()
