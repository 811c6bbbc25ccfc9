"""The Sync panel: what is waiting to leave this laptop, what was rejected and why, and the sync actions.

Counts come from the change log through ``app.sync.status`` (read-only). The actions call the sync
engine through ``app.ui.sync.backend``; a build without it says so plainly — no pretend progress.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.security.roles import Action, can
from app.ui import i18n, labels
from app.ui.ops import error_text, run_op
from app.ui.sync import backend

STATES = ("queued", "sent", "acked", "quarantined")  # the columns of the counts table, in this order


class SyncPanel(QWidget):
    kind = "sync"

    def __init__(self, session: Any, args: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncPanel")
        self.session, self.ctx, self.args = session, session.ctx, args
        self.key = "sync"
        self.title = self.tr("Sync")
        self.status: Any = None
        self.awaiting: list[Any] = []
        col = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("syncSummary")
        self.summary.setWordWrap(True)
        col.addWidget(self.summary)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("syncProgress")
        self.progress.setVisible(False)
        col.addWidget(self.progress)
        self.auto = QCheckBox(self.tr("Sync automatically whenever the server can be reached"), self)
        self.auto.setObjectName("autoSync")
        self.auto.setEnabled(can(self.ctx.role, Action.CONFIGURE_DEVICE))
        self.auto.setToolTip(self.tr("Only the unit administrator can turn automatic sync off."))
        self.background: Any = None
        controller = self.controller = getattr(parent, "controller", None)
        self.auto.setChecked(bool(getattr(getattr(controller, "prefs", None), "auto_sync", True)))
        self.auto.toggled.connect(self._auto_toggled)
        col.addWidget(self.auto)
        self.table = QTableWidget(0, len(STATES) + 1, self)
        self.table.setObjectName("syncCounts")
        self.table.setHorizontalHeaderLabels([self.tr("Record type"), self.tr("Queued"), self.tr("Sent"),
                                              self.tr("Acknowledged"), self.tr("Rejected")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        col.addWidget(self.table, 1)
        col.addWidget(QLabel(self.tr("Rejected by the server (quarantined) — the rest of the queue goes on:"), self))
        self.quarantine = QTableWidget(0, 3, self)
        self.quarantine.setObjectName("quarantine")
        self.quarantine.setHorizontalHeaderLabels([self.tr("Sequence"), self.tr("Record type"), self.tr("Reason")])
        self.quarantine.horizontalHeader().setStretchLastSection(True)
        self.quarantine.verticalHeader().setVisible(False)
        col.addWidget(self.quarantine, 1)
        from app.ui.sync.conflicts import ConflictsView

        self.conflicts = ConflictsView(session, self)
        col.addWidget(self.conflicts, 1)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for action, text, allowed in (("sync_now", self.tr("Sync now"), can(self.ctx.role, Action.RUN_SYNC)),
                                      ("export_bundle", self.tr("Export bundle…"),
                                       can(self.ctx.role, Action.EXPORT_BUNDLE)),
                                      ("load_receipt", self.tr("Load receipt…"),
                                       can(self.ctx.role, Action.EXPORT_BUNDLE)),
                                      ("backup", self.tr("Back up this laptop…"),
                                       can(self.ctx.role, Action.CONFIGURE_DEVICE)),
                                      ("device_request", self.tr("Enrolment request…"),
                                       can(self.ctx.role, Action.CONFIGURE_DEVICE)),
                                      ("load_enrolment", self.tr("Load enrolment…"),
                                       can(self.ctx.role, Action.CONFIGURE_DEVICE))):
            button = QPushButton(text, self)
            button.setObjectName(action)
            button.setEnabled(allowed)
            button.clicked.connect(lambda _=False, a=action: self.run(a))
            row.addWidget(button)
            self.buttons[action] = button
        refresh = QPushButton(self.tr("Refresh"), self)
        refresh.setObjectName("refreshSync")
        refresh.clicked.connect(self.refresh)
        row.addWidget(refresh)
        row.addStretch(1)
        col.addLayout(row)
        self.message = QLabel(self)
        self.message.setObjectName("syncMessage")
        self.message.setWordWrap(True)
        col.addWidget(self.message)
        self.refresh()
        if getattr(controller, "sync", None) is not None:
            self.attach_sync(controller.sync)

    # ----- background sync -----

    def attach_sync(self, background: Any) -> None:
        self.background = background
        background.progress.connect(self._show_progress)
        background.state_changed.connect(self._show_state)
        background.round_done.connect(self._round_done)  # bound: dropped with the panel (see status.py)
        self._show_state()

    def _round_done(self, *_: object) -> None:
        self.refresh()

    def _auto_toggled(self, on: bool) -> None:
        if not can(self.ctx.role, Action.CONFIGURE_DEVICE):
            return
        if self.controller is not None:
            self.controller.set_auto_sync(on)
        self._show_state()

    def _show_state(self) -> None:
        state = self.background.state if self.background is not None else None
        running = bool(state and state.syncing)
        self.progress.setVisible(running)
        if running and (state.progress is None or not state.progress.total):
            self.progress.setRange(0, 0)  # a round has started; its size is not known yet

    def _show_progress(self, p: Any) -> None:
        self.progress.setVisible(True)
        if p.total:
            self.progress.setRange(0, p.total)
            self.progress.setValue(p.done)
            phase = self.tr("Sending") if p.phase == "upload" else self.tr("Receiving")
            self.progress.setFormat(f"{phase}: %v / %m")
        else:
            self.progress.setRange(0, 0)

    def refresh(self) -> None:
        store, folder = self.session.store, self.session.data_dir

        def read() -> tuple[Any, dict[str, dict[str, int]], list[Any], int | None, list[Any]]:
            from app.services.backup import backup_reminder
            from app.sync.bundle_log import awaiting_receipt
            from app.sync.status import counts_by_entity, quarantined_entries, sync_status
            from app.ui import prefs

            return (sync_status(store), counts_by_entity(store), quarantined_entries(store, limit=200),
                    backup_reminder(store, folder, days=prefs.remind_after_days(folder)), awaiting_receipt(store))

        run_op(self, read, self._show)
        if hasattr(self, "conflicts"):
            self.conflicts.refresh()

    def _show(self, result: tuple[Any, dict[str, dict[str, int]], list[Any], int | None, list[Any]]) -> None:
        status, by_entity, quarantined, unsafe_days, bundles = result
        self.awaiting = bundles
        self.status = status
        last = i18n.show_datetime(status.last_success_at) if status.last_success_at else self.tr("never")
        text = self.tr("%1 changes waiting to leave this laptop. Last successful sync: %2.") \
            .replace("%1", i18n.num(status.queued)).replace("%2", last)
        if not status.enrolled:
            text += " " + self.tr("This laptop is not enrolled with a sync server; bundles on a USB stick still work.")
        if status.last_error:
            text += "\n" + self.tr("Last error: %1").replace("%1", status.last_error)
        for b in bundles:
            text += "\n" + self.tr("Bundle of %1 (%2, sequences %3–%4, %5 changes) is still waiting for its receipt "
                                    "from headquarters.").replace("%1", i18n.show_datetime(b.at)) \
                .replace("%2", b.file).replace("%3", i18n.num(b.seq_from)).replace("%4", i18n.num(b.seq_to)) \
                .replace("%5", i18n.num(b.count))
        if unsafe_days is not None:
            text += "\n" + self.tr("No backup and no sync for %1 days: back up this laptop to a USB stick.") \
                .replace("%1", i18n.num(unsafe_days))
        self.summary.setText(text)
        entities = sorted(by_entity)
        self.table.setRowCount(len(entities))
        for r, entity in enumerate(entities):
            self.table.setItem(r, 0, QTableWidgetItem(labels.entity(entity)))
            for c, state in enumerate(STATES, start=1):
                self.table.setItem(r, c, QTableWidgetItem(i18n.num(by_entity[entity].get(state, 0))))
        self.table.resizeColumnToContents(0)
        self.quarantine.setRowCount(len(quarantined))
        for r, q in enumerate(quarantined):
            for c, value in enumerate((str(q.seq), labels.entity(q.entity), q.reason)):
                self.quarantine.setItem(r, c, QTableWidgetItem(value))

    def run(self, action: str) -> None:
        path: Path | None = None
        if action == "export_bundle":
            if self.awaiting:
                self.message.setText(self.tr("An earlier bundle was never receipted; its changes go again in this "
                                             "one. Load its receipt when it comes."))
            name, _ = QFileDialog.getSaveFileName(self, self.tr("Export bundle"), "", self.tr("Sync bundle (*.sayyar)"))
            if not name:
                return
            path = Path(name)
        elif action == "backup":
            name, _ = QFileDialog.getSaveFileName(self, self.tr("Back up this laptop"), "",
                                                  self.tr("Laptop backup (*.sayyarbackup)"))
            if not name:
                return
            path = Path(name)
        elif action == "device_request":
            name, _ = QFileDialog.getSaveFileName(self, self.tr("Enrolment request for headquarters"), "",
                                                  self.tr("Enrolment request (*.json)"))
            if not name:
                return
            path = Path(name)
        elif action == "load_enrolment":
            name, _ = QFileDialog.getOpenFileName(self, self.tr("Load enrolment"), "",
                                                  self.tr("Enrolment file (*.json)"))
            if not name:
                return
            path = Path(name)
        elif action == "load_receipt":
            name, _ = QFileDialog.getOpenFileName(self, self.tr("Load receipt"), "", self.tr("Receipt (*.receipt *.json)"))
            if not name:
                return
            path = Path(name)
        ctx, store = self.ctx, self.session.store
        self.message.setText(self.tr("Working…"))
        session = self.session
        run_op(self, lambda: backend.call(action, store, ctx, path, session), lambda r: self._done(action, r),
               self._failed,
               self.tr("Sync in progress…"))

    def _done(self, action: str, result: Any) -> None:
        if action == "backup":
            self.message.setText(self.tr("Backup written: %1. It opens only with the recovery key or a unit "
                                         "administrator's password; keep it away from the laptop.")
                                 .replace("%1", str(result.path)))
        elif action == "device_request":
            self.message.setText(self.tr("Enrolment request written: %1. Give it to headquarters (sayyar server "
                                         "enrol-device --request FILE) and load the enrolment file they return.")
                                 .replace("%1", str(result)))
        elif action == "load_enrolment":
            self.message.setText(self.tr("Enrolled: this laptop can now sync with the server and write bundles."))
            if hasattr(self.controller, "laptop_enrolled"):
                self.controller.laptop_enrolled()  # background sync starts now, not at the next sign-in
        else:
            self.message.setText(self.tr("Done."))
        self.refresh()

    def _failed(self, err: BaseException) -> None:
        self.message.setText(error_text(err))
        self.refresh()
