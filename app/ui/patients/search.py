"""Find a patient as you type: debounced, stale results dropped, the list filled lazily by the model."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.security.roles import Action, can
from app.ui import i18n, labels
from app.ui.ops import run_op
from app.ui.patients.model import PatientTableModel
from app.ui.widgets.forms import Banner

DEBOUNCE_MS = 60
# The first rows of a search come back at once; the complete ordered id list follows in the background, so a
# one-letter query over 250,000 patients shows results as fast as a precise one.
FIRST_ROWS = 200


class PatientSearchView(QWidget):
    open_patient = Signal(str)
    register = Signal()
    open_draft = Signal(object)
    results_shown = Signal(int)

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("patientSearch")
        self.session = session
        self.ctx = session.ctx
        self._generation = 0
        self._inflight = False
        self._wanted: tuple[int, str] | None = None
        self.completing = False
        self.last_search_ms = 0.0

        col = QVBoxLayout(self)
        self.drafts_banner = Banner("warn", self)
        self.drafts_banner.setObjectName("draftsBanner")
        col.addWidget(self.drafts_banner)
        self._draft_buttons: list[QPushButton] = []
        row = QHBoxLayout()
        self.query = QLineEdit(self)
        self.query.setObjectName("searchQuery")
        self.query.setClearButtonEnabled(True)
        self.query.setPlaceholderText(self.tr("Name, father's name, code, document number or phone (Persian or "
                                              "Latin)"))
        self.query.setToolTip(self.tr("Find a patient (Ctrl+F)"))  # the window's shortcut, from any tab
        self.query.installEventFilter(self)
        row.addWidget(self.query, 1)
        # Sex is not typed into the box: choosing it ranks patients of that sex first (it filters nobody out).
        self.sex = QComboBox(self)
        self.sex.setObjectName("searchSex")
        self.sex.addItem(self.tr("Any sex"), "")
        for code, text in labels.sex().items():
            if code in ("male", "female"):
                self.sex.addItem(text, code)
        self.sex.currentIndexChanged.connect(lambda _: self.search_now())
        row.addWidget(self.sex)
        if can(self.ctx.role, Action.REGISTER_PATIENT):
            new = QPushButton(self.tr("Register a patient"), self)
            new.setObjectName("registerButton")
            new.setToolTip(self.tr("Register a patient (Ctrl+N)"))
            new.clicked.connect(self.register)
            row.addWidget(new)
        from app.ui.patients.lookup import attach_lookup

        self.lookup_dialog: Any = None
        self.lookup_button = attach_lookup(self, row)
        col.addLayout(row)
        self.count = QLabel(self)
        self.count.setObjectName("resultCount")
        col.addWidget(self.count)
        self.model = PatientTableModel(session, self)
        self.table = QTableView(self)
        self.table.setObjectName("patientTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((110, 280, 190, 70, 50, 110)):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(self._activated)
        # No column is sorted until someone clicks a header: matches then come in the cheapest (index) order.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.model.sort_changed.connect(self.search_now)
        col.addWidget(self.table, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        self.query.textChanged.connect(lambda _: self._debounce.start())
        self.query.returnPressed.connect(self._open_first)
        self.refresh_drafts()
        self.search_now()

    # ----- searching -----

    def search_now(self) -> None:
        self._debounce.stop()
        self._generation += 1
        self._wanted = (self._generation, self.query.text())
        self._pump()

    def _pump(self) -> None:
        # At most one search in flight; while it runs, only the newest wanted query is kept (stale ones never run).
        if self._inflight or self._wanted is None:
            return
        generation, text = self._wanted
        self._wanted = None
        self._inflight = True
        ctx, started = self.ctx, time.perf_counter()
        order, descending, sex = self.model.sort_key, self.model.sort_descending, self.sex.currentData() or None

        def search(limit: int | None, quick: bool) -> Any:
            from app.services.patient_search import search_list

            return search_list(ctx, text, limit=limit, quick=quick, order=order, descending=descending, sex=sex)

        def done(result: Any) -> None:
            self._inflight = False
            if generation == self._generation:
                ids = result.ids
                self.model.set_ids(ids, {h.patient_id: h.reasons for h in result.hits})
                self.last_search_ms = (time.perf_counter() - started) * 1000
                if text.strip():
                    self._show_count(len(ids), complete=result.complete)
                else:
                    self.count.setText(self.tr("Most recently registered or changed patients — type to search all"))
                if ids:
                    self.table.selectRow(0)
                self.results_shown.emit(len(ids))
                # An empty query lists the most recently changed patients only: nobody scrolls 250,000 rows.
                if not result.complete and self._wanted is None and text.strip():
                    self._complete(generation, search)
            self._pump()

        def failed(err: BaseException) -> None:
            self._inflight = False
            from app.ui.ops import error_text

            self.count.setText(error_text(err))
            self._pump()

        run_op(self, lambda: search(FIRST_ROWS, True), done, failed)

    def _complete(self, generation: int, search: Any) -> None:
        self.completing = True

        def rest(result: Any) -> None:
            self.completing = False
            if generation != self._generation:
                return
            ids, reasons = result.ids, {h.patient_id: h.reasons for h in result.hits}
            if ids[:len(self.model.ids)] == self.model.ids:
                self.model.extend_ids(ids, reasons)
            else:
                # Matches the quick pass skipped rank above some it showed: show the full order, same row kept.
                current = self.model.patient_id(self.table.currentIndex().row())
                self.model.set_ids(ids, reasons)
                if current in ids:
                    self.table.selectRow(ids.index(current))
            self._show_count(len(ids), complete=True)

        def failed(err: BaseException) -> None:
            self.completing = False

        run_op(self, lambda: search(None, False), rest, failed)

    def _show_count(self, n: int, *, complete: bool) -> None:
        from app.services.patient_search import MAX_RESULTS

        if complete and n >= MAX_RESULTS:
            self.count.setText(self.tr("The first %1 patients — type more to narrow the search")
                               .replace("%1", i18n.num(n)))
            return
        text = self.tr("%n patient(s)", "", n).replace(str(n), i18n.num(n))
        self.count.setText(text if complete else text + " " + self.tr("(counting the rest…)"))

    def _activated(self, index: Any) -> None:
        pid = self.model.patient_id(index.row())
        if pid:
            self.open_patient.emit(pid)

    def _open_first(self) -> None:
        text = self.query.text()
        from app.core.card_code import read_card

        if read_card(text) is not None:
            self._open_card(text)
            return
        index = self.table.currentIndex()
        pid = self.model.patient_id(index.row() if index.isValid() else 0)
        if pid and not self._debounce.isActive() and not self._inflight:
            self.open_patient.emit(pid)

    def _open_card(self, text: str) -> None:
        """A USB scanner typed a patient card's QR code and Enter: open that chart straight away."""
        ctx = self.ctx
        self._debounce.stop()

        def find() -> str:
            from app.services.patient_card import patient_for_card

            return patient_for_card(ctx, text)

        def found(pid: str) -> None:
            self.query.clear()
            self.open_patient.emit(pid)

        def failed(err: BaseException) -> None:
            from app.ui.ops import error_text

            self.query.selectAll()
            self.count.setText(error_text(err))

        run_op(self, find, found, failed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Down arrow in the search box walks into the list, so the mouse is never needed.
        if watched is self.query and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
            self.table.setFocus()
            if self.model.rowCount():
                self.table.selectRow(max(0, self.table.currentIndex().row()))
            return True
        return super().eventFilter(watched, event)

    # ----- drafts -----

    def refresh_drafts(self) -> None:
        for b in self._draft_buttons:
            b.deleteLater()
        self._draft_buttons = []
        drafts = self.session.drafts.all()
        if not drafts:
            self.drafts_banner.say("")
            return
        self.drafts_banner.say(self.tr("You have unsaved forms:"))
        for d in drafts[:4]:
            button = self.drafts_banner.add_button(d.title, f"draft_{d.key}")
            button.clicked.connect(lambda _=False, d=d: self.open_draft.emit(d))
            self._draft_buttons.append(button)
