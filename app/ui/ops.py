"""The one way the UI runs database work: off the GUI thread, results delivered back on it.

Modelled on Anki's CollectionOp/QueryOp. The GUI thread never waits on the store: ``run_op`` hands ``fn`` to a
thread pool and returns at once; ``on_success``/``on_failure`` run later on the GUI thread through a queued signal.
If the work takes longer than ~300 ms a progress dialog appears, so a slow disk never looks like a frozen window.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from app.ui import i18n

log = logging.getLogger("sayyar.ui.ops")

PROGRESS_AFTER_MS = 300
# Two workers: a save and a search can run side by side, yet at most two read connections (each with its own
# SQLite page cache) are ever opened, which keeps the app's memory bounded on 250,000 patients.
MAX_WORKERS = 2
_pool: list[QThreadPool] = []


def pool() -> QThreadPool:
    if not _pool:
        p = QThreadPool()
        p.setMaxThreadCount(MAX_WORKERS)
        _pool.append(p)
    return _pool[0]
_live: set[_Relay] = set()  # relays waiting for their worker; kept here so Python does not collect them


class _Relay(QObject):
    """Lives on the GUI thread; a worker emits on it and Qt queues the call back to the GUI thread."""

    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as err:  # noqa: BLE001 - every failure must reach the GUI, never kill the worker
            self.relay.failed.emit(err)
        else:
            self.relay.done.emit(result)


def idle() -> bool:
    """True when no operation is running (tests wait on this)."""
    return not _live


def error_text(err: BaseException) -> str:
    """What the user reads: the service's own sentence in their language, never a traceback."""
    from app.services.errors import ServiceError

    if isinstance(err, ServiceError):
        return err.message(i18n.current_lang())
    message = getattr(err, "message_fa" if i18n.current_lang() == "fa" else "message", None)
    if isinstance(message, str) and message:
        return message
    return QCoreApplication.translate(
        "ops", "Something went wrong and the action was not completed. Your typing is kept; try again, "
               "and if it keeps happening tell the unit administrator.")


def show_error(parent: QWidget | None, err: BaseException) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate("ops", "Not done"), error_text(err),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()


def run_op(parent: QWidget | None, fn: Callable[[], Any], on_success: Callable[[Any], None] | None = None,
           on_failure: Callable[[BaseException], None] | None = None, progress_label: str | None = None) -> None:
    """Run ``fn()`` on the pool. ``on_failure`` defaults to a message box; callbacks are skipped if ``parent`` died."""
    relay = _Relay()
    _live.add(relay)
    progress: list[QProgressDialog] = []
    timer = QTimer(relay)
    timer.setSingleShot(True)

    def show_progress() -> None:
        if progress_label and (parent is None or shiboken6.isValid(parent)):
            dlg = QProgressDialog(progress_label, "", 0, 0, parent)
            dlg.setObjectName("opProgress")
            dlg.setCancelButton(None)  # work already sent to the database cannot be taken back halfway
            dlg.setWindowModality(Qt.WindowModality.WindowModal)
            dlg.setMinimumDuration(0)
            dlg.show()
            progress.append(dlg)

    timer.timeout.connect(show_progress)
    timer.start(PROGRESS_AFTER_MS)

    def finish() -> bool:
        timer.stop()
        for dlg in progress:
            dlg.close()
            dlg.deleteLater()
        _live.discard(relay)
        relay.deleteLater()
        alive = parent is None or shiboken6.isValid(parent)
        if progress and alive and parent is not None:
            # The modal progress window took the keyboard; give it back to the form's window, whose focus widget
            # is where the cursor was (otherwise the next keystroke after a slow save could reach nothing).
            window = parent.window()
            if window.isVisible():
                window.activateWindow()
        return alive

    def succeeded(result: Any) -> None:
        if finish() and on_success is not None:
            on_success(result)

    def failed(err: BaseException) -> None:
        from app.services.errors import ServiceError

        if not isinstance(err, ServiceError):
            # Type only: messages and tracebacks can carry patient data.
            log.error("operation failed: %s", type(err).__name__)
            if os.environ.get("SAYYAR_UI_DEBUG"):  # developers only: tracebacks can hold patient data
                log.error("".join(traceback.format_exception(err)))
        if not finish():
            return
        if on_failure is not None:
            on_failure(err)
        else:
            show_error(parent, err)

    relay.done.connect(succeeded, Qt.ConnectionType.QueuedConnection)
    relay.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
    pool().start(_Job(fn, relay))
