"""The whole window follows a language switch and a Persian screen keeps one digit style (issue 14): the title and
status bar name the user and facility in the new language, Qt's file dialog speaks Persian (not the system's),
and Latin digits typed into a date or a vital sign show as Persian digits."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QLabel
from test_visit_keyboard import _open_visit
from ui_helpers import press, type_here, wait_focus

CTRL = Qt.KeyboardModifier.ControlModifier
PERSIAN = re.compile("[\u0600-\u06ff]")


def test_title_status_bar_file_dialog_and_digits_follow_persian(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    assert not PERSIAN.search(main.windowTitle())
    driver.ctl.change_language("fa")
    main = driver.ctl.main
    qtbot.waitUntil(lambda: main.isVisible(), timeout=10000)
    who = main.findChild(QLabel, "whoLabel").text()
    assert PERSIAN.search(main.windowTitle()) and not re.search("[A-Za-z]", main.windowTitle()), main.windowTitle()
    assert not re.search("[A-Za-z]", who), who  # the user's and facility's Persian names, the role in Persian

    assert QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
    dialog = QFileDialog(main, "ذخیره", "", "PDF (*.pdf)")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.show()
    try:
        shown = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)
                 if w.isVisible() and w.text()]
        english = [t for t in shown if re.search("[A-Za-z]", t.replace("PDF", "").replace("pdf", ""))]
        assert shown and english == [], english
    finally:
        dialog.close()
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main, timeout=5000)

    _chart, visit = _open_visit(qtbot, main)
    temperature = visit.vitals.edits["temperature_c"]
    temperature.setFocus()
    wait_focus(qtbot, temperature)
    type_here("38.5")  # the numeric keypad gives Latin digits
    assert temperature.text() == "۳۸٫۵" and visit.vitals.values()["temperature_c"] == 38.5
    assert not re.search("[0-9]", temperature.placeholderText() + visit.follow_up.placeholderText())
    visit.follow_up.setFocus()
    wait_focus(qtbot, visit.follow_up)
    press(qtbot, Qt.Key.Key_Up)  # the keyboard picker: today, in Solar Hijri with Persian digits
    assert not re.search("[0-9]", visit.follow_up.text()) and visit.follow_up.value() is not None
    assert QApplication.focusWidget() is visit.follow_up


def test_english_keeps_latin_digits_and_the_systems_dialogs(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    assert not QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
    _chart, visit = _open_visit(qtbot, main)
    temperature = visit.vitals.edits["temperature_c"]
    temperature.setFocus()
    wait_focus(qtbot, temperature)
    type_here("38.5")
    assert temperature.text() == "38.5"
