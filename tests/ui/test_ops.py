"""The op runner: work off the GUI thread, progress after ~300 ms, errors in the user's language."""

from __future__ import annotations

import threading
import time

from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget
from ui_helpers import wait_ops

from app.services.errors import ServiceError
from app.ui import i18n, ops


def test_runs_off_the_gui_thread_and_shows_progress_when_slow(qtbot):  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    seen: dict[str, object] = {}
    gate = threading.Event()

    def work() -> int:
        seen["thread"] = threading.current_thread()
        gate.wait(5)
        return 42

    ops.run_op(parent, work, lambda r: seen.setdefault("result", r), None, "Saving…")
    qtbot.waitUntil(lambda: parent.findChild(QProgressDialog, "opProgress") is not None, timeout=3000)
    assert parent.findChild(QProgressDialog, "opProgress").labelText() == "Saving…"
    gate.set()
    qtbot.waitUntil(lambda: "result" in seen, timeout=3000)
    assert seen["result"] == 42 and seen["thread"] is not threading.main_thread()
    wait_ops(qtbot)


def test_fast_work_shows_no_progress(qtbot):  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    done = []
    ops.run_op(parent, lambda: 1, done.append, None, "Saving…")
    qtbot.waitUntil(lambda: done == [1], timeout=3000)
    assert parent.findChild(QProgressDialog, "opProgress") is None


def test_service_error_in_persian_and_no_traceback(qtbot):  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    i18n.set_language("fa")
    try:
        def fail() -> None:
            raise ServiceError("Not allowed.", "مجاز نیست.")

        ops.run_op(parent, fail)
        qtbot.waitUntil(lambda: parent.findChild(QMessageBox, "errorBox") is not None, timeout=3000)
        assert parent.findChild(QMessageBox, "errorBox").text() == "مجاز نیست."

        def crash() -> None:
            raise KeyError("patient Ahmad Karim")  # details must not reach the screen (or the log)

        box_count = len(parent.findChildren(QMessageBox))
        ops.run_op(parent, crash)
        qtbot.waitUntil(lambda: len(parent.findChildren(QMessageBox)) > box_count, timeout=3000)
        text = parent.findChildren(QMessageBox)[-1].text()
        assert "Ahmad" not in text and "Traceback" not in text and "KeyError" not in text
    finally:
        i18n.set_language("en")


def test_result_for_a_closed_window_is_dropped(qtbot):  # type: ignore[no-untyped-def]
    parent = QWidget()
    called = []

    def slow() -> int:
        time.sleep(0.2)
        return 1

    ops.run_op(parent, slow, called.append)
    parent.deleteLater()
    qtbot.wait(50)
    wait_ops(qtbot)
    assert called == []


def test_qt_own_dialog_buttons_speak_persian(qtbot):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox

    i18n.set_language("fa")
    try:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        texts = [b.text() for b in box.buttons()]
        assert all(any("\u0600" <= ch <= "\u06ff" for ch in t) for t in texts), texts
    finally:
        i18n.set_language("en")

