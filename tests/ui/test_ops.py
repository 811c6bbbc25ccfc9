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


def test_the_cursor_is_back_where_it_was_when_the_progress_window_closes(qtbot):  # type: ignore[no-untyped-def]
    """A slow save shows a modal progress window, which takes the keyboard; once it closes, the next keystroke must
    reach the form again (a clinician's Ctrl+Shift+R after a slow save was lost: nothing had the focus)."""
    from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout

    parent = QWidget()
    qtbot.addWidget(parent)
    field, other = QLineEdit(parent), QLineEdit(parent)
    layout = QVBoxLayout(parent)
    layout.addWidget(field)
    layout.addWidget(other)
    parent.show()
    parent.activateWindow()
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=3000)
    gate = threading.Event()
    done: list[int] = []
    ops.run_op(parent, lambda: gate.wait(5) and 1, done.append, None, "Saving…")
    qtbot.waitUntil(lambda: parent.findChild(QProgressDialog, "opProgress") is not None, timeout=3000)
    gate.set()
    qtbot.waitUntil(lambda: bool(done), timeout=3000)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=3000)


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



def test_qt_garbage_made_on_the_gui_thread_is_never_collected_on_a_worker(qtbot):  # type: ignore[no-untyped-def]
    """A worker that allocates a lot would start Python's collector on its own thread and finalise the GUI's Qt
    objects there (Qt: "Timers cannot be stopped from another thread"; a save's answer could be lost)."""
    import gc
    import weakref

    from PySide6.QtCore import QObject, QTimer

    finalised_in: list[threading.Thread] = []
    gc.collect()
    helper = QObject()
    helper.timer = QTimer(helper)  # type: ignore[attr-defined]
    helper.timer.start(60_000)  # type: ignore[attr-defined]
    helper.me = helper  # type: ignore[attr-defined]  # a cycle: only the cyclic collector frees it
    weakref.finalize(helper, lambda: finalised_in.append(threading.current_thread()))
    del helper

    def churn() -> list[list[list[int]]]:
        return [[[] for _ in range(50)] for _ in range(20_000)]  # far past the young generation's threshold

    kept: list[object] = []
    ops.run_op(None, churn, kept.append)
    ops.pool().waitForDone(10_000)  # the GUI thread runs no Python meanwhile: any collection is the worker's
    qtbot.waitUntil(lambda: bool(finalised_in), timeout=5000)
    assert finalised_in == [threading.main_thread()]
    wait_ops(qtbot)
    assert len(kept[0]) == 20_000  # type: ignore[arg-type]


def test_the_gui_thread_collector_follows_pythons_thresholds(qapp):  # type: ignore[no-untyped-def]
    import gc

    from app.ui import collector

    running = collector.install(qapp)
    assert not gc.isenabled()
    gc.collect()
    assert running.collect_due() is None  # nothing allocated since: nothing due
    junk = [[] for _ in range(gc.get_threshold()[0] + 10)]
    assert running.collect_due() == 0 and len(junk)
