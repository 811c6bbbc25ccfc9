"""The sync indicator in the status bar: queued changes, last success, errors, and what background sync is doing
(sending, offline, turned off). Counts are read off the GUI thread; the background engine's signals refresh it."""

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
        self.background: Any = None
        self.unsafe_days: int | None = None
        self._busy = False
        self.setText(self.tr("Sync: …"))
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(REFRESH_MS)
        self.refresh()

    def stop(self) -> None:
        self._timer.stop()

    def attach(self, background: Any) -> None:
        self.background = background
        # Bound methods, not lambdas: Qt drops a connection when its receiver is destroyed, and this widget goes
        # with its window at every user switch while the engine lives on (a lambda would call a deleted widget).
        background.round_done.connect(self._round_done)
        background.state_changed.connect(self._redraw)
        background.progress.connect(self._progressed)
        self.refresh()

    def _round_done(self, *_: object) -> None:
        self.refresh()

    def _progressed(self, _: object) -> None:
        self._redraw()

    def _redraw(self) -> None:
        if self.status is not None:
            self._show_text(self.status)

    def refresh(self) -> None:
        if self._busy:
            return
        self._busy = True
        store, folder = self.session.store, self.session.data_dir

        def read() -> Any:
            from app.services.backup import backup_reminder
            from app.sync.status import sync_status
            from app.ui import prefs

            status = sync_status(store)
            self.unsafe_days = backup_reminder(store, folder, days=prefs.remind_after_days(folder))
            return status

        run_op(self, read, self._show, self._failed)

    def _failed(self, err: BaseException) -> None:
        self._busy = False
        self.setText(self.tr("Sync: status unavailable"))

    def _show(self, status: Any) -> None:
        self._busy = False
        self.status = status
        self._show_text(status)

    def _show_text(self, status: Any) -> None:
        last = i18n.show_datetime(status.last_success_at) if status.last_success_at else self.tr("never")
        text = self.tr("Sync: %1 queued · last success %2").replace("%1", i18n.num(status.queued)).replace("%2", last)
        bad = status.counts.get("quarantined", 0)
        if bad:
            text += " · " + self.tr("%1 rejected").replace("%1", i18n.num(bad))
        state = self.background.state if self.background is not None else None
        error = status.last_error
        if state is not None and state.syncing:
            text = self.tr("Sync: sending and receiving…")
            if state.progress is not None and state.progress.total:
                text += " " + self.tr("%1 of %2").replace("%1", i18n.num(state.progress.done)) \
                    .replace("%2", i18n.num(state.progress.total))
        elif state is not None and not self.background.enabled:
            text += " · " + self.tr("automatic sync is off")
        elif state is not None and state.running and not state.online and state.failures:
            text += " · " + self.tr("server not reachable, trying again by itself")
            error = error or self.tr("The sync server could not be reached.")
        elif error:
            text += " · " + self.tr("last attempt failed")
        if self.unsafe_days is not None and not (state is not None and state.syncing):
            text += " · " + self.tr("no backup or sync for %1 days").replace("%1", i18n.num(self.unsafe_days))
        self.setText(text)
        self.setToolTip(error or self.tr("Open the Sync panel"))
