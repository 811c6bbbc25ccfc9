"""An unusual but true reading from the keyboard (issue 14): Ctrl+S asks to confirm it; Esc goes back to the reading
and saves nothing; Alt+A saves it anyway, and the saved visit shows it as checked and confirmed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from test_visit_keyboard import _open_visit
from ui_helpers import press, type_here, wait_focus, wait_ops

from app.models import Visit

CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier


def _visits(main) -> list[Visit]:  # type: ignore[no-untyped-def]
    with main.ctx.store.read() as s:
        return list(s.scalars(select(Visit)).all())


def test_an_unusual_reading_is_confirmed_then_saved_and_marked(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="en")
    _chart, visit = _open_visit(qtbot, main)
    type_here("Found outside in the cold, drowsy")
    temperature = visit.vitals.edits["temperature_c"]
    temperature.setFocus()
    wait_focus(qtbot, temperature)
    type_here("32.4")
    note = visit.vitals.notes["temperature_c"]
    assert note.isVisible() and "Unusual (usual 34–41.5)" in note.text()  # a warning, not a refusal
    press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: getattr(visit, "unusual_dialog", None) is not None, timeout=10000)
    box = visit.unusual_dialog
    qtbot.waitUntil(box.isVisible)
    assert "Temperature (°C): 32.4 (usual 34–41.5)" in box.text()
    box.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    press(qtbot, Qt.Key.Key_Escape)  # check again: nothing saved, the cursor on the reading
    qtbot.waitUntil(lambda: visit.unusual_dialog is None)
    wait_focus(qtbot, temperature)
    assert _visits(main) == [] and "unusual" in main.statusBar().currentMessage()

    press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: getattr(visit, "unusual_dialog", None) is not None, timeout=10000)
    box = visit.unusual_dialog
    qtbot.waitUntil(box.isVisible)
    box.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    press(qtbot, Qt.Key.Key_A, ALT)  # save anyway (unusual but true)
    qtbot.waitUntil(lambda: visit.saved_visit is not None, timeout=10000)
    wait_ops(qtbot)
    [stored] = _visits(main)
    assert (stored.temperature_c, stored.unusual_vitals) == (32.4, ["temperature_c"])
    assert "Unusual readings checked and confirmed: Temperature (°C)." in visit.stored_label.text()
    assert note.isVisible() and note.text() == "Unusual, confirmed as true"
