"""The sync indicator in the status bar: queued changes, last success, errors. Refreshed off the GUI thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPushButton, QWidget

from app.ui import i18n
from app.ui.ops import run_op

REFRESH_MS = 15_000


class SyncStatusWidget(QPushButton):
    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self.setFlat(True)
        self.session = session
        self.status: Any = None
        self._busy = False
        self.setText(self.tr("Sync: …"))
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(REFRESH_MS)
        self.refresh()

    def stop(self) -> None:
        self._timer.stop()

    def refresh(self) -> None:
        if self._busy:
            return
        self._busy = True
        from app.sync.status import sync_status

        store = self.session.store
        run_op(self, lambda: sync_status(store), self._show, self._failed)

    def _failed(self, err: BaseException) -> None:
        self._busy = False
        self.setText(self.tr("Sync: status unavailable"))

    def _show(self, status: Any) -> None:
        self._busy = False
        self.status = status
        last = i18n.show_datetime(status.last_success_at) if status.last_success_at else self.tr("never")
        text = self.tr("Sync: %1 queued · last success %2").replace("%1", i18n.num(status.queued)).replace("%2", last)
        bad = status.counts.get("quarantined", 0)
        if bad:
            text += " · " + self.tr("%1 rejected").replace("%1", i18n.num(bad))
        if status.last_error:
            text += " · " + self.tr("last attempt failed")
            self.setToolTip(status.last_error)
        self.setText(text)
        if not status.last_error:
            self.setToolTip(self.tr("Open the Sync panel"))
